import { sql } from "drizzle-orm";
import { bigint, boolean, date, index, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

const money = () => bigint({ mode: "number" });

/**
 * What a ledger row measures: `ar` is the invoice's open balance (bucketed by its due date, so
 * aging and current AR read it), `sales` its credit sale (bucketed by its issue date).
 */
export const receivableMeasures = ["ar", "sales"] as const;
export type ReceivableMeasure = (typeof receivableMeasures)[number];

/**
 * Why the row exists: the invoice was issued; money paid it (payment), went back out (reversal:
 * a refund or chargeback) or a credit memo reduced it; it was voided or revived.
 */
export const receivableKinds = ["issued", "payment", "reversal", "credit", "void", "revived"] as const;
export type ReceivableKind = (typeof receivableKinds)[number];

/**
 * The dated receivables ledger (ADR 0037). Written only by the triggers on `invoices` (migration
 * 0016), in the same transaction as every change of an invoice's total, dates, payments, credits
 * or status, so for each invoice the `ar` rows sum to its balance and the `sales` rows to its total
 * (0 once void). Append-only: an amendment adds rows that take the old ones out and put the new
 * ones in. `effective_on` is the date the fact took effect (issue date, payment received date,
 * credit date, void date), set by the writer through `setLedgerDate` or today's database date.
 */
export const receivableEntries = pgTable(
  "receivable_entries",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    invoiceId: text().notNull(),
    accountId: text().notNull(),
    currency: text().notNull(),
    measure: text({ enum: receivableMeasures }).notNull(),
    kind: text({ enum: receivableKinds }).notNull(),
    effectiveOn: date({ mode: "string" }).notNull(),
    /** The due date for `ar` rows, the issue date for `sales` rows. */
    bucketOn: date({ mode: "string" }).notNull(),
    amount: money().notNull(),
    /** Added into `receivable_rollup` by the fold job; readers add the rows not folded yet. */
    folded: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("receivable_entries_invoice_idx").on(t.invoiceId),
    // INCLUDE (currency, bucket_on, amount) in migration 0016: a customer's figures read the index only.
    index("receivable_entries_account_idx").on(t.accountId, t.measure, t.effectiveOn),
    index("receivable_entries_effective_idx").on(t.currency, t.effectiveOn),
    index("receivable_entries_unfolded_idx").on(t.id).where(sql`not ${t.folded}`),
  ],
);

/**
 * The ledger summed by currency, measure, effective date and bucket date: a few hundred thousand
 * rows at a million invoices, from which every figure at any date is a range sum.
 */
export const receivableRollup = pgTable(
  "receivable_rollup",
  {
    currency: text().notNull(),
    measure: text({ enum: receivableMeasures }).notNull(),
    effectiveOn: date({ mode: "string" }).notNull(),
    bucketOn: date({ mode: "string" }).notNull(),
    amount: money().notNull(),
  },
  (t) => [primaryKey({ columns: [t.currency, t.measure, t.effectiveOn, t.bucketOn] }), index("receivable_rollup_bucket_idx").on(t.currency, t.measure, t.bucketOn, t.effectiveOn)],
);

/**
 * What each account adds to AR now (its `ar` rows summed), per currency, kept by the fold job like
 * the rollup (readers add the account's unfolded rows). An upper bound of what it has overdue at
 * any date on or after its latest row: the dashboard's top overdue accounts look at the largest
 * first and stop when no other can overtake them (ADR 0039).
 */
export const receivableAccounts = pgTable(
  "receivable_accounts",
  {
    currency: text().notNull(),
    accountId: text().notNull(),
    amount: money().notNull(),
  },
  (t) => [primaryKey({ columns: [t.currency, t.accountId] }), index("receivable_accounts_amount_idx").on(t.currency, t.amount.desc())],
);

export type ReceivableEntry = typeof receivableEntries.$inferSelect;
