import { and, asc, eq, gt, inArray, isNull, lte, or, sql } from "drizzle-orm";
import { autopayCharges, autopayEnrollments, type AutopayCharge, type AutopayEnrollment } from "#db/schema/autopay";
import { invoices, type Invoice } from "#db/schema/invoices";
import { savedPaymentMethods, type SavedPaymentMethod } from "#db/schema/payments";
import { db, type Executor } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { openCredits } from "~/modules/credits/open-credits.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { startPayment } from "~/modules/payments/start-payment.server";
import { mostPayableToday } from "~/modules/terms/quote.server";
import { today } from "~/utils/clock";
import { isProblem, type Problem } from "~/utils/problem";
import { log } from "~/utils/log.server";
import { autopayNoticeEmail, autopayOverCapEmail } from "./autopay-emails";
import { autopayEmailFacts } from "./autopay-facts.server";
import { autopayAttemptId, chargeDateFromNotice, noticeDue, targetChargeDate } from "./autopay-rules";

/** Charges that hold their invoices (an invoice is announced once until a charge lets it go). */
const HOLDING = ["scheduled", "noticed", "charging", "retrying", "over_cap", "paid", "failed", "stopped"] as const;

export interface AutopayRun {
  on: string;
  announced: number;
  overCap: number;
  charged: number;
  nothingOwed: number;
}

/**
 * Autopay's schedule (the job, hourly; /dev/clock on demand). Idempotent: a charge is one row per
 * enrolment and date, announced once; a charge is claimed before it is made and its payment's
 * attempt id is the charge's, so a rerun or two workers never debit twice.
 * 1. Announce: invoices whose charge date is within the notice period get one charge row per
 *    date, with the advance notice (or, above the payer's cap, a reminder to pay instead).
 * 2. Charge: announced charges whose day has come (and retries whose day has come) are quoted
 *    again — credits first, disputed amounts and invoices paid meanwhile left out — and charged
 *    off-session to the enrolment's method, unless the amount is now above the cap.
 */
export async function runAutopay(_actor: Actor): Promise<AutopayRun | Problem> {
  const on = today();
  const run: AutopayRun = { on, announced: 0, overCap: 0, charged: 0, nothingOwed: 0 };
  const enrollments = await db
    .select({ enrollment: autopayEnrollments, method: savedPaymentMethods })
    .from(autopayEnrollments)
    .innerJoin(savedPaymentMethods, eq(savedPaymentMethods.id, autopayEnrollments.savedMethodId))
    .where(eq(autopayEnrollments.status, "active"));
  for (const { enrollment, method } of enrollments) {
    try {
      await announce(enrollment, method, on, run);
      await chargeDue(enrollment, method, on, run);
    } catch (error) {
      // One account's trouble (Stripe unreachable) must not stop the others; the next run tries again.
      log("error", "autopay failed for an account", { enrollmentId: enrollment.id, error: String(error) });
    }
  }
  return run;
}

/** The account's invoices autopay may take: open, in its currency, not on a plan, something payable. */
async function candidateInvoices(executor: Executor, enrollment: AutopayEnrollment, ids?: string[]): Promise<Invoice[]> {
  return executor
    .select()
    .from(invoices)
    .where(
      and(
        eq(invoices.accountId, enrollment.accountId),
        eq(invoices.currency, enrollment.currency),
        eq(invoices.status, "open"),
        isNull(invoices.paymentPlanId),
        gt(sql`${invoices.balance} - ${invoices.amountPending} - ${invoices.amountDisputed}`, 0),
        ids ? inArray(invoices.id, ids.length ? ids : [""]) : undefined,
      ),
    )
    .orderBy(asc(invoices.dueDate), asc(invoices.number));
}

async function announce(enrollment: AutopayEnrollment, method: SavedPaymentMethod, on: string, run: AutopayRun) {
  const held = await db
    .select({ invoiceIds: autopayCharges.invoiceIds })
    .from(autopayCharges)
    .where(and(eq(autopayCharges.enrollmentId, enrollment.id), inArray(autopayCharges.status, [...HOLDING])));
  const taken = new Set(held.flatMap((h) => h.invoiceIds));
  const due = (await candidateInvoices(db, enrollment)).filter((i) => !taken.has(i.id) && noticeDue(targetChargeDate(i.dueDate, enrollment), on, method.type));
  const byDate = new Map<string, Invoice[]>();
  for (const invoice of due) {
    const chargeOn = chargeDateFromNotice(targetChargeDate(invoice.dueDate, enrollment), on, method.type);
    byDate.set(chargeOn, [...(byDate.get(chargeOn) ?? []), invoice]);
  }
  for (const [chargeOn, group] of byDate) {
    await db.transaction(async (tx) => {
      // What it will cost on the day: the terms of that day (a discount still open then), less credits.
      const lines = group.map((i) => ({ invoiceId: i.id, amount: mostPayableToday(i, chargeOn) }));
      const owed = lines.reduce((s, l) => s + l.amount, 0);
      const credit = (await openCredits(tx, enrollment.accountId, enrollment.currency)).reduce((s, c) => s + c.available, 0);
      const amount = Math.max(0, owed - credit);
      const overCap = amount > enrollment.maxCharge;
      const [charge] = await tx
        .insert(autopayCharges)
        .values({ enrollmentId: enrollment.id, accountId: enrollment.accountId, chargeOn, invoiceIds: group.map((i) => i.id), amount, currency: enrollment.currency, status: overCap ? "over_cap" : "noticed", noticeSentAt: sql`now()` })
        .onConflictDoNothing()
        .returning();
      // Another charge already holds that date (announced earlier with other invoices): these wait for the next day's run.
      if (!charge) return;
      const facts = await autopayEmailFacts(tx, { accountId: enrollment.accountId, methodLabel: method.label, currency: enrollment.currency, amount, chargeOn, lines });
      if (overCap) {
        run.overCap++;
        if (facts) await queueEmail(tx, autopayOverCapEmail({ ...facts, maxCharge: enrollment.maxCharge }));
        return;
      }
      run.announced++;
      await recordEvent(tx, {
        type: "autopay.charge_scheduled",
        accountId: enrollment.accountId,
        subjectType: "autopay",
        subjectId: enrollment.id,
        data: { chargeId: charge.id, chargeOn, amount, currency: enrollment.currency, method: method.type, invoices: lines },
      });
      if (facts) await queueEmail(tx, autopayNoticeEmail(facts));
    });
  }
}

async function chargeDue(enrollment: AutopayEnrollment, method: SavedPaymentMethod, on: string, run: AutopayRun) {
  const ready = await db
    .select()
    .from(autopayCharges)
    .where(
      and(
        eq(autopayCharges.enrollmentId, enrollment.id),
        or(and(eq(autopayCharges.status, "noticed"), lte(autopayCharges.chargeOn, on)), and(eq(autopayCharges.status, "retrying"), lte(autopayCharges.nextAttemptOn, on))),
      ),
    )
    .orderBy(asc(autopayCharges.chargeOn));
  for (const charge of ready) await chargeOne(enrollment, method, charge, on, run);
}

async function chargeOne(enrollment: AutopayEnrollment, method: SavedPaymentMethod, charge: AutopayCharge, on: string, run: AutopayRun) {
  // Claim it: one run makes this attempt, whatever else runs at the same time.
  const [claimed] = await db
    .update(autopayCharges)
    .set({ status: "charging", attempts: sql`${autopayCharges.attempts} + 1`, updatedAt: sql`now()` })
    .where(and(eq(autopayCharges.id, charge.id), eq(autopayCharges.status, charge.status)))
    .returning();
  if (!claimed) return;
  const open = await candidateInvoices(db, enrollment, claimed.invoiceIds);
  const amounts = open.map((i) => ({ invoiceId: i.id, amount: mostPayableToday(i, on) })).filter((a) => a.amount > 0);
  if (amounts.length === 0) {
    run.nothingOwed++;
    await db.update(autopayCharges).set({ status: "canceled", lastFailureMessage: "Nothing was left to pay: the invoices were paid, credited or disputed meanwhile.", updatedAt: sql`now()` }).where(eq(autopayCharges.id, claimed.id));
    return;
  }
  // Credits first: startPayment spreads them over the invoices (what is not needed stays on the credit).
  const credits = (await openCredits(db, enrollment.accountId, enrollment.currency)).map((c) => ({ creditId: c.id, amount: c.available }));
  const left = Math.max(0, amounts.reduce((s, a) => s + a.amount, 0) - credits.reduce((s, c) => s + c.amount, 0));
  if (left > enrollment.maxCharge) {
    run.overCap++;
    await db.transaction(async (tx) => {
      await tx.update(autopayCharges).set({ status: "over_cap", amount: left, updatedAt: sql`now()` }).where(eq(autopayCharges.id, claimed.id));
      const facts = await autopayEmailFacts(tx, { accountId: enrollment.accountId, methodLabel: method.label, currency: enrollment.currency, amount: left, chargeOn: on, lines: amounts });
      if (facts) await queueEmail(tx, autopayOverCapEmail({ ...facts, maxCharge: enrollment.maxCharge }));
    });
    return;
  }
  const payer = { kind: "payer" as const, userId: enrollment.createdByUserId ?? "", ip: enrollment.authorization.ip };
  const started = await startPayment(payer, {
    accountId: enrollment.accountId,
    attemptId: autopayAttemptId(claimed.id, claimed.attempts),
    amounts,
    credits,
    savePaymentMethod: false,
    savedMethodId: enrollment.savedMethodId,
    offSession: { acceptedAt: enrollment.authorization.acceptedAt, ip: enrollment.authorization.ip, userAgent: enrollment.authorization.userAgent },
  });
  if (isProblem(started)) {
    // The payer is no longer a contact, the method was removed: nothing was charged; say why.
    await db.update(autopayCharges).set({ status: "failed", lastFailureMessage: started.message, updatedAt: sql`now()` }).where(eq(autopayCharges.id, claimed.id));
    return;
  }
  run.charged++;
  if ("settledByCredit" in started) {
    await db.update(autopayCharges).set({ status: "paid", amount: 0, updatedAt: sql`now()` }).where(eq(autopayCharges.id, claimed.id));
    return;
  }
  // The payment's outcome (at once for a card, days later for a bank debit) moves the charge: settle-autopay-payment.
  await db.update(autopayCharges).set({ paymentId: started.paymentId, amount: left, updatedAt: sql`now()` }).where(and(eq(autopayCharges.id, claimed.id), isNull(autopayCharges.paymentId)));
}
