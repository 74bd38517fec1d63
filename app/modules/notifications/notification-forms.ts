import { z } from "zod";
import { contactRoles, notificationKinds, type ContactRole, type NotificationKind } from "#db/schema/accounts";

/** What each kind of email is, in the payer's words (the settings page, the staff's read-only view). */
export const NOTIFICATION_KIND_LABELS: Record<NotificationKind, { label: string; hint: string }> = {
  invoices: { label: "Invoices", hint: "New invoices for the account, such as late fees." },
  reminders: { label: "Payment reminders", hint: "Invoices coming due and overdue, with a link to pay." },
  receipts: { label: "Receipts", hint: "Your payments received (a payment made through a reminder's link: the account's)." },
  disputes: { label: "Dispute updates", hint: "Disputes opened on the account, replies and outcomes." },
  plans_autopay: { label: "Payment plans and autopay", hint: "Plans set up, installments coming and failed, autopay notices." },
};

export const CONTACT_ROLE_LABELS: Record<ContactRole, string> = { billing: "Billing (addressed)", approver: "Approver (copied)", other: "Other (copied)" };

const checkbox = z.literal("on", { error: "Tick the box, or leave it empty." }).optional();

/**
 * The payer's own preferences for the active account: a ticked box is a kind they want. The
 * hidden `intent` makes an empty body a refusal, not "turn every email off".
 */
export const notificationPreferencesForm = z.object({
  intent: z.literal("save", { error: "Save the form from the page." }),
  ...(Object.fromEntries(notificationKinds.map((k) => [k, checkbox])) as Record<NotificationKind, typeof checkbox>),
});

/** The form's values as preferences: every kind, true or false. */
export const preferencesFromForm = (value: z.infer<typeof notificationPreferencesForm>): Record<NotificationKind, boolean> =>
  Object.fromEntries(notificationKinds.map((k) => [k, value[k] === "on"])) as Record<NotificationKind, boolean>;

/** Staff: a contact's role on the account (the contacts section of the customer page). */
export const contactRoleForm = z.object({
  intent: z.literal("role", { error: "Choose what to change." }),
  userId: z.string({ error: "Choose a contact." }).trim().min(1, "Choose a contact.").max(64, "Choose a contact."),
  role: z.enum(contactRoles, { error: "Choose Billing, Approver or Other." }),
});
