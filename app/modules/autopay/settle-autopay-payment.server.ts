import { and, eq, sql } from "drizzle-orm";
import { autopayCharges, autopayEnrollments } from "#db/schema/autopay";
import { paymentAllocations, savedPaymentMethods, type Payment, type PaymentStatus } from "#db/schema/payments";
import type { Tx } from "~/db.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { today } from "~/utils/clock";
import { autopayGaveUpEmail, autopayRetryEmail, autopayStoppedEmail } from "./autopay-emails";
import { autopayEmailFacts } from "./autopay-facts.server";
import { afterFailure, chargeIdOfAttempt } from "./autopay-rules";

/**
 * Moves an autopay charge with the payment that makes it (called by the payment state machine,
 * in its transaction): paid when the money arrives; after a failure, retried, stopped (a bank
 * return no retry can cure: autopay pauses and asks the payer for a new method) or given up, by
 * the bank's and the plans' rules (autopay-rules.ts). Each outcome is told to the payer.
 */
export async function settleAutopayPayment(tx: Tx, payment: Payment, to: Exclude<PaymentStatus, "pending">, failure: { code: string | null; message: string | null }): Promise<void> {
  const chargeId = chargeIdOfAttempt(payment.clientAttemptId);
  if (!chargeId) return;
  const [row] = await tx
    .select({ charge: autopayCharges, enrollment: autopayEnrollments, method: savedPaymentMethods })
    .from(autopayCharges)
    .innerJoin(autopayEnrollments, eq(autopayEnrollments.id, autopayCharges.enrollmentId))
    .innerJoin(savedPaymentMethods, eq(savedPaymentMethods.id, autopayEnrollments.savedMethodId))
    .where(eq(autopayCharges.id, chargeId))
    .for("update", { of: autopayCharges });
  if (!row || row.charge.status !== "charging") return;
  const { charge, enrollment, method } = row;
  if (to === "processing") {
    await tx.update(autopayCharges).set({ paymentId: payment.id, updatedAt: sql`now()` }).where(eq(autopayCharges.id, charge.id));
    return;
  }
  if (to === "succeeded") {
    await tx.update(autopayCharges).set({ status: "paid", paymentId: payment.id, amount: payment.amount, updatedAt: sql`now()` }).where(eq(autopayCharges.id, charge.id));
    return;
  }
  const day = today();
  const decision = afterFailure({ method: method.type, code: failure.code, attempts: charge.attempts, firstTriedOn: charge.chargeOn, today: day });
  const lines = await tx.select({ invoiceId: paymentAllocations.invoiceId, amount: paymentAllocations.amount }).from(paymentAllocations).where(eq(paymentAllocations.paymentId, payment.id));
  const facts = await autopayEmailFacts(tx, { accountId: charge.accountId, methodLabel: method.label, currency: payment.currency, amount: payment.amount, chargeOn: charge.chargeOn, lines });
  const reason = failure.message ?? "The charge did not go through.";
  const common = { paymentId: payment.id, lastFailureCode: failure.code, lastFailureMessage: failure.message, updatedAt: sql`now()` };
  if (decision.kind === "retry") {
    await tx.update(autopayCharges).set({ ...common, status: "retrying", nextAttemptOn: decision.on }).where(eq(autopayCharges.id, charge.id));
    if (facts) await queueEmail(tx, autopayRetryEmail({ ...facts, reason, retryOn: decision.on }));
    return;
  }
  if (decision.kind === "give_up") {
    await tx.update(autopayCharges).set({ ...common, status: "failed" }).where(eq(autopayCharges.id, charge.id));
    if (facts) await queueEmail(tx, autopayGaveUpEmail({ ...facts, reason: `${reason} ${decision.reason}` }));
    return;
  }
  // A method that cannot be debited: autopay pauses, and only a new method turns it back on.
  await tx.update(autopayCharges).set({ ...common, status: "stopped" }).where(eq(autopayCharges.id, charge.id));
  await tx
    .update(autopayEnrollments)
    .set({ status: "paused", stoppedReason: decision.reason, updatedAt: sql`now()` })
    .where(and(eq(autopayEnrollments.id, enrollment.id), eq(autopayEnrollments.status, "active")));
  await tx.update(autopayCharges).set({ status: "canceled", updatedAt: sql`now()` }).where(and(eq(autopayCharges.enrollmentId, enrollment.id), sql`${autopayCharges.status} in ('scheduled', 'noticed', 'retrying')`));
  await recordEvent(tx, { type: "autopay.disabled", accountId: charge.accountId, subjectType: "autopay", subjectId: enrollment.id, data: { status: "paused", by: "bank", reason: decision.reason, failureCode: failure.code, chargeId: charge.id } });
  if (facts) await queueEmail(tx, autopayStoppedEmail({ ...facts, reason: decision.reason }));
}
