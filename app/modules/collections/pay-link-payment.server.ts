import { isProblem } from "~/utils/problem";
import { and, asc, eq } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { paymentAllocations, payments } from "#db/schema/payments";
import { db } from "~/db.server";
import type { PayLinkActor } from "~/modules/auth/actor";
import { capabilityToken, safeEqual } from "~/modules/auth/secrets.server";
import { cancelPayment } from "~/modules/payments/cancel-payment.server";
import { payerFailureText } from "~/modules/payments/payer-wording";
import { paymentIs } from "~/modules/payments/payment-states";
import { madeThroughPayLink } from "~/modules/payments/start-payment.server";
import { hasNul } from "~/utils/nul";

/**
 * A payment made through this pay link, as the link's page shows it back from Checkout: its
 * state, amount, method and invoices — never another payment of the account (its history is for
 * those who sign in). Checkout's "back" link carries a token for the payment: it cancels the
 * payment at once (balances payable again), as on the signed-in payment page.
 */
export async function payLinkPayment(actor: PayLinkActor, input: { paymentId: string; cancelToken?: string | null }) {
  if (!input.paymentId || hasNul(input.paymentId) || input.paymentId.length > 100) return null;
  let payment = await read(actor, input.paymentId);
  if (!payment) return null;
  let declined: string | null = null;
  if (input.cancelToken && safeEqual(input.cancelToken, capabilityToken("checkout-cancel", payment.id)) && paymentIs("open", payment.status)) {
    const canceled = await cancelPayment(actor, { paymentId: payment.id });
    declined = isProblem(canceled) ? null : canceled.declined;
    payment = (await read(actor, payment.id))!;
  }
  return { ...payment, declined: payment.status === "canceled" ? declined : null };
}

async function read(actor: PayLinkActor, paymentId: string) {
  const [p] = await db
    .select()
    .from(payments)
    .where(and(eq(payments.id, paymentId), eq(payments.accountId, actor.accountId), madeThroughPayLink(actor.payLinkId)));
  if (!p) return null;
  const allocations = await db
    .select({ invoiceId: paymentAllocations.invoiceId, number: invoices.number, amount: paymentAllocations.amount })
    .from(paymentAllocations)
    .innerJoin(invoices, eq(invoices.id, paymentAllocations.invoiceId))
    .where(eq(paymentAllocations.paymentId, p.id))
    .orderBy(asc(invoices.number));
  return {
    id: p.id,
    status: p.status,
    amount: p.amount,
    currency: p.currency,
    method: p.method,
    methodLabel: p.methodLabel,
    checkoutUrl: paymentIs("open", p.status) ? p.checkoutUrl : null,
    failureMessage: payerFailureText({ code: p.failureCode, message: p.failureMessage, method: p.method }),
    allocations,
  };
}

export type PayLinkPaymentView = NonNullable<Awaited<ReturnType<typeof payLinkPayment>>>;
