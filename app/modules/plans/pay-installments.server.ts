import { and, asc, eq, inArray } from "drizzle-orm";
import { installments } from "#db/schema/plans";
import { payments } from "#db/schema/payments";
import { db } from "~/db.server";
import { today } from "~/utils/clock";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { isContactOf } from "~/modules/invoices/scope.server";
import { conflict, forbidden, isProblem, notFound, type Problem } from "~/utils/problem";
import { openCheckout } from "~/modules/payments/start-payment.server";
import { createInstallmentPayment } from "./allocate.server";
import { awaitsScheduledCharge } from "./charge-due";
import { isInFlightInstallment, isPayableInstallment, OPEN_INSTALLMENT_STATUSES } from "./installment-states";
import { lockPlan } from "./lock.server";
import { isChargingPlan } from "./plan-states";

/**
 * The payer pays through Checkout, on-session: the next installment early (or a failed one
 * now), or everything left ("pay off"). The installments are marked as being paid so the
 * schedule job does not also charge them; if the payer abandons Checkout they go back.
 */
export async function payInstallments(
  actor: Actor,
  input: {
    accountId: string;
    planId: string;
    scope: "next" | "rest";
    attemptId: string;
    /** The installment the payer's "pay next" button named: if another is next by now (the one shown was charged meanwhile), nothing is paid. */
    installmentId?: string;
  },
): Promise<{ checkoutUrl: string } | Problem> {
  if (actor.kind !== "payer") return forbidden("Only the payer pays installments through Checkout.");
  const [earlier] = await db
    .select()
    .from(payments)
    .where(and(eq(payments.createdByUserId, actor.userId), eq(payments.clientAttemptId, input.attemptId)));
  if (earlier?.checkoutUrl && earlier.status === "pending") return { checkoutUrl: earlier.checkoutUrl };
  if (earlier) return conflict("This form was already used. Reload the page to see your plan.");

  const prepared = await db.transaction(async (tx) => {
    const plan = await lockPlan(tx, input.planId);
    // Another account's plan is as absent as one that does not exist.
    if (!plan || plan.accountId !== input.accountId || !(await isContactOf(tx, actor.userId, plan.accountId))) return notFound("That plan does not exist.");
    if (!isChargingPlan(plan.status)) return conflict("Installments can be paid early only while the plan is running.");
    const open = await tx
      .select()
      .from(installments)
      .where(and(eq(installments.planId, plan.id), inArray(installments.status, [...OPEN_INSTALLMENT_STATUSES])))
      .orderBy(asc(installments.sequence))
      .for("update");
    const inFlight = open.find((i) => isInFlightInstallment(i.status));
    if (inFlight) {
      const [payment] = inFlight.paymentId ? await tx.select().from(payments).where(eq(payments.id, inFlight.paymentId)) : [];
      const resume = payment?.checkoutUrl;
      if (payment?.status === "pending" && resume && payment.createdByUserId === actor.userId) return { resume, payment: null };
      return conflict("A payment for this plan is already under way. Wait for it to finish, then try again.");
    }
    const payable = open.filter((i) => isPayableInstallment(i.status));
    // The schedule charges a due installment by itself at once: paying now would pay it twice, or pay the next one early.
    if (payable[0] && awaitsScheduledCharge(plan.status, payable[0], today())) {
      return conflict(`${payable[0].sequence === 0 ? "The down payment" : `Installment ${payable[0].sequence}`} is being charged to your payment method right now. The page shows the outcome in a moment.`);
    }
    if (input.scope === "next" && input.installmentId !== undefined && payable[0]?.id !== input.installmentId) {
      return conflict("The installment you chose is no longer the next one to pay (it was charged in the meantime), so nothing was charged. Check the schedule below before paying another one.");
    }
    const covering = input.scope === "next" ? payable.slice(0, 1) : payable;
    if (covering.length === 0) return conflict("Nothing is left to pay on this plan.");
    const payment = await createInstallmentPayment(tx, actor, plan, covering, { createdByUserId: actor.userId, clientAttemptId: input.attemptId });
    if (!payment) return conflict("The invoices on this plan owe nothing more.");
    await recordAudit(tx, {
      ...auditActor(actor),
      action: input.scope === "next" ? "plan.installment_paid_early" : "plan.paid_off",
      subjectType: "payment_plan",
      subjectId: plan.id,
      data: { paymentId: payment.id, installments: covering.map((c) => c.id) },
    });
    return { resume: null, payment };
  });
  if (isProblem(prepared)) return prepared;
  if (prepared.resume !== null) return { checkoutUrl: prepared.resume };
  const opened = await openCheckout(prepared.payment);
  return isProblem(opened) ? conflict(opened.message) : { checkoutUrl: opened.checkoutUrl };
}
