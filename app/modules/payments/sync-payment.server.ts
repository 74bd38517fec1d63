import { eq, inArray, sql } from "drizzle-orm";
import { users } from "#db/schema/accounts";
import { invoices } from "#db/schema/invoices";
import { payments, savedPaymentMethods, type Payment } from "#db/schema/payments";
import { db, type Tx } from "~/db.server";
import { env } from "~/env.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { paymentFailedEmail, paymentProcessingEmail, paymentReceiptEmail, type PaymentEmailFacts } from "~/modules/notifications/payment-emails";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { settlePlanPayment } from "~/modules/plans/settle-plan-payment.server";
import { payerFailureText } from "./payer-wording";
import { observePayment, type ObservedPayment } from "./observe-stripe.server";
import { allocationsOf, lockPayment, releasePayment } from "./reserve.server";

const FINAL = new Set(["succeeded", "failed", "canceled"]);

/**
 * Brings one payment in line with Stripe's current state. Safe to call any number of times,
 * in any order, from webhooks, the return page or the reconciliation job: it re-reads Stripe,
 * locks the payment and only ever moves it forward (pending → processing → succeeded | failed,
 * pending → canceled).
 */
export async function syncPayment(paymentId: string): Promise<Payment["status"] | null> {
  const [current] = await db.select().from(payments).where(eq(payments.id, paymentId));
  if (!current) return null;
  if (FINAL.has(current.status)) return current.status;
  const observed = await observePayment(current);
  if (!observed) return current.status;
  return db.transaction(async (tx) => {
    const payment = await lockPayment(tx, paymentId);
    if (!payment || FINAL.has(payment.status)) return payment?.status ?? null;
    const ids = {
      stripePaymentIntentId: observed.paymentIntentId ?? payment.stripePaymentIntentId,
      stripeChargeId: observed.chargeId ?? payment.stripeChargeId,
      method: observed.method ?? payment.method,
      methodLabel: observed.methodLabel ?? payment.methodLabel,
    };
    // A re-read that learns nothing writes nothing (reconciliation re-reads processing payments every 5 minutes).
    const learned = (Object.keys(ids) as (keyof typeof ids)[]).some((key) => ids[key] !== payment[key]);
    if (learned) await tx.update(payments).set({ ...ids, updatedAt: new Date() }).where(eq(payments.id, paymentId));
    const fresh = { ...payment, method: observed.method ?? payment.method, methodLabel: observed.methodLabel ?? payment.methodLabel };
    switch (observed.state) {
      case "open":
        await noteDecline(tx, fresh, observed);
        return fresh.status;
      case "processing":
        if (fresh.status === "pending") await markProcessing(tx, fresh);
        return "processing";
      case "succeeded":
        await markSucceeded(tx, fresh, observed);
        return "succeeded";
      case "failed": {
        const failure = observed.failure ?? { code: null, message: "The payment was not completed." };
        await releasePayment(tx, fresh, "failed", failure);
        // A plan's installment has its own failure email (with the retry date).
        if (!fresh.planId) await queueEmail(tx, paymentFailedEmail({ ...(await emailFacts(tx, fresh)), reason: payerFailureText({ code: failure.code, message: failure.message, method: observed.method ?? fresh.method }) ?? failure.message }));
        return "failed";
      }
      case "expired":
        await releasePayment(tx, fresh, "canceled", { code: "checkout_expired", message: "The checkout was not completed in time." });
        return "canceled";
    }
  });
}

/** A declined attempt inside Checkout: the payment stays open for another try, but we keep the reason. */
async function noteDecline(tx: Tx, payment: Payment, observed: ObservedPayment) {
  if (!observed.failure || observed.failure.message === payment.failureMessage) return;
  await tx.update(payments).set({ failureCode: observed.failure.code, failureMessage: observed.failure.message }).where(eq(payments.id, payment.id));
  await recordEvent(tx, {
    type: "payment.attempt_failed",
    accountId: payment.accountId,
    subjectType: "payment",
    subjectId: payment.id,
    data: { failureCode: observed.failure.code, failureMessage: observed.failure.message },
  });
}

async function markProcessing(tx: Tx, payment: Payment) {
  await tx.update(payments).set({ status: "processing", processingAt: new Date(), failureCode: null, failureMessage: null }).where(eq(payments.id, payment.id));
  await recordEvent(tx, {
    type: "payment.processing",
    accountId: payment.accountId,
    subjectType: "payment",
    subjectId: payment.id,
    data: { amount: payment.amount, currency: payment.currency, method: payment.method },
  });
  await recordAudit(tx, { actorUserId: null, actorType: "system", action: "payment.processing", subjectType: "payment", subjectId: payment.id });
  await queueEmail(tx, paymentProcessingEmail(await emailFacts(tx, payment)));
  await settlePlanPayment(tx, payment, "processing");
}

async function markSucceeded(tx: Tx, payment: Payment, observed: ObservedPayment) {
  const allocations = await allocationsOf(tx, payment.id);
  const ids = allocations.map((a) => a.invoiceId).sort();
  await tx.select({ id: invoices.id }).from(invoices).where(inArray(invoices.id, ids)).orderBy(invoices.id).for("update");
  const paidInvoices: string[] = [];
  for (const a of allocations) {
    const [updated] = await tx
      .update(invoices)
      .set({
        amountPending: sql`${invoices.amountPending} - ${a.amount}`,
        amountPaid: sql`${invoices.amountPaid} + ${a.amount}`,
        status: sql`case when ${invoices.total} - ${invoices.amountPaid} - ${a.amount} - ${invoices.amountCredited} <= 0 then 'paid' else ${invoices.status} end`,
        updatedAt: sql`now()`,
      })
      .where(eq(invoices.id, a.invoiceId))
      .returning({ id: invoices.id, number: invoices.number, status: invoices.status });
    if (updated?.status === "paid") {
      paidInvoices.push(updated.id);
      await recordEvent(tx, { type: "invoice.paid", accountId: payment.accountId, subjectType: "invoice", subjectId: updated.id, data: { number: updated.number, paymentId: payment.id } });
    }
  }
  await tx
    .update(payments)
    .set({ status: "succeeded", succeededAt: new Date(), failureCode: null, failureMessage: null })
    .where(eq(payments.id, payment.id));
  if (payment.savePaymentMethod && observed.savedPaymentMethodId && payment.method && payment.methodLabel) {
    await tx
      .insert(savedPaymentMethods)
      .values({ accountId: payment.accountId, stripePaymentMethodId: observed.savedPaymentMethodId, type: payment.method, label: payment.methodLabel })
      .onConflictDoNothing();
  }
  await recordEvent(tx, {
    type: "payment.succeeded",
    accountId: payment.accountId,
    subjectType: "payment",
    subjectId: payment.id,
    data: { amount: payment.amount, currency: payment.currency, method: payment.method, invoices: allocations.map((a) => ({ invoiceId: a.invoiceId, amount: a.amount })), paidInvoices },
  });
  await recordAudit(tx, { actorUserId: null, actorType: "system", action: "payment.succeeded", subjectType: "payment", subjectId: payment.id, data: { amount: payment.amount } });
  await queueEmail(tx, paymentReceiptEmail(await emailFacts(tx, payment)));
  await settlePlanPayment(tx, payment, "succeeded");
}

/** The facts every payment email carries, read in the same transaction. */
export async function emailFacts(tx: Tx, payment: Payment): Promise<PaymentEmailFacts> {
  const [payer] = payment.createdByUserId ? await tx.select().from(users).where(eq(users.id, payment.createdByUserId)) : [];
  const lines = await tx
    .select({ number: invoices.number, amount: sql<number>`pa.amount::int` })
    .from(sql`payment_allocations pa`)
    .innerJoin(invoices, sql`${invoices.id} = pa.invoice_id`)
    .where(sql`pa.payment_id = ${payment.id}`)
    .orderBy(invoices.number);
  return {
    to: payer?.email ?? "",
    name: payer?.name ?? "there",
    company: env().COMPANY_NAME,
    paymentUrl: `${env().APP_URL}/payments/${payment.id}`,
    amount: payment.amount,
    currency: payment.currency,
    methodLabel: payment.methodLabel,
    invoices: lines.map((l) => ({ number: l.number, amount: Number(l.amount) })),
  };
}
