import { eq } from "drizzle-orm";
import Stripe from "stripe";
import { accounts } from "#db/schema/accounts";
import { installments, type PaymentPlan } from "#db/schema/plans";
import { payments, type Payment } from "#db/schema/payments";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { syncPayment } from "~/modules/payments/sync-payment.server";
import { systemActor } from "~/modules/auth/actor";
import { isProblem } from "~/utils/problem";
import { stripe } from "~/modules/stripe/client.server";
import { now } from "~/utils/clock";
import { createInstallmentPayment } from "./allocate.server";
import { completeIfDone } from "./end-plan.server";
import { lockPlan } from "./lock.server";
import { log } from "~/utils/log.server";

export type ChargeResult = { ok: true; status: Payment["status"] | "nothing_owed" } | { ok: false; message: string };

/**
 * Charges one installment off-session to the plan's authorized card or bank account. The
 * payment is created and reserved first; the PaymentIntent carries an idempotency key made of
 * the installment and that payment, so a retried request never charges twice. A card answers at
 * once; a bank debit stays processing until Stripe's webhook settles it. `staff` is the AR
 * clerk pressing "Retry now" (recorded in the audit log).
 */
export async function chargeInstallment(installmentId: string, staff: { userId: string; ip: string | null } | null = null): Promise<ChargeResult> {
  const prepared = await db.transaction(async (tx) => {
    const [row] = await tx.select({ planId: installments.planId }).from(installments).where(eq(installments.id, installmentId));
    if (!row) return { ok: false as const, message: "That installment does not exist." };
    const plan = await lockPlan(tx, row.planId);
    const [installment] = await tx.select().from(installments).where(eq(installments.id, installmentId)).for("update");
    if (!plan || !installment) return { ok: false as const, message: "That installment does not exist." };
    if (plan.status !== "active") return { ok: false as const, message: "Only installments of an active plan are charged." };
    if (!["scheduled", "failed"].includes(installment.status)) return { ok: false as const, message: "This installment is already paid or being paid." };
    if (!plan.stripePaymentMethodId) return { ok: false as const, message: "The plan has no authorized payment method." };
    const [account] = await tx.select({ customer: accounts.stripeCustomerId }).from(accounts).where(eq(accounts.id, plan.accountId));
    if (!account?.customer) return { ok: false as const, message: "The plan has no Stripe customer." };
    const payment = await createInstallmentPayment(tx, plan, [installment], { createdByUserId: plan.createdByUserId });
    if (!payment) {
      // The invoices owe nothing more (credited or paid elsewhere): nothing to charge.
      await tx.update(installments).set({ status: "canceled", failureMessage: "Nothing was left to collect.", updatedAt: now() }).where(eq(installments.id, installment.id));
      await completeIfDone(tx, plan);
      return { ok: true as const, nothingOwed: true as const };
    }
    if (staff) await recordAudit(tx, { actorUserId: staff.userId, actorType: "user", action: "installment.retried", subjectType: "payment_plan", subjectId: plan.id, ip: staff.ip, data: { installmentId } });
    return { ok: true as const, plan, payment, customer: account.customer };
  });
  if (!prepared.ok) return prepared;
  if ("nothingOwed" in prepared) return { ok: true, status: "nothing_owed" };
  const { plan, payment, customer } = prepared;
  return { ok: true, status: (await confirmOffSession(plan, payment, customer, installmentId)) ?? "pending" };
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
