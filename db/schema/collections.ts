import { sql } from "drizzle-orm";
import { bigint, boolean, check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { accounts, users } from "./accounts";
import {
  promiseSources,
  promiseStatuses,
  reminderActions,
  stepChannels,
  taskKinds,
  taskOutcomes,
  taskStatuses,
  type CollectionRules,
} from "./collection-values";
import { newId } from "./ids";
import { invoices } from "./invoices";

export * from "./collection-values";

const money = () => bigint({ mode: "number" });

/** The AR team's collection rules: one row (id 'default'). */
export const collectionPolicies = pgTable("collection_policies", {
  id: text().primaryKey().default("default"),
  rules: jsonb().$type<CollectionRules>().notNull(),
  updatedByUserId: text().references(() => users.id),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** A named list of reminder steps ("gentle", "firm"); exactly one is the default. */
export const cadences = pgTable(
  "cadences",
  {
    id: text().primaryKey().$defaultFn(() => newId("cad")),
    name: text().notNull(),
    description: text(),
    isDefault: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("cadences_name_key").on(sql`lower(${t.name})`), uniqueIndex("cadences_one_default_key").on(t.isDefault).where(sql`${t.isDefault}`)],
);

/**
 * One step: `offsetDays` from the due date (−3 = three days before), a channel and its template.
 * Subject and body are plain text with placeholders ({{account_name}}, {{company_name}}…); the
 * email lists the invoices and the pay link below the body.
 */
export const cadenceSteps = pgTable(
  "cadence_steps",
  {
    id: text().primaryKey().$defaultFn(() => newId("cst")),
    cadenceId: text()
      .notNull()
      .references(() => cadences.id, { onDelete: "cascade" }),
    offsetDays: integer().notNull(),
    channel: text({ enum: stepChannels }).notNull().default("email"),
    subject: text().notNull(),
    body: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("cadence_steps_offset_key").on(t.cadenceId, t.offsetDays), check("cadence_steps_offset_range", sql`${t.offsetDays} between -90 and 365`)],
);

/** A customer segment: a tag staff (or the back office) put on accounts, with the cadence it implies. */
export const segments = pgTable("segments", {
  name: text().primaryKey(),
  cadenceId: text().references(() => cadences.id, { onDelete: "set null" }),
  description: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * How an account is collected: its segment, its cadence (directly, else its segment's, else the
 * default), its collector and whether staff put it on hold. No row = all defaults.
 */
export const collectionProfiles = pgTable(
  "collection_profiles",
  {
    accountId: text()
      .primaryKey()
      .references(() => accounts.id, { onDelete: "cascade" }),
    segment: text().references(() => segments.name, { onDelete: "set null", onUpdate: "cascade" }),
    cadenceId: text().references(() => cadences.id, { onDelete: "set null" }),
    collectorId: text().references(() => users.id, { onDelete: "set null" }),
    onHold: boolean().notNull().default(false),
    holdReason: text(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("collection_profiles_collector_idx").on(t.collectorId), index("collection_profiles_segment_idx").on(t.segment)],
);

/**
 * Every decision of the reminder engine, with its reason: the account's timeline shows them.
 * A send is unique per (invoice, step) — each reminder goes at most once, ever; a skip is logged
 * once per (invoice, step, reason) so a paused invoice does not add a row every day.
 */
export const reminderDecisions = pgTable(
  "reminder_decisions",
  {
    id: text().primaryKey().$defaultFn(() => newId("rmd")),
    accountId: text()
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    invoiceId: text()
      .notNull()
      .references(() => invoices.id, { onDelete: "cascade" }),
    stepId: text().references(() => cadenceSteps.id, { onDelete: "set null" }),
    offsetDays: integer().notNull(),
    channel: text({ enum: stepChannels }).notNull(),
    runOn: date({ mode: "string" }).notNull(),
    action: text({ enum: reminderActions }).notNull(),
    reason: text().notNull(),
    /** What was asked for (send) or what stayed unasked (skip), minor units. */
    amountDue: money().notNull(),
    amountOnHold: money().notNull().default(0),
    /** The pay link the email carried (sends by email only). */
    payLinkId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("reminder_decisions_sent_once_key").on(t.invoiceId, t.offsetDays).where(sql`${t.action} = 'send'`),
    uniqueIndex("reminder_decisions_skip_once_key").on(t.invoiceId, t.offsetDays, t.reason).where(sql`${t.action} = 'skip'`),
    index("reminder_decisions_account_idx").on(t.accountId, t.createdAt),
    index("reminder_decisions_run_idx").on(t.runOn),
  ],
);

/**
 * A link that pays exactly `invoiceIds` of one account without signing in. The URL carries the id
 * and a MAC over it (app/modules/collections/pay-link-token.server.ts); this row says whether it
 * still works.
 */
export const payLinks = pgTable(
  "pay_links",
  {
    id: text().primaryKey().$defaultFn(() => newId("pl")),
    accountId: text()
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    invoiceIds: text().array().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
    revokedByUserId: text().references(() => users.id),
    openCount: integer().notNull().default(0),
    lastOpenedAt: timestamp({ withTimezone: true }),
    /** The day whose reminder email carries this link (null: a link made another way). */
    reminderOn: date({ mode: "string" }),
    /** When that email was handed to the mail server: a retried sender skips it. */
    emailedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("pay_links_account_idx").on(t.accountId, t.createdAt), index("pay_links_unsent_idx").on(t.reminderOn).where(sql`${t.emailedAt} is null and ${t.reminderOn} is not null`)],
);

/** A customer's promise to pay `amount` on some invoices by `promisedFor`. */
export const paymentPromises = pgTable(
  "payment_promises",
  {
    id: text().primaryKey().$defaultFn(() => newId("ptp")),
    accountId: text()
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    currency: text().notNull(),
    amount: money().notNull(),
    promisedFor: date({ mode: "string" }).notNull(),
    /** Copied from the rules when made: reminders stay paused until promisedFor + graceDays. */
    graceDays: integer().notNull(),
    /** The invoices' open balance when the promise was made: kept once they have fallen by `amount`. */
    balanceAtPromise: money().notNull(),
    status: text({ enum: promiseStatuses }).notNull().default("open"),
    source: text({ enum: promiseSources }).notNull(),
    createdByUserId: text().references(() => users.id),
    payLinkId: text().references(() => payLinks.id),
    note: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("payment_promises_account_idx").on(t.accountId, t.createdAt),
    index("payment_promises_open_idx").on(t.promisedFor).where(sql`${t.status} = 'open'`),
    check("payment_promises_amount_positive", sql`${t.amount} > 0`),
  ],
);

export const promiseInvoices = pgTable(
  "promise_invoices",
  {
    promiseId: text()
      .notNull()
      .references(() => paymentPromises.id, { onDelete: "cascade" }),
    invoiceId: text()
      .notNull()
      .references(() => invoices.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.promiseId, t.invoiceId] }), index("promise_invoices_invoice_idx").on(t.invoiceId)],
);

/** A dated to-do for the account's collector: a call step, a broken promise, a follow-up. */
export const collectionTasks = pgTable(
  "collection_tasks",
  {
    id: text().primaryKey().$defaultFn(() => newId("ctk")),
    accountId: text()
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    kind: text({ enum: taskKinds }).notNull(),
    dueOn: date({ mode: "string" }).notNull(),
    assigneeId: text().references(() => users.id, { onDelete: "set null" }),
    status: text({ enum: taskStatuses }).notNull().default("open"),
    title: text().notNull(),
    invoiceIds: text().array().notNull().default(sql`'{}'::text[]`),
    promiseId: text().references(() => paymentPromises.id),
    /** Makes creation idempotent: "call:<runOn>" or "promise:<id>"; one task per account and key. */
    dedupeKey: text(),
    outcome: text({ enum: taskOutcomes }),
    note: text(),
    completedByUserId: text().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("collection_tasks_dedupe_key").on(t.accountId, t.dedupeKey),
    index("collection_tasks_open_idx").on(t.dueOn).where(sql`${t.status} = 'open'`),
    index("collection_tasks_account_idx").on(t.accountId, t.createdAt),
  ],
);

/** A collector's free-text note on an account (shown on its timeline). */
export const accountNotes = pgTable(
  "account_notes",
  {
    id: text().primaryKey().$defaultFn(() => newId("note")),
    accountId: text()
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    authorId: text().references(() => users.id),
    body: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("account_notes_account_idx").on(t.accountId, t.createdAt)],
);

export type Cadence = typeof cadences.$inferSelect;
export type CadenceStep = typeof cadenceSteps.$inferSelect;
export type CollectionProfile = typeof collectionProfiles.$inferSelect;
export type PaymentPromise = typeof paymentPromises.$inferSelect;
export type CollectionTask = typeof collectionTasks.$inferSelect;
export type PayLink = typeof payLinks.$inferSelect;
