import { and, eq, inArray } from "drizzle-orm";
import { installments, type Installment, type InstallmentStatus } from "#db/schema/plans";
import type { Payment } from "#db/schema/payments";
import type { Tx } from "~/db.server";
import { systemActor } from "~/modules/auth/actor";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { now, today } from "~/utils/clock";
import { isProblem } from "~/utils/problem";
import { addDays } from "~/utils/dates";
import { completeIfDone, endPlan } from "./end-plan.server";
import { IN_FLIGHT_INSTALLMENT_STATUSES } from "./installment-states";
import { lockPlan } from "./lock.server";
import { isChargingPlan } from "./plan-states";
import { installmentFailedEmail } from "./plan-emails";
import { payerFacts } from "./plan-facts.server";
import { nextRetryAfter } from "./retry-policy";
import { transitionInstallments } from "./transition-installments.server";

/** Payment outcomes reach plans from Stripe (webhooks, reconciliation): recorded as the portal's doing. */
const actor = systemActor("stripe");

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
    .where(and(eq(installments.paymentId, payment.id), inArray(installments.status, [...IN_FLIGHT_INSTALLMENT_STATUSES])))
    .for("update");
  if (covered.length === 0) return;
  const move = async (rows: Installment[], to: InstallmentStatus, options: Parameters<typeof transitionInstallments>[5] = {}) => {
    const moved = await transitionInstallments(tx, actor, plan, rows, to, options);
    // The rows are locked above: a conflict here is a bug, not a race, and must not commit half a settlement.
    if (isProblem(moved)) throw new Error(`plan ${plan.id}: ${moved.message}`);
  };

  if (outcome === "processing") {
    // Already processing (a repeated webhook): nothing moves.
    const paying = covered.filter((c) => c.status === "paying");
    await move(paying, "processing", { event: () => ({ paymentId: payment.id }) });
    return;
  }
  if (outcome === "succeeded") {
    await move(covered, "paid", {
      set: { paidAt: now(), nextAttemptOn: null, failureCode: null, failureMessage: null },
      event: (c) => ({ paymentId: payment.id, attempts: c.attempts }),
      audit: { installments: covered.map((c) => c.id), paymentId: payment.id },
    });
    await completeIfDone(tx, plan);
    return;
  }

  const offSession = !payment.stripeCheckoutSessionId;
  if (!offSession || outcome === "canceled") {
    // The payer's own Checkout ended without money (or the charge was canceled): back to where it was.
    // Nothing new happened to the installment, so nothing is recorded.
    await move(covered.filter((c) => c.attempts === 0), "scheduled", { unrecorded: true });
    await move(covered.filter((c) => c.attempts > 0), "failed", { unrecorded: true });
    return;
  }

  // An off-session charge failed: one more try used.
  const payer = await payerFacts(tx, plan);
  let exhausted = false;
  for (const c of covered) {
    const attempts = c.attempts + 1;
    const retryIn = nextRetryAfter(attempts);
    const nextAttemptOn = retryIn === null ? null : addDays(today(), retryIn);
    await move([c], "failed", {
      set: { attempts, nextAttemptOn, failureCode: failure.code, failureMessage: failure.message },
      event: () => ({ paymentId: payment.id, attempt: attempts, nextAttemptOn, failureCode: failure.code, failureMessage: failure.message }),
      audit: { installmentId: c.id, attempt: attempts, failureCode: failure.code },
    });
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
  if (exhausted && isChargingPlan(plan.status)) {
    await endPlan(tx, actor, plan, "defaulted", `The installment failed ${covered[0]!.attempts + 1} times: ${failure.message ?? "declined"}`);
  }
}
