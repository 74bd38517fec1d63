import { sql } from "drizzle-orm";
import { bigint, check, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { accounts, users } from "./accounts";
import { newId } from "./ids";
import { payments, savedPaymentMethods } from "./payments";

const money = () => bigint({ mode: "number" });

export interface AutopayAuthorization {
  text: string;
  acceptedAt: string;
  ip: string | null;
  userAgent: string | null;
}

export const autopayStatuses = ["active", "paused", "canceled"] as const;
export type AutopayStatus = (typeof autopayStatuses)[number];
export const autopayTimings = ["due_date", "days_before"] as const;
export type AutopayTiming = (typeof autopayTimings)[number];

/**
 * An account's autopay: invoices falling due are charged to a verified saved method, at most
 * `max_charge` per charge, on the due date or `days_before` it. One active or paused per account.
 */
export const autopayEnrollments = pgTable(
  "autopay_enrollments",
  {
    id: text().primaryKey().$defaultFn(() => newId("apy")),
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    savedMethodId: text()
      .notNull()
      .references(() => savedPaymentMethods.id),
    currency: text().notNull(),
    maxCharge: money().notNull(),
    timing: text({ enum: autopayTimings }).notNull(),
    daysBefore: integer().notNull().default(0),
    status: text({ enum: autopayStatuses }).notNull().default("active"),
    /** What the payer agreed to, word for word, when and from where (the debit authorization). */
    authorization: jsonb().$type<AutopayAuthorization>().notNull(),
    /** Why it stopped by itself (a bank return that needs a new method), for the payer and staff. */
    stoppedReason: text(),
    createdByUserId: text().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    canceledAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("autopay_enrollments_one_per_account_key").on(t.accountId).where(sql`${t.status} <> 'canceled'`),
    check("autopay_enrollments_limits", sql`${t.maxCharge} > 0 and ${t.daysBefore} between 0 and 30`),
  ],
);

export const autopayChargeStatuses = ["scheduled", "noticed", "charging", "paid", "over_cap", "failed", "retrying", "stopped", "canceled"] as const;
export type AutopayChargeStatus = (typeof autopayChargeStatuses)[number];

/**
 * One autopay debit: the invoices it covers on its charge date, the advance notice, the payment it
 * made and its retries. Unique per enrollment and date, so a rerun of the schedule never charges twice.
 */
export const autopayCharges = pgTable(
  "autopay_charges",
  {
    id: text().primaryKey().$defaultFn(() => newId("apc")),
    enrollmentId: text()
      .notNull()
      .references(() => autopayEnrollments.id),
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    chargeOn: date({ mode: "string" }).notNull(),
    invoiceIds: jsonb().$type<string[]>().notNull(),
    /** What the notice announced (the quote on the notice day). */
    amount: money().notNull(),
    currency: text().notNull(),
    status: text({ enum: autopayChargeStatuses }).notNull().default("scheduled"),
    noticeSentAt: timestamp({ withTimezone: true }),
    paymentId: text().references(() => payments.id),
    attempts: integer().notNull().default(0),
    nextAttemptOn: date({ mode: "string" }),
    lastFailureCode: text(),
    lastFailureMessage: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("autopay_charges_enrollment_day_key").on(t.enrollmentId, t.chargeOn), index("autopay_charges_account_idx").on(t.accountId, t.chargeOn)],
);

export type AutopayEnrollment = typeof autopayEnrollments.$inferSelect;
export type AutopayCharge = typeof autopayCharges.$inferSelect;
