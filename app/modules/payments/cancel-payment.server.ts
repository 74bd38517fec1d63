import { and, eq } from "drizzle-orm";
import { payments } from "#db/schema/payments";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { inReadersAccounts, payerScope } from "~/modules/invoices/scope.server";
import { stripe } from "~/modules/stripe/client.server";
import { lockPayment, releasePayment } from "./reserve.server";
import { syncPayment } from "./sync-payment.server";

/**
 * The payer abandons a payment they started: its Checkout Session is expired at Stripe (so it
 * can no longer be paid) and the reserved balances are released. If the payer in fact paid in
 * the meantime, Stripe refuses the expiry and the sync records the payment instead.
 */
export async function cancelPayment(input: { payer: { userId: string; ip: string | null }; paymentId: string }): Promise<"canceled" | "not_found" | "not_cancelable" | string> {
  const [payment] = await db
    .select()
    .from(payments)
    .where(
and(eq(payments.id, input.paymentId), inReadersAccounts(payerScope(input.payer.userId), payments.accountId)),
    );
  if (!payment) return "not_found";
  if (payment.status !== "pending") return "not_cancelable";
  if (payment.stripeCheckoutSessionId) {
    try {
      await stripe().checkout.sessions.expire(payment.stripeCheckoutSessionId, {}, { idempotencyKey: `expire-${payment.id}` });
    } catch {
      // Already complete or expired: the sync below reads which.
    }
    const status = await syncPayment(payment.id);
    if (status === "canceled") {
      await recordAudit(db, { actorUserId: input.payer.userId, actorType: "user", action: "payment.cancel_requested", subjectType: "payment", subjectId: payment.id, ip: input.payer.ip });
    }
    return status ?? "not_found";
  }
  await db.transaction(async (tx) => {
    const locked = await lockPayment(tx, payment.id);
    if (locked?.status === "pending") {
      await releasePayment(tx, locked, "canceled", { code: "canceled_by_payer", message: "You canceled this payment." }, { userId: input.payer.userId, type: "user" });
    }
  });
  return "canceled";
}
