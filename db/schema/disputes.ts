import { sql } from "drizzle-orm";
import { bigint, check, customType, index, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { accounts, users } from "./accounts";
import { newId } from "./ids";
import { invoiceLines, invoices } from "./invoices";

import { activeDisputeStatuses, disputeReasons, disputeStatuses } from "./dispute-values";

export { activeDisputeStatuses, disputeReasons, disputeStatuses };
export type { DisputeReason, DisputeStatus } from "./dispute-values";

const money = () => bigint({ mode: "number" });

/** A payer's dispute of (part of) one invoice, worked by the AR team. */
export const disputes = pgTable(
  "disputes",
  {
    id: text().primaryKey().$defaultFn(() => newId("dsp")),
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    invoiceId: text()
      .notNull()
      .references(() => invoices.id),
    openedByUserId: text().references(() => users.id),
    reason: text({ enum: disputeReasons }).notNull(),
    amount: money().notNull(),
    currency: text().notNull(),
    description: text().notNull(),
    status: text({ enum: disputeStatuses }).notNull().default("open"),
    assigneeUserId: text().references(() => users.id),
    /** SLA: when the AR team's first response is due (business days after opening). */
    firstResponseDueAt: timestamp({ withTimezone: true }).notNull(),
    firstRespondedAt: timestamp({ withTimezone: true }),
    creditedAmount: money().notNull().default(0),
    resolutionNote: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("disputes_account_idx").on(t.accountId, t.createdAt),
    index("disputes_invoice_idx").on(t.invoiceId),
    index("disputes_queue_idx").on(t.status, t.firstResponseDueAt),
    index("disputes_assignee_idx").on(t.assigneeUserId, t.status),
    check("disputes_amount_positive", sql`${t.amount} > 0`),
    check("disputes_credit_within_amount", sql`${t.creditedAmount} >= 0 and ${t.creditedAmount} <= ${t.amount}`),
  ],
);

/** The invoice lines a dispute is about (optional). */
export const disputeLines = pgTable(
  "dispute_lines",
  {
    disputeId: text()
      .notNull()
      .references(() => disputes.id, { onDelete: "cascade" }),
    invoiceLineId: text()
      .notNull()
      .references(() => invoiceLines.id),
  },
  (t) => [primaryKey({ columns: [t.disputeId, t.invoiceLineId] })],
);

export const messageVisibilities = ["customer", "internal"] as const;
export const messageKinds = ["message", "info_request", "status_change", "resolution"] as const;

/** The thread: messages the payer sees, and internal notes they never do. */
export const disputeMessages = pgTable(
  "dispute_messages",
  {
    id: text().primaryKey().$defaultFn(() => newId("dmsg")),
    disputeId: text()
      .notNull()
      .references(() => disputes.id, { onDelete: "cascade" }),
    authorUserId: text().references(() => users.id),
    authorSide: text({ enum: ["customer", "staff", "system"] }).notNull(),
    visibility: text({ enum: messageVisibilities }).notNull(),
    kind: text({ enum: messageKinds }).notNull().default("message"),
    body: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("dispute_messages_dispute_idx").on(t.disputeId, t.createdAt)],
);

/** Evidence files. The bytes live in the storage driver under `storageKey`, never under the name. */
export const attachments = pgTable(
  "attachments",
  {
    id: text().primaryKey().$defaultFn(() => newId("att")),
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    disputeId: text()
      .notNull()
      .references(() => disputes.id, { onDelete: "cascade" }),
    messageId: text().references(() => disputeMessages.id, { onDelete: "set null" }),
    uploadedByUserId: text().references(() => users.id),
    filename: text().notNull(),
    contentType: text().notNull(),
    size: integer().notNull(),
    sha256: text().notNull(),
    storageKey: text().notNull().unique(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("attachments_dispute_idx").on(t.disputeId)],
);

const bytea = customType<{ data: Buffer }>({ dataType: () => "bytea" });

/** Default storage driver: blobs in Postgres, so every app server sees every file. */
export const attachmentBlobs = pgTable("attachment_blobs", {
  key: text().primaryKey(),
  data: bytea().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** A credit against an invoice: from a dispute resolution (or, later, the back office). */
export const creditMemos = pgTable(
  "credit_memos",
  {
    id: text().primaryKey().$defaultFn(() => newId("cm")),
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    invoiceId: text()
      .notNull()
      .references(() => invoices.id),
    disputeId: text().references(() => disputes.id),
    amount: money().notNull(),
    currency: text().notNull(),
    reason: text().notNull(),
    createdByUserId: text().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("credit_memos_invoice_idx").on(t.invoiceId), check("credit_memos_amount_positive", sql`${t.amount} > 0`)],
);

export type Dispute = typeof disputes.$inferSelect;
export type DisputeMessage = typeof disputeMessages.$inferSelect;
export type Attachment = typeof attachments.$inferSelect;
