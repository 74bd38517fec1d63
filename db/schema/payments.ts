import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { accounts, users } from "./accounts";
import { newId } from "./ids";
import { invoices } from "./invoices";

import { paymentStatuses, refundStatuses } from "./payment-values";

export { paymentStatuses, refundStatuses, type PaymentStatus, type RefundStatus } from "./payment-values";
export const paymentMethodTypes = ["card", "us_bank_account"] as const;
export type PaymentMethodType = (typeof paymentMethodTypes)[number];

const money = () => bigint({ mode: "number" });

export const bankVerificationStates = ["verified", "pending", "failed"] as const;
export type BankVerificationState = (typeof bankVerificationStates)[number];
export const accountHolderTypes = ["individual", "company"] as const;


/** Where a payment's chargeback (Stripe dispute) stands: open until the network decides. */
export const chargebackStates = ["open", "won", "lost"] as const;
export type ChargebackState = (typeof chargebackStates)[number];

/**
 * One payer's payment of one or several invoices through Stripe. Its allocations reserve the
 * invoices' balances (invoices.amount_pending) from the moment it is created until it
 * succeeds (→ amount_paid) or ends without money (→ released).
 */
export const payments = pgTable(
  "payments",
  {
    id: text().primaryKey().$defaultFn(() => newId("pay")),
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    createdByUserId: text().references(() => users.id),
    /** The pay form's one-time id: a double submit finds the payment it already made. */
    clientAttemptId: text(),
    /** Set when the payment pays installments of this payment plan. */
    planId: text(),
    /** The quote whose amounts this payment charges. */
    quoteId: text(),
    amount: money().notNull(),
    currency: text().notNull(),
    status: text({ enum: paymentStatuses }).notNull().default("pending"),
    method: text({ enum: paymentMethodTypes }),
    methodLabel: text(),
    savePaymentMethod: boolean().notNull().default(false),
    amountRefunded: money().notNull().default(0),
    /** Taken back by a chargeback (card dispute or ACH unauthorized return) and not reinstated. */
    amountChargedBack: money().notNull().default(0),
    /** The latest chargeback's state, for badges and lists (details in `chargebacks`). */
    chargebackState: text({ enum: chargebackStates }),
    stripeCheckoutSessionId: text(),
    stripePaymentIntentId: text(),
    stripeChargeId: text(),
    checkoutUrl: text(),
    /**
     * A bank account the payer chose to verify by microdeposits: the payment waits (pending) until
     * they confirm the amounts or code (`bankVerificationUrl` is Stripe's hosted page) or the window ends.
     */
    bankVerification: text({ enum: bankVerificationStates }),
    bankVerificationUrl: text(),
    bankVerificationExpiresAt: timestamp({ withTimezone: true }),
    failureCode: text(),
    failureMessage: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    processingAt: timestamp({ withTimezone: true }),
    succeededAt: timestamp({ withTimezone: true }),
    failedAt: timestamp({ withTimezone: true }),
    canceledAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("payments_attempt_key").on(t.createdByUserId, t.clientAttemptId),
    uniqueIndex("payments_checkout_session_key").on(t.stripeCheckoutSessionId),
    index("payments_payment_intent_idx").on(t.stripePaymentIntentId),
    // Stripe's charge.* events name the charge: the webhook job finds the payment by it.
    index("payments_charge_idx").on(t.stripeChargeId),
    index("payments_account_created_idx").on(t.accountId, t.createdAt),
    // The statement reads an account's payments received since its period's start (get-statement.server.ts).
    index("payments_account_succeeded_idx").on(t.accountId, t.succeededAt).where(sql`${t.status} = 'succeeded'`),
    index("payments_status_updated_idx").on(t.status, t.updatedAt),
    index("payments_created_idx").on(t.createdAt),
    index("payments_plan_idx").on(t.planId),
    check("payments_amount_positive", sql`${t.amount} > 0`),
    check("payments_refund_within_amount", sql`${t.amountRefunded} >= 0 and ${t.amountRefunded} <= ${t.amount}`),
    check("payments_charged_back_within_amount", sql`${t.amountChargedBack} >= 0 and ${t.amountRefunded} + ${t.amountChargedBack} <= ${t.amount}`),
  ],
);

/** How a payment's amount splits across invoices. */
export const paymentAllocations = pgTable(
  "payment_allocations",
  {
    paymentId: text()
      .notNull()
      .references(() => payments.id, { onDelete: "cascade" }),
    invoiceId: text()
      .notNull()
      .references(() => invoices.id),
    amount: money().notNull(),
    /**
     * Early-payment discount this allocation settles on top of `amount` (reserved with it, credited
     * when the money arrives): fixed by the quote at the start, so a late arrival keeps the day's rules.
     */
    discount: money().notNull().default(0),
    amountRefunded: money().notNull().default(0),
    /** Reversed off this invoice by a chargeback (its balance reopened). */
    amountChargedBack: money().notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.paymentId, t.invoiceId] }),
    index("payment_allocations_invoice_idx").on(t.invoiceId),
    check("payment_allocations_amount_positive", sql`${t.amount} > 0 and ${t.discount} >= 0`),
    check("payment_allocations_refund_within", sql`${t.amountRefunded} >= 0 and ${t.amountRefunded} <= ${t.amount}`),
    check("payment_allocations_charged_back_within", sql`${t.amountChargedBack} >= 0 and ${t.amountRefunded} + ${t.amountChargedBack} <= ${t.amount}`),
  ],
);

/** A refund of part or all of a payment, split over the invoices whose balances it reopens. */
export const refunds = pgTable(
  "refunds",
  {
    id: text().primaryKey().$defaultFn(() => newId("rfd")),
    paymentId: text()
      .notNull()
      .references(() => payments.id),
    amount: money().notNull(),
    status: text({ enum: refundStatuses }).notNull().default("pending"),
    reason: text(),
    stripeRefundId: text(),
    createdByUserId: text().references(() => users.id),
    /** Stripe's failure_reason when the refund failed (e.g. the card or account was closed). */
    failureReason: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    settledAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("refunds_payment_idx").on(t.paymentId),
    uniqueIndex("refunds_stripe_refund_key").on(t.stripeRefundId),
    check("refunds_amount_positive", sql`${t.amount} > 0`),
  ],
);

export const refundAllocations = pgTable(
  "refund_allocations",
  {
    refundId: text()
      .notNull()
      .references(() => refunds.id, { onDelete: "cascade" }),
    invoiceId: text()
      .notNull()
      .references(() => invoices.id),
    amount: money().notNull(),
  },
  (t) => [primaryKey({ columns: [t.refundId, t.invoiceId] })],
);

/**
 * A Stripe dispute on a payment's charge: a card chargeback or an ACH unauthorized return. While
 * Stripe holds the money (`amount_withdrawn`), that much of the payment is reversed off its
 * invoices (`chargeback_allocations`), reopening their balances; reinstated funds close them again.
 */
export const chargebacks = pgTable(
  "chargebacks",
  {
    id: text().primaryKey().$defaultFn(() => newId("cbk")),
    paymentId: text()
      .notNull()
      .references(() => payments.id),
    stripeDisputeId: text().notNull(),
    amount: money().notNull(),
    currency: text().notNull(),
    /** Stripe's dispute status (needs_response, under_review, won, lost, …) and reason. */
    stripeStatus: text().notNull(),
    reason: text().notNull(),
    method: text({ enum: paymentMethodTypes }),
    evidenceDueBy: timestamp({ withTimezone: true }),
    livemode: boolean().notNull().default(false),
    /** What is reversed off the invoices right now (follows Stripe's withdrawn − reinstated). */
    amountWithdrawn: money().notNull().default(0),
    /** Reinstated money that found no balance to close (the invoice was paid again meanwhile). */
    amountUnapplied: money().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("chargebacks_stripe_dispute_key").on(t.stripeDisputeId),
    index("chargebacks_payment_idx").on(t.paymentId),
    check("chargebacks_amount_positive", sql`${t.amount} > 0`),
    check("chargebacks_withdrawn_within_amount", sql`${t.amountWithdrawn} >= 0 and ${t.amountWithdrawn} <= ${t.amount} and ${t.amountUnapplied} >= 0`),
  ],
);

/** How much of a chargeback is reversed off each invoice right now. */
export const chargebackAllocations = pgTable(
  "chargeback_allocations",
  {
    chargebackId: text()
      .notNull()
      .references(() => chargebacks.id, { onDelete: "cascade" }),
    invoiceId: text()
      .notNull()
      .references(() => invoices.id),
    amount: money().notNull(),
  },
  (t) => [primaryKey({ columns: [t.chargebackId, t.invoiceId] }), check("chargeback_allocations_amount_nonnegative", sql`${t.amount} >= 0`)],
);

/** Payment methods a payer chose to save with Stripe for next time (and those plans and autopay charge). */
export const savedPaymentMethods = pgTable(
  "saved_payment_methods",
  {
    id: text().primaryKey().$defaultFn(() => newId("spm")),
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    stripePaymentMethodId: text().notNull(),
    type: text({ enum: paymentMethodTypes }).notNull(),
    label: text().notNull(),
    /** Card brand ("visa") or the bank's name. */
    brand: text(),
    last4: text(),
    expMonth: integer(),
    expYear: integer(),
    /** The account's default method (at most one per account). */
    isDefault: boolean().notNull().default(false),
    /** A bank account: whose (a business account debits under CCD, a personal one under WEB). */
    accountHolderType: text({ enum: accountHolderTypes }),
    stripeMandateId: text(),
    /** The authorization the payer accepted, word for word, and when. */
    mandateText: text(),
    mandateAcceptedAt: timestamp({ withTimezone: true }),
    /** A bank account verified by microdeposits is pending until the payer confirms the amounts or code. */
    verification: text({ enum: bankVerificationStates }).notNull().default("verified"),
    /** When an expiry notice went out (once per card and expiry). */
    expiryNoticeSentAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    removedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("saved_payment_methods_stripe_key").on(t.stripePaymentMethodId),
    index("saved_payment_methods_account_idx").on(t.accountId),
    uniqueIndex("saved_payment_methods_one_default_key").on(t.accountId).where(sql`${t.isDefault} and ${t.removedAt} is null`),
  ],
);

/**
 * Inbound Stripe events, recorded once by id (the webhook's dedupe) and also the queue the
 * drain works through: a row is waiting while processed_at and failed_at are both null.
 */
export const stripeEvents = pgTable(
  "stripe_events",
  {
    id: text().primaryKey(),
    type: text().notNull(),
    objectId: text(),
    /** The portal's own ids from the object's metadata, when it carries them. */
    paymentId: text(),
    refundId: text(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Not claimed before this time: now on arrival, later after a failed attempt (backoff). */
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    attempts: integer().notNull().default(0),
    lastError: text(),
    processedAt: timestamp({ withTimezone: true }),
    /** Set when the drain gave up after its last attempt; reconciliation still repairs the payment. */
    failedAt: timestamp({ withTimezone: true }),
  },
  // The drain's claim: waiting rows in due order, without scanning the processed history.
  (t) => [index("stripe_events_waiting_idx").on(t.nextAttemptAt).where(sql`${t.processedAt} is null and ${t.failedAt} is null`)],
);

export type Payment = typeof payments.$inferSelect;
export type PaymentAllocation = typeof paymentAllocations.$inferSelect;
export type Refund = typeof refunds.$inferSelect;
export type Chargeback = typeof chargebacks.$inferSelect;
export type SavedPaymentMethod = typeof savedPaymentMethods.$inferSelect;
