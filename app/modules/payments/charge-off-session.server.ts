import { eq } from "drizzle-orm";
import Stripe from "stripe";
import { payments, type Payment, type PaymentStatus, type SavedPaymentMethod } from "#db/schema/payments";
import { db } from "~/db.server";
import { systemActor } from "~/modules/auth/actor";
import { stripe } from "~/modules/stripe/client.server";
import type { Problem } from "~/utils/problem";
import { syncPayment } from "./sync-payment.server";

/** The debit authorization a payer gave (autopay's enrolment): sent to Stripe as the mandate's acceptance. */
export interface OffSessionAuthorization {
  acceptedAt: string;
  ip: string | null;
  userAgent: string | null;
}

/**
 * Charges a reserved payment to a saved card or verified bank account, off-session (the payer is
 * not there: autopay). A bank debit uses the method's mandate, or one made from the payer's
 * autopay authorization; it stays processing until Stripe settles it. A card answers at once.
 * The idempotency key is the payment's, so a retried request never charges twice.
 */
export async function chargeOffSession(payment: Payment, customer: string, method: SavedPaymentMethod, authorization: OffSessionAuthorization): Promise<PaymentStatus | Problem> {
  let intentId: string | null = null;
  const bank = method.type === "us_bank_account";
  try {
    const intent = await stripe().paymentIntents.create(
      {
        amount: payment.amount,
        currency: payment.currency.toLowerCase(),
        customer,
        payment_method: method.stripePaymentMethodId,
        allowed_payment_method_types: [method.type],
        off_session: true,
        confirm: true,
        ...(bank && method.stripeMandateId ? { mandate: method.stripeMandateId } : {}),
        ...(bank && !method.stripeMandateId
          ? {
              mandate_data: {
                customer_acceptance: authorization.ip
                  ? { type: "online" as const, online: { ip_address: authorization.ip, user_agent: authorization.userAgent ?? "unknown" } }
                  : { type: "offline" as const },
              },
            }
          : {}),
        metadata: { payment_id: payment.id, autopay: "true" },
        description: `Autopay ${payment.id}`,
      },
      { idempotencyKey: `off-session-${payment.id}` },
    );
    intentId = intent.id;
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeCardError)) throw error;
    // A decline: the PaymentIntent exists and carries the reason; the sync records it.
    intentId = (error.raw as { payment_intent?: { id?: string } }).payment_intent?.id ?? null;
  }
  if (!intentId) return "pending";
  await db.update(payments).set({ stripePaymentIntentId: intentId }).where(eq(payments.id, payment.id));
  return syncPayment(systemActor("stripe"), payment.id);
}
