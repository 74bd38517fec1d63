import { eq } from "drizzle-orm";
import Stripe from "stripe";
import { accounts } from "#db/schema/accounts";
import { installments, type PaymentPlan } from "#db/schema/plans";
import { payments, type Payment } from "#db/schema/payments";
import { db } from "~/db.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { syncPayment } from "~/modules/payments/sync-payment.server";
import { systemActor } from "~/modules/auth/actor";
import { stripe } from "~/modules/stripe/client.server";
import { conflict, forbidden, isProblem, notFound, type Problem } from "~/utils/problem";
import { createInstallmentPayment } from "./allocate.server";
import { completeIfDone } from "./end-plan.server";
import { isPayableInstallment } from "./installment-states";
import { lockPlan } from "./lock.server";
import { transitionInstallments } from "./transition-installments.server";
import { log } from "~/utils/log.server";

export type ChargeResult = { status: Payment["status"] | "nothing_owed" };

/**
 * Charges one installment off-session to the plan's authorized card or bank account. The
 * payment is created and reserved first; the PaymentIntent carries an idempotency key made of
 * the installment and that payment, so a retried request never charges twice. A card answers at
 * once; a bank debit stays processing until Stripe's webhook settles it. The schedule job charges
 * as the portal; an AR clerk pressing "Retry now" as themselves (recorded in the audit log), and
 * only an installment of the plan their page shows (`planId`).
 */
export async function chargeInstallment(actor: Actor, input: { installmentId: string; planId?: string }): Promise<ChargeResult | Problem> {
  if (actor.kind !== "system" && actor.kind !== "staff") return forbidden("Only the AR team or the schedule charges an installment.");
  const { installmentId } = input;
  const prepared = await db.transaction(async (tx) => {
    const [row] = await tx.select({ planId: installments.planId }).from(installments).where(eq(installments.id, installmentId));
    if (!row || (input.planId !== undefined && row.planId !== input.planId)) return notFound(input.planId ? "That installment is not part of this plan." : "That installment does not exist.");
    const plan = await lockPlan(tx, row.planId);
    const [installment] = await tx.select().from(installments).where(eq(installments.id, installmentId)).for("update");
    if (!plan || !installment) return notFound("That installment does not exist.");
    if (plan.status !== "active") return conflict("Only installments of an active plan are charged.");
    if (!isPayableInstallment(installment.status)) return conflict("This installment is already paid or being paid.");
    if (!plan.stripePaymentMethodId) return conflict("The plan has no authorized payment method.");
    const [account] = await tx.select({ customer: accounts.stripeCustomerId }).from(accounts).where(eq(accounts.id, plan.accountId));
    if (!account?.customer) return conflict("The plan has no Stripe customer.");
    const payment = await createInstallmentPayment(tx, actor, plan, [installment], { createdByUserId: plan.createdByUserId });
    if (!payment) {
      // The invoices owe nothing more (credited or paid elsewhere): nothing to charge.
      const canceled = await transitionInstallments(tx, actor, plan, [installment], "canceled", { set: { failureMessage: "Nothing was left to collect." } });
      if (isProblem(canceled)) return canceled;
      await completeIfDone(tx, plan);
      return { nothingOwed: true as const };
    }
    if (actor.kind === "staff") await recordAudit(tx, { ...auditActor(actor), action: "installment.retried", subjectType: "payment_plan", subjectId: plan.id, data: { installmentId } });
    return { plan, payment, customer: account.customer };
  });
  if (isProblem(prepared)) return prepared;
  if ("nothingOwed" in prepared) return { status: "nothing_owed" };
  const { plan, payment, customer } = prepared;
  return { status: (await confirmOffSession(plan, payment, customer, installmentId)) ?? "pending" };
}

async function confirmOffSession(plan: PaymentPlan, payment: Payment, customer: string, installmentId: string) {
  let intentId: string | null = null;
  try {
    const intent = await stripe().paymentIntents.create(
      {
        amount: payment.amount,
        currency: payment.currency.toLowerCase(),
        customer,
        payment_method: plan.stripePaymentMethodId!,
        allowed_payment_method_types: [plan.method ?? "card"],
        ...(plan.stripeMandateId ? { mandate: plan.stripeMandateId } : {}),
        off_session: true,
        confirm: true,
        metadata: { payment_id: payment.id, plan_id: plan.id, installment_id: installmentId },
        description: `Payment plan ${plan.id}, installment ${installmentId}`,
      },
      { idempotencyKey: `installment-${installmentId}-${payment.id}` },
    );
    intentId = intent.id;
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeCardError)) {
      // Stripe unreachable or refusing: the payment stays pending without an intent; the
      // reconciliation job releases it and the installment is tried again on the next run.
      log("error", "installment charge failed to reach Stripe", { paymentId: payment.id, error: String(error) });
      return null;
    }
    // A decline (402): the PaymentIntent exists and carries the reason; the sync records it.
    intentId = (error.raw as { payment_intent?: { id?: string } }).payment_intent?.id ?? null;
  }
  if (!intentId) return null;
  await db.update(payments).set({ stripePaymentIntentId: intentId, updatedAt: new Date() }).where(eq(payments.id, payment.id));
  const status = await syncPayment(systemActor("job"), payment.id);
  return isProblem(status) ? null : status;
}
