import { and, eq, inArray } from "drizzle-orm";
import { installments } from "#db/schema/plans";
import type { Payment } from "#db/schema/payments";
import type { Tx } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { now, today } from "~/utils/clock";
import { addDays } from "~/utils/dates";
import { completeIfDone, endPlan } from "./end-plan.server";
import { lockPlan } from "./lock.server";
import { installmentFailedEmail } from "./plan-emails";
import { payerFacts } from "./plan-facts.server";
import { nextRetryAfter } from "./retry-policy";

export type PlanPaymentOutcome = "processing" | "succeeded" | "failed" | "canceled";

/**
 * Moves a plan's installments with the payment that pays them (called by the payment state
 * machine, in its transaction). A failed off-session charge counts as a try: the payer is told,
 * a retry is scheduled, and the failure after the last retry defaults the plan. A payment the
 * payer started in Checkout that ends without money changes nothing: the installment goes back
 * to where it was.
 */
export async function settlePlanPayment(tx: Tx, payment: Payment, outcome: PlanPaymentOutcome, failure: { code: string | null; message: string | null } = { code: null, message: null }): Promise<void> {
  if (!payment.planId) return;
  const plan = await lockPlan(tx, payment.planId);
  if (!plan) return;
  const covered = await tx
    .select()
    .from(installments)
    .where(and(eq(installments.paymentId, payment.id), inArray(installments.status, ["paying", "processing"])))
    .for("update");
  if (covered.length === 0) return;
  const at = now();
  const ids = covered.map((c) => c.id);
  const event = (type: "installment.processing" | "installment.succeeded" | "installment.failed", c: (typeof covered)[number], data: Record<string, unknown> = {}) =>
    recordEvent(tx, {
      type,
      accountId: plan.accountId,
      subjectType: "installment",
      subjectId: c.id,
      data: { planId: plan.id, sequence: c.sequence, dueDate: c.dueDate, amount: c.amount, currency: plan.currency, paymentId: payment.id, ...data },
    });

  if (outcome === "processing") {
    await tx.update(installments).set({ status: "processing", updatedAt: at }).where(inArray(installments.id, ids));
    for (const c of covered) await event("installment.processing", c);
    return;
  }
  if (outcome === "succeeded") {
    await tx.update(installments).set({ status: "paid", paidAt: at, nextAttemptOn: null, failureCode: null, failureMessage: null, updatedAt: at }).where(inArray(installments.id, ids));
    for (const c of covered) await event("installment.succeeded", c, { attempts: c.attempts });
    await recordAudit(tx, { actorUserId: null, actorType: "system", action: "installment.succeeded", subjectType: "payment_plan", subjectId: plan.id, data: { installments: ids, paymentId: payment.id } });
    await completeIfDone(tx, plan);
    return;
  }

  const offSession = !payment.stripeCheckoutSessionId;
  if (!offSession || outcome === "canceled") {
    for (const c of covered) {
      await tx.update(installments).set({ status: c.attempts > 0 ? "failed" : "scheduled", updatedAt: at }).where(eq(installments.id, c.id));
    }
    return;
  }

  // An off-session charge failed: one more try used.
  const payer = await payerFacts(tx, plan);
  let exhausted = false;
  for (const c of covered) {
    const attempts = c.attempts + 1;
    const retryIn = nextRetryAfter(attempts);
    const nextAttemptOn = retryIn === null ? null : addDays(today(), retryIn);
    await tx
      .update(installments)
      .set({ status: "failed", attempts, nextAttemptOn, failureCode: failure.code, failureMessage: failure.message, updatedAt: at })
      .where(eq(installments.id, c.id));
    await event("installment.failed", c, { attempt: attempts, nextAttemptOn, failureCode: failure.code, failureMessage: failure.message });
    await recordAudit(tx, { actorUserId: null, actorType: "system", action: "installment.failed", subjectType: "payment_plan", subjectId: plan.id, data: { installmentId: c.id, attempt: attempts, failureCode: failure.code } });
    if (retryIn === null) exhausted = true;
    else if (payer) {
      await queueEmail(
        tx,
        installmentFailedEmail({
          ...payer,
          amount: c.amount,
          reason: failure.message ?? "the payment was declined.",
          nextAttemptOn,
          authenticationRequired: failure.code === "authentication_required",
        }),
      );
    }
  }
  if (exhausted && ["active", "paused"].includes(plan.status)) {
    await endPlan(tx, plan, "defaulted", `The installment failed ${covered[0]!.attempts + 1} times: ${failure.message ?? "declined"}`, { userId: null, type: "system" });
  }
}
