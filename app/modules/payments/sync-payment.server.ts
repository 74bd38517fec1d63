import { eq, inArray, sql } from "drizzle-orm";
import { today } from "~/utils/clock";
import { setLedgerDate } from "~/modules/analytics/ledger-date.server";
import { users } from "#db/schema/accounts";
import { invoices } from "#db/schema/invoices";
import { payments, type Payment, type PaymentStatus } from "#db/schema/payments";
import { db, type Tx } from "~/db.server";
import { env } from "~/env.server";
import type { SystemActor } from "~/modules/auth/actor";
import { recordEvent } from "~/modules/events/record-event.server";
import { paymentFailedEmail, paymentProcessingEmail, paymentReceiptEmail, type PaymentEmailFacts } from "~/modules/notifications/payment-emails";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { accountRecipients, userWants } from "~/modules/notifications/account-recipients.server";
import { notFound, type Problem } from "~/utils/problem";
import { saveMethod } from "~/modules/methods/save-method.server";
import { payerFailureText } from "./payer-wording";
import { noteBankVerification } from "./bank-verification.server";
import { observePayment, type ObservedPayment } from "./observe-stripe.server";
import { paymentIs } from "./payment-states";
import { allocationsOf, lockPayment, releasePayment } from "./reserve.server";
import { transitionPayment, type PaymentTransitionResult } from "./transition-payment.server";

/**
 * Brings one payment in line with Stripe's current state. Safe to call any number of times,
 * in any order, from webhooks, the return page or the reconciliation job: it re-reads Stripe and
 * asks the state machine (payment-states.ts) to move it; a move another caller already made is
 * a no-op here, so its balances, emails and events happen once.
 */
export async function syncPayment(actor: SystemActor, paymentId: string): Promise<PaymentStatus | Problem> {
  const [current] = await db.select().from(payments).where(eq(payments.id, paymentId));
  if (!current) return notFound("Payment not found.");
  if (paymentIs("final", current.status)) return current.status;
  const observed = await observePayment(current);
  if (!observed) return current.status;
  return db.transaction(async (tx) => {
    const payment = await lockPayment(tx, paymentId);
    if (!payment) return notFound("Payment not found.");
    if (paymentIs("final", payment.status)) return payment.status;
    const ids = {
      stripePaymentIntentId: observed.paymentIntentId ?? payment.stripePaymentIntentId,
      stripeChargeId: observed.chargeId ?? payment.stripeChargeId,
      method: observed.method ?? payment.method,
      methodLabel: observed.methodLabel ?? payment.methodLabel,
    };
    // A re-read that learns nothing writes nothing (reconciliation re-reads processing payments every 5 minutes).
    const learned = (Object.keys(ids) as (keyof typeof ids)[]).some((key) => ids[key] !== payment[key]);
    if (learned) await tx.update(payments).set({ ...ids, updatedAt: new Date() }).where(eq(payments.id, paymentId));
    const fresh = { ...payment, ...ids };
    await noteBankVerification(tx, fresh, observed);
    const outcome = await moveWith(tx, actor, fresh, observed);
    return outcome.moved ? outcome.payment.status : (outcome.status ?? fresh.status);
  });
}

/** What Stripe's state asks of the state machine. Nothing observed yet (or a declined try inside Checkout): no move. */
async function moveWith(tx: Tx, actor: SystemActor, payment: Payment, observed: ObservedPayment): Promise<PaymentTransitionResult> {
  switch (observed.state) {
    case "verifying":
      // Checkout is done but the bank account waits for microdeposits: still pending, amounts still reserved.
      return { moved: false, status: payment.status };
    case "open":
      await noteDecline(tx, payment, observed);
      return { moved: false, status: payment.status };
    case "processing":
      return transitionPayment(tx, actor, {
        paymentId: payment.id,
        to: "processing",
        effects: async (moved) => {
          await queueEmail(tx, paymentProcessingEmail(await emailFacts(tx, moved)));
          return { amount: moved.amount, currency: moved.currency, method: moved.method };
        },
      });
    case "succeeded":
      return transitionPayment(tx, actor, { paymentId: payment.id, to: "succeeded", audit: { amount: payment.amount }, effects: (moved) => applySucceeded(tx, moved, observed) });
    case "failed": {
      const failure = observed.failure ?? { code: null, message: "The payment was not completed." };
      const result = await releasePayment(tx, actor, payment.id, "failed", failure);
      // A plan's installment has its own failure email (with the retry date).
      if (result.moved && !payment.planId) {
        const reason = payerFailureText({ code: failure.code, message: failure.message, method: payment.method }) ?? failure.message;
        await queueEmail(tx, paymentFailedEmail({ ...(await emailFacts(tx, result.payment)), reason }));
      }
      return result;
    }
    case "expired":
      return releasePayment(tx, actor, payment.id, "canceled", { code: "checkout_expired", message: "The checkout was not completed in time." });
  }
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

/** The money arrived: the reservations become paid amounts, a saved card is kept, the payer gets a receipt. */
async function applySucceeded(tx: Tx, payment: Payment, observed: ObservedPayment): Promise<Record<string, unknown>> {
  const allocations = await allocationsOf(tx, payment.id);
  const ids = allocations.map((a) => a.invoiceId).sort();
  await tx.select({ id: invoices.id }).from(invoices).where(inArray(invoices.id, ids)).orderBy(invoices.id).for("update");
  const paidInvoices: string[] = [];
  await setLedgerDate(tx, today());
  for (const a of allocations) {
    // An early-payment discount fixed by the quote settles with the money, as credit (whenever the money arrives).
    const [updated] = await tx
      .update(invoices)
      .set({
        amountPending: sql`${invoices.amountPending} - ${a.amount + a.discount}`,
        amountPaid: sql`${invoices.amountPaid} + ${a.amount}`,
        amountCredited: sql`${invoices.amountCredited} + ${a.discount}`,
        amountDiscounted: sql`${invoices.amountDiscounted} + ${a.discount}`,
        status: sql`case when ${invoices.total} - ${invoices.amountPaid} - ${a.amount} - ${invoices.amountCredited} - ${a.discount} <= 0 then 'paid' else ${invoices.status} end`,
        updatedAt: sql`now()`,
      })
      .where(eq(invoices.id, a.invoiceId))
      .returning({ id: invoices.id, number: invoices.number, status: invoices.status, currency: invoices.currency });
    if (a.discount > 0 && updated) {
      await recordEvent(tx, {
        type: "invoice.discount_taken",
        accountId: payment.accountId,
        subjectType: "invoice",
        subjectId: updated.id,
        data: { number: updated.number, paymentId: payment.id, quoteId: payment.quoteId, paid: a.amount, discount: a.discount, settled: a.amount + a.discount, currency: updated.currency },
      });
    }
    if (updated?.status === "paid") {
      paidInvoices.push(updated.id);
      await recordEvent(tx, { type: "invoice.paid", accountId: payment.accountId, subjectType: "invoice", subjectId: updated.id, data: { number: updated.number, paymentId: payment.id } });
    }
  }
  if (payment.savePaymentMethod && observed.savedPaymentMethod) {
    await saveMethod(tx, { accountId: payment.accountId, paymentMethod: observed.savedPaymentMethod, mandateId: observed.mandateId });
  }
  // The receipt goes to whoever paid unless they turned receipts off (a pay link's: to the account's recipients).
  if (!payment.createdByUserId || (await userWants(tx, payment.createdByUserId, payment.accountId, "receipts"))) {
    const facts = await emailFacts(tx, payment);
    if (facts.to) await queueEmail(tx, paymentReceiptEmail(facts));
  }
  return { amount: payment.amount, currency: payment.currency, method: payment.method, invoices: allocations.map((a) => ({ invoiceId: a.invoiceId, amount: a.amount, discount: a.discount })), paidInvoices };
}

/** The facts every payment email carries, read in the same transaction. */
export async function emailFacts(tx: Tx, payment: Payment): Promise<PaymentEmailFacts> {
  const [payer] = payment.createdByUserId ? await tx.select().from(users).where(eq(users.id, payment.createdByUserId)) : [];
  const lines = await tx
    .select({ number: invoices.number, amount: sql<number>`pa.amount::int`, discount: sql<number>`pa.discount::int` })
    .from(sql`payment_allocations pa`)
    .innerJoin(invoices, sql`${invoices.id} = pa.invoice_id`)
    .where(sql`pa.payment_id = ${payment.id}`)
    .orderBy(invoices.number);
  // A payment through a pay link has no payer: its emails go to the account's recipients of receipts.
  const recipients = payer ? { to: [payer.email], cc: [], toName: payer.name } : await accountRecipients(tx, payment.accountId, "receipts");
  return {
    to: recipients.to.join(", "),
    ...(recipients.cc.length > 0 ? { cc: recipients.cc.join(", ") } : {}),
    name: recipients.toName ?? "there",
    company: env().COMPANY_NAME,
    paymentUrl: `${env().APP_URL}/payments/${payment.id}`,
    amount: payment.amount,
    currency: payment.currency,
    methodLabel: payment.methodLabel,
    invoices: lines.map((l) => ({ number: l.number, amount: Number(l.amount), discount: Number(l.discount) })),
  };
}
