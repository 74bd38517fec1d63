import { and, eq } from "drizzle-orm";
import { payments, type PaymentStatus } from "#db/schema/payments";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { auditActor, systemActor } from "~/modules/auth/actor";
import { inReadersAccounts } from "~/modules/invoices/scope.server";
import { stripe } from "~/modules/stripe/client.server";
import { conflict, isProblem, notFound, type Problem } from "~/utils/problem";
import { paymentIs, whyNotCancelable } from "./payment-states";
import { releasePayment } from "./reserve.server";
import { syncPayment } from "./sync-payment.server";
import { madeThroughPayLink, type PayingActor } from "./start-payment.server";

/**
 * The payer abandons a payment they started: its Checkout Session is expired at Stripe (so it
 * can no longer be paid) and the reserved balances are released. If the payer in fact paid in
 * the meantime, Stripe refuses the expiry and the sync records the payment instead: a conflict
 * saying where it is ("it was paid in the meantime"). Only the payer's own accounts' payments
 * exist for them (another's is not_found); a pay link's holder cancels only payments made through that link.
 * `declined` is the reason Stripe gave for a declined try before the payer left (to say why), read
 * from Stripe itself: its webhook may not have been processed yet.
 */
export async function cancelPayment(actor: PayingActor, input: { paymentId: string }): Promise<{ status: "canceled"; declined: string | null } | Problem> {
  const [payment] = await db
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.id, input.paymentId),
        inReadersAccounts(actor, payments.accountId),
        actor.kind === "pay_link" ? madeThroughPayLink(actor.payLinkId) : undefined,
      ),
    );
  if (!payment) return notFound("Payment not found.");
  if (!paymentIs("open", payment.status)) return notCancelable(payment.status);
  if (payment.stripeCheckoutSessionId) {
    // What Stripe knows first: a declined try inside Checkout leaves its reason on the payment.
    const before = await syncPayment(systemActor("stripe"), payment.id);
    if (isProblem(before)) return before;
    if (!paymentIs("open", before)) return notCancelable(before);
    const [seen] = await db.select({ failureMessage: payments.failureMessage }).from(payments).where(eq(payments.id, payment.id));
    const declined = seen?.failureMessage ?? null;
    try {
      await stripe().checkout.sessions.expire(payment.stripeCheckoutSessionId, {}, { idempotencyKey: `expire-${payment.id}` });
    } catch {
      // Already complete or expired: the sync below reads which.
    }
    // Stripe's expiry is what ends it: the sync records it (as the system), the payer's request is audited beside it.
    const status = await syncPayment(systemActor("stripe"), payment.id);
    if (isProblem(status)) return status;
    if (status !== "canceled") return notCancelable(status);
    await recordAudit(db, { ...auditActor(actor), action: "payment.cancel_requested", subjectType: "payment", subjectId: payment.id });
    return { status: "canceled", declined };
  }
  // Never sent to Stripe: nothing to expire there.
  const result = await db.transaction((tx) => releasePayment(tx, actor, payment.id, "canceled", { code: "canceled_by_payer", message: "You canceled this payment." }));
  if (!result.moved && result.status !== "canceled") return notCancelable(result.status ?? payment.status);
  return { status: "canceled", declined: null };
}

const notCancelable = (status: PaymentStatus) => conflict(`That payment cannot be canceled: ${whyNotCancelable(status)}.`, { code: status });
