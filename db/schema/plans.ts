import { sql } from "drizzle-orm";
import { bigint, check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { accounts, users } from "./accounts";
import { newId } from "./ids";
import { invoices } from "./invoices";
import { paymentMethodTypes, payments } from "./payments";
import { installmentStatuses, planFrequencies, planStatuses, type PlanPolicyRules } from "./plan-values";

export * from "./plan-values";

const money = () => bigint({ mode: "number" });

/** The AR team's plan rules: one row (id 'default'), edited in /admin/plans/settings. */
export const planPolicies = pgTable("plan_policies", {
  id: text().primaryKey().default("default"),
  rules: jsonb().$type<PlanPolicyRules>().notNull(),
  updatedByUserId: text().references(() => users.id),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * A payer's agreement to pay some invoices in installments charged off-session to a payment
 * method authorized through Stripe Checkout (setup mode). The rules in force at enrolment are
 * copied into `policy` so a later change of rules never rewrites a running plan.
 */
export const paymentPlans = pgTable(
  "payment_plans",
  {
    id: text().primaryKey().$defaultFn(() => newId("pln")),
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    createdByUserId: text().references(() => users.id),
    /** The enrol form's one-time id: a double submit finds the plan it already made. */
    clientAttemptId: text(),
    currency: text().notNull(),
    total: money().notNull(),
    frequency: text({ enum: planFrequencies }).notNull(),
    installmentCount: integer().notNull(),
    downPayment: money().notNull().default(0),
    status: text({ enum: planStatuses }).notNull().default("authorizing"),
    policy: jsonb().$type<PlanPolicyRules>().notNull(),
    stripePaymentMethodId: text(),
    stripeMandateId: text(),
    method: text({ enum: paymentMethodTypes }),
    methodLabel: text(),
    /** The latest setup-mode Checkout Session (first authorization or a replacement). */
    setupCheckoutSessionId: text(),
    setupCheckoutUrl: text(),
    reviewedByUserId: text().references(() => users.id),
    endedReason: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    authorizedAt: timestamp({ withTimezone: true }),
    approvedAt: timestamp({ withTimezone: true }),
    activatedAt: timestamp({ withTimezone: true }),
    pausedAt: timestamp({ withTimezone: true }),
    endedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("payment_plans_attempt_key").on(t.createdByUserId, t.clientAttemptId),
    uniqueIndex("payment_plans_setup_session_key").on(t.setupCheckoutSessionId),
    index("payment_plans_account_created_idx").on(t.accountId, t.createdAt),
    index("payment_plans_status_created_idx").on(t.status, t.createdAt),
    check("payment_plans_total_positive", sql`${t.total} > 0`),
    check("payment_plans_down_payment_within_total", sql`${t.downPayment} >= 0 and ${t.downPayment} < ${t.total}`),
  ],
);

/** The invoices a plan pays and the balance each had when it joined. */
export const planInvoices = pgTable(
  "plan_invoices",
  {
    planId: text()
      .notNull()
      .references(() => paymentPlans.id, { onDelete: "cascade" }),
    invoiceId: text()
      .notNull()
      .references(() => invoices.id),
    amount: money().notNull(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.invoiceId] }), index("plan_invoices_invoice_idx").on(t.invoiceId)],
);

/** One scheduled charge of a plan. Sequence 0 is the down payment, when the rules ask for one. */
export const installments = pgTable(
  "installments",
  {
    id: text().primaryKey().$defaultFn(() => newId("ins")),
    planId: text()
      .notNull()
      .references(() => paymentPlans.id, { onDelete: "cascade" }),
    sequence: integer().notNull(),
    dueDate: date({ mode: "string" }).notNull(),
    amount: money().notNull(),
    status: text({ enum: installmentStatuses }).notNull().default("scheduled"),
    /** Off-session charges tried so far (the payer's own Checkout tries do not count). */
    attempts: integer().notNull().default(0),
    nextAttemptOn: date({ mode: "string" }),
    /** The payment of the latest attempt (several installments share one when paid off together). */
    paymentId: text().references(() => payments.id),
    failureCode: text(),
    failureMessage: text(),
    reminderSentAt: timestamp({ withTimezone: true }),
    paidAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("installments_plan_sequence_key").on(t.planId, t.sequence),
    index("installments_status_due_idx").on(t.status, t.dueDate),
    index("installments_payment_idx").on(t.paymentId),
    check("installments_amount_positive", sql`${t.amount} > 0`),
  ],
);

export type PaymentPlan = typeof paymentPlans.$inferSelect;
export type Installment = typeof installments.$inferSelect;
