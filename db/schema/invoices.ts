import { sql } from "drizzle-orm";
import { bigint, boolean, check, date, index, integer, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { accounts } from "./accounts";
import { newId } from "./ids";

export const invoiceStatuses = ["open", "paid", "void"] as const;
export type InvoiceStatus = (typeof invoiceStatuses)[number];

const money = (name?: string) =>
  name ? bigint(name, { mode: "number" }) : bigint({ mode: "number" });

/**
 * Amounts are integer minor units. `balance` is computed by Postgres so it can never drift
 * from total − paid − credited (0 once void). "overdue" and "partially paid" are derived, not stored.
 */
export const invoices = pgTable(
  "invoices",
  {
    id: text().primaryKey().$defaultFn(() => newId("inv")),
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    externalId: text(),
    number: text().notNull(),
    poNumber: text(),
    currency: text().notNull(),
    issueDate: date({ mode: "string" }).notNull(),
    dueDate: date({ mode: "string" }).notNull(),
    terms: text().notNull(),
    /** Net days of the terms (30 in "2/10 net 30"); null when the back office sent only a label. */
    netDays: integer(),
    /** Early-payment discount in basis points (200 = 2 %) if paid within `discountDays` of the issue date. */
    discountBps: integer(),
    discountDays: integer(),
    status: text({ enum: invoiceStatuses }).notNull().default("open"),
    subtotal: money().notNull(),
    taxTotal: money().notNull().default(0),
    taxLabel: text(),
    total: money().notNull(),
    amountPaid: money().notNull().default(0),
    amountCredited: money().notNull().default(0),
    /** The part of amount_credited that is early-payment discount taken (never above discount_bps × total). */
    amountDiscounted: money().notNull().default(0),
    /** Reserved by payments under way (pending or processing): not yet paid, no longer payable. */
    amountPending: money().notNull().default(0),
    /** Held by open disputes: still owed, but not payable until the dispute is settled. */
    amountDisputed: money().notNull().default(0),
    balance: money()
      .notNull()
      .generatedAlwaysAs(sql`case when status = 'void' then 0 else total - amount_paid - amount_credited end`),
    memo: text(),
    /** The payment plan that holds this invoice while it is being set up or paid (no FK: plans reference invoices). */
    paymentPlanId: text(),
    /** A late fee is its own invoice: the invoice it is charged on, and which period (1 = first month past grace). */
    lateFeeForInvoiceId: text(),
    lateFeePeriod: integer(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("invoices_external_id_key").on(t.externalId),
    uniqueIndex("invoices_number_key").on(t.number),
    // Staff search by the start of a number ("INV-00012…"): a b-tree that serves LIKE 'prefix%'
    // whatever the database's collation (the unique index above does not under a non-C locale).
    index("invoices_number_prefix_idx").on(t.number.op("text_pattern_ops")),
    index("invoices_account_due_idx").on(t.accountId, t.dueDate),
    index("invoices_account_status_due_idx").on(t.accountId, t.status, t.dueDate),
    // The invoice list's default order ("all", newest first) reads one account's page from here.
    index("invoices_account_issue_idx").on(t.accountId, t.issueDate.desc().nullsFirst(), t.id),
    // Staff search (ILIKE '%term%' on number and PO) uses trigram indexes from migration 0006.
    index("invoices_po_idx").on(t.poNumber),
    index("invoices_payment_plan_idx").on(t.paymentPlanId),
    // Posting a late fee is idempotent: one fee per invoice and period, however often the job runs.
    uniqueIndex("invoices_late_fee_period_key").on(t.lateFeeForInvoiceId, t.lateFeePeriod),
    check("invoices_discount_terms", sql`(${t.discountBps} is null) = (${t.discountDays} is null) and coalesce(${t.discountBps}, 1) between 1 and 9999 and coalesce(${t.discountDays}, 0) >= 0 and coalesce(${t.netDays}, 0) >= 0`),
    check("invoices_discounted_within_credited", sql`${t.amountDiscounted} >= 0 and ${t.amountDiscounted} <= ${t.amountCredited}`),
    // No cent is ever paid, credited or reserved twice.
    check(
      "invoices_amounts_within_total",
      sql`${t.amountPaid} >= 0 and ${t.amountCredited} >= 0 and ${t.amountPending} >= 0 and ${t.amountDisputed} >= 0 and ${t.amountPaid} + ${t.amountCredited} + ${t.amountPending} + ${t.amountDisputed} <= ${t.total}`,
    ),
  ],
);

export const invoiceLines = pgTable(
  "invoice_lines",
  {
    id: text().primaryKey().$defaultFn(() => newId("il")),
    invoiceId: text()
      .notNull()
      .references(() => invoices.id, { onDelete: "cascade" }),
    position: integer().notNull(),
    description: text().notNull(),
    sku: text(),
    quantity: numeric({ precision: 14, scale: 3 }).notNull(),
    unitAmount: money().notNull(),
    amount: money().notNull(),
  },
  (t) => [index("invoice_lines_invoice_idx").on(t.invoiceId, t.position)],
);

export type Invoice = typeof invoices.$inferSelect;
export type InvoiceLine = typeof invoiceLines.$inferSelect;

export const invoiceTotalsBuckets = ["open", "paid", "other"] as const;

/**
 * The invoices of each account summed by currency, due date and bucket (ADR "kept account
 * totals"): what the invoice list counts and the balances at its top read instead of an account's
 * thousands of invoices. Written only by the statement-level triggers on `invoices` (migration
 * 0021), in the same transaction as every insert, update and delete of an invoice, so no writer
 * can forget it. `open` is status open with a balance above 0 (the list's "open" filter), `paid`
 * status paid, `other` the rest (void, open at 0). Overdue and the next due date depend on today,
 * so open rows keep the exact due date; paid and other rows are only counted and keep the first of
 * the due month (fewer rows to sum). Rows that fall to zero stay, at zero.
 */
export const accountInvoiceTotals = pgTable(
  "account_invoice_totals",
  {
    accountId: text().notNull(),
    currency: text().notNull(),
    dueDate: date({ mode: "string" }).notNull(),
    bucket: text({ enum: invoiceTotalsBuckets }).notNull(),
    /** Open invoices held by a payment plan (never overdue); always false for paid and other. */
    onPlan: boolean().notNull(),
    invoiceCount: integer().notNull(),
    balance: money().notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.currency, t.dueDate, t.bucket, t.onPlan] })],
);
