// Plain values shared by the schema, the engine and the UI: no database or Node imports, so
// browser bundles may import this file.

/** How a cadence step reaches the customer: an email, or a dated call task for the collector. */
export const stepChannels = ["email", "call"] as const;
export type StepChannel = (typeof stepChannels)[number];

/** What the engine decided for one invoice at one step. */
export const reminderActions = ["send", "skip"] as const;
export type ReminderAction = (typeof reminderActions)[number];

/** Who reminder emails go to: billing contacts are "to", the ones the AR team chose are "cc". */
export const reminderRecipientRoles = ["to", "cc", "none"] as const;
export type ReminderRecipientRole = (typeof reminderRecipientRoles)[number];

export const promiseStatuses = ["open", "kept", "broken", "canceled"] as const;
export type PromiseStatus = (typeof promiseStatuses)[number];
export const promiseSources = ["portal", "pay_link", "staff", "api"] as const;
export type PromiseSource = (typeof promiseSources)[number];

export const taskKinds = ["call", "broken_promise", "follow_up"] as const;
export type TaskKind = (typeof taskKinds)[number];
export const taskStatuses = ["open", "done"] as const;
export type TaskStatus = (typeof taskStatuses)[number];
export const taskOutcomes = ["reached", "left_message", "promised", "disputed", "wrong_contact"] as const;
export type TaskOutcome = (typeof taskOutcomes)[number];

/** The AR team's collection rules: one row (id 'default'), edited in /admin. */
export interface CollectionRules {
  /** A promise to pay may name a date at most this many days ahead. */
  promiseMaxDays: number;
  /** Reminders stay paused this many days after a promise's date before it counts as broken. */
  promiseGraceDays: number;
  /** Pay links in reminders stop working this many days after they are sent. */
  payLinkDays: number;
}

export const defaultCollectionRules: CollectionRules = { promiseMaxDays: 30, promiseGraceDays: 2, payLinkDays: 30 };

/** The default cadence's steps (days from the due date), made by the migration. */
export const defaultCadenceOffsets = [-3, 0, 7, 14, 30] as const;
