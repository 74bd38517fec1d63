import { sql } from "drizzle-orm";
import { bigint, boolean, check, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { accounts, users } from "./accounts";
import { newId } from "./ids";
import { invoices } from "./invoices";

const money = () => bigint({ mode: "number" });

export const lateFeeKinds = ["percent", "fixed"] as const;
export type LateFeeKind = (typeof lateFeeKinds)[number];

/**
 * How late fees are charged: the AR team's default (account_id null, at most one) or one
 * customer's own. A fee is charged only where the account allows fees (accounts.late_fees_allowed).
 */
export const lateFeePolicies = pgTable(
  "late_fee_policies",
  {
    id: text().primaryKey().$defaultFn(() => newId("lfp")),
    accountId: text().references(() => accounts.id, { onDelete: "cascade" }),
    enabled: boolean().notNull().default(true),
    kind: text({ enum: lateFeeKinds }).notNull(),
    /** percent: basis points per month of the undisputed overdue balance (150 = 1.5 %). */
    rateBps: integer(),
    /** fixed: minor units per period, in the invoice's currency. */
    fixedAmount: money(),
    /** Days after the due date before the first fee. */
    graceDays: integer().notNull().default(0),
    /** Most fees one invoice can carry over its life (minor units); null = no cap. */
    capPerInvoice: money(),
    /** Most unpaid late fees one account can carry at once (minor units); null = no cap. */
    capPerAccount: money(),
    updatedByUserId: text().references(() => users.id),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("late_fee_policies_account_key").on(sql`coalesce(${t.accountId}, '')`),
    check(
      "late_fee_policies_amounts",
      sql`(${t.kind} = 'percent' and ${t.rateBps} between 1 and 10000) or (${t.kind} = 'fixed' and ${t.fixedAmount} > 0)`,
    ),
    check("late_fee_policies_limits", sql`${t.graceDays} between 0 and 365 and coalesce(${t.capPerInvoice}, 1) > 0 and coalesce(${t.capPerAccount}, 1) > 0`),
  ],
);

/** One line of a quote: what is charged on one invoice and what it settles. */
export interface QuoteLine {
  invoiceId: string;
  number: string;
  /** The invoice's balance when quoted. */
  balance: number;
  /** What the payer pays on it (after discount and credits). */
  amount: number;
  /** Early-payment discount this payment earns (settled on top of `amount`). */
  discount: number;
  /** Credit applied to it with this payment. */
  credit: number;
  /** Whether this line is a late fee (its own invoice, linked to `feeForNumber`). */
  feeForNumber: string | null;
}

/** Which credit paid what on a quote. */
export interface QuoteCredit {
  creditId: string;
  invoiceId: string;
  amount: number;
}

/**
 * The server's statement of what a payer pays today for the invoices they chose. Stored so the
 * Checkout session charges exactly it; stale once `expires_at` passes or anything it read changes
 * (its fingerprint differs), and a stale quote is never charged.
 */
export const quotes = pgTable(
  "quotes",
  {
    id: text().primaryKey().$defaultFn(() => newId("quo")),
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    currency: text().notNull(),
    lines: jsonb().$type<QuoteLine[]>().notNull(),
    credits: jsonb().$type<QuoteCredit[]>().notNull().default([]),
    /** What is charged: the sum of the lines' amounts. */
    total: money().notNull(),
    discountTotal: money().notNull().default(0),
    creditTotal: money().notNull().default(0),
    /** The company's date the quote was made on (its rules apply to a payment made from it). */
    quotedOn: date({ mode: "string" }).notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    /** The state the quote read (balances, reservations, disputes, terms, credits). */
    fingerprint: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("quotes_account_idx").on(t.accountId, t.createdAt)],
);

export const creditSources = ["credit_memo", "overpayment"] as const;
export type CreditSource = (typeof creditSources)[number];

/**
 * Money the customer has with the company that no invoice uses yet: a credit memo not tied to an
 * invoice, or an overpayment. Applying it to invoices (credit_applications) reduces their balances.
 */
export const accountCredits = pgTable(
  "account_credits",
  {
    id: text().primaryKey().$defaultFn(() => newId("cr")),
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    externalId: text(),
    source: text({ enum: creditSources }).notNull(),
    currency: text().notNull(),
    amount: money().notNull(),
    amountApplied: money().notNull().default(0),
    reason: text().notNull(),
    createdByUserId: text().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("account_credits_external_id_key").on(t.externalId),
    index("account_credits_account_idx").on(t.accountId, t.createdAt),
    check("account_credits_amounts", sql`${t.amount} > 0 and ${t.amountApplied} >= 0 and ${t.amountApplied} <= ${t.amount}`),
  ],
);

/** A credit applied to an invoice, by the payer on the pay page or by staff. */
export const creditApplications = pgTable(
  "credit_applications",
  {
    id: text().primaryKey().$defaultFn(() => newId("cra")),
    creditId: text()
      .notNull()
      .references(() => accountCredits.id),
    invoiceId: text()
      .notNull()
      .references(() => invoices.id),
    amount: money().notNull(),
    appliedByUserId: text().references(() => users.id),
    /** The quote (pay page) it was applied with, if any. */
    quoteId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("credit_applications_credit_idx").on(t.creditId), index("credit_applications_invoice_idx").on(t.invoiceId), check("credit_applications_amount_positive", sql`${t.amount} > 0`)],
);

export type LateFeePolicy = typeof lateFeePolicies.$inferSelect;
export type Quote = typeof quotes.$inferSelect;
export type AccountCredit = typeof accountCredits.$inferSelect;
export type CreditApplication = typeof creditApplications.$inferSelect;
