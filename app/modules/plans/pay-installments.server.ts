import { and, asc, eq, inArray } from "drizzle-orm";
import { installments } from "#db/schema/plans";
import { payments } from "#db/schema/payments";
import { db } from "~/db.server";
import { today } from "~/utils/clock";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { openCheckout } from "~/modules/payments/start-payment.server";
import { isProblem } from "~/utils/problem";
import { createInstallmentPayment } from "./allocate.server";
import { awaitsScheduledCharge } from "./charge-due";
import { lockPlan } from "./lock.server";

export type PayInstallmentsResult = { ok: true; checkoutUrl: string } | { ok: false; message: string };

/**
 * The payer pays through Checkout, on-session: the next installment early (or a failed one
 * now), or everything left ("pay off"). The installments are marked as being paid so the
 * schedule job does not also charge them; if the payer abandons Checkout they go back.
 */
export async function payInstallments(input: {
  payer: { userId: string; ip: string | null };
  accountId: string;
  planId: string;
  scope: "next" | "rest";
  attemptId: string;
  /** The installment the payer's "pay next" button named: if another is next by now (the one shown was charged meanwhile), nothing is paid. */
  installmentId?: string;
}): Promise<PayInstallmentsResult> {
  const [earlier] = await db
    .select()
    .from(payments)
    .where(and(eq(payments.createdByUserId, input.payer.userId), eq(payments.clientAttemptId, input.attemptId)));
  if (earlier?.checkoutUrl && earlier.status === "pending") return { ok: true, checkoutUrl: earlier.checkoutUrl };
  if (earlier) return { ok: false, message: "This form was already used. Reload the page to see your plan." };

  const prepared = await db.transaction(async (tx) => {
    const plan = await lockPlan(tx, input.planId);
    if (!plan || plan.accountId !== input.accountId) return { ok: false as const, message: "That plan does not exist." };
    if (!["active", "paused"].includes(plan.status)) return { ok: false as const, message: "Installments can be paid early only while the plan is running." };
    const open = await tx
      .select()
      .from(installments)
      .where(and(eq(installments.planId, plan.id), inArray(installments.status, ["scheduled", "failed", "paying", "processing"])))
      .orderBy(asc(installments.sequence))
      .for("update");
    const inFlight = open.find((i) => i.status === "paying" || i.status === "processing");
    if (inFlight) {
      const [payment] = inFlight.paymentId ? await tx.select().from(payments).where(eq(payments.id, inFlight.paymentId)) : [];
      if (payment?.status === "pending" && payment.checkoutUrl && payment.createdByUserId === input.payer.userId) return { ok: "resume" as const, url: payment.checkoutUrl };
      return { ok: false as const, message: "A payment for this plan is already under way. Wait for it to finish, then try again." };
    }
    const payable = open.filter((i) => i.status === "scheduled" || i.status === "failed");
    // The schedule charges a due installment by itself at once: paying now would pay it twice, or pay the next one early.
    if (payable[0] && awaitsScheduledCharge(plan.status, payable[0], today())) {
      return { ok: false as const, message: `${payable[0].sequence === 0 ? "The down payment" : `Installment ${payable[0].sequence}`} is being charged to your payment method right now. The page shows the outcome in a moment.` };
    }
    if (input.scope === "next" && input.installmentId !== undefined && payable[0]?.id !== input.installmentId) {
      return { ok: false as const, message: "The installment you chose is no longer the next one to pay (it was charged in the meantime), so nothing was charged. Check the schedule below before paying another one." };
    }
    const covering = input.scope === "next" ? payable.slice(0, 1) : payable;
    if (covering.length === 0) return { ok: false as const, message: "Nothing is left to pay on this plan." };
    const payment = await createInstallmentPayment(tx, plan, covering, { createdByUserId: input.payer.userId, clientAttemptId: input.attemptId });
    if (!payment) return { ok: false as const, message: "The invoices on this plan owe nothing more." };
    await recordAudit(tx, {
      actorUserId: input.payer.userId,
      actorType: "user",
      action: input.scope === "next" ? "plan.installment_paid_early" : "plan.paid_off",
      subjectType: "payment_plan",
      subjectId: plan.id,
      ip: input.payer.ip,
      data: { paymentId: payment.id, installments: covering.map((c) => c.id) },
    });
    return { ok: true as const, payment };
  });
  if (prepared.ok === "resume") return { ok: true, checkoutUrl: prepared.url };
  if (!prepared.ok) return prepared;
  const opened = await openCheckout(prepared.payment);
  return isProblem(opened) ? { ok: false, message: opened.message } : { ok: true, checkoutUrl: opened.checkoutUrl };
}
