import { eq } from "drizzle-orm";
import Stripe from "stripe";
import { payments, type Payment, type PaymentStatus } from "#db/schema/payments";
import { systemActor } from "~/modules/auth/actor";
import type { Problem } from "~/utils/problem";
import { db } from "~/db.server";
import { stripe } from "~/modules/stripe/client.server";
import { releasePayment } from "./reserve.server";
import { syncPayment } from "./sync-payment.server";

/**
 * Pays a reserved payment with a card the payer saved earlier, on-session, without a trip to
 * Checkout. A decline answers at once (402) and the payment fails with Stripe's reason; a card
 * that asks for authentication is not charged here — the payer is sent to Checkout instead.
 */
export async function chargeSavedCard(payment: Payment, customer: string, paymentMethod: string): Promise<PaymentStatus | Problem> {
  let intentId: string | null = null;
  try {
    const intent = await stripe().paymentIntents.create(
      {
        amount: payment.amount,
        currency: payment.currency.toLowerCase(),
        customer,
        payment_method: paymentMethod,
        allowed_payment_method_types: ["card"],
        confirm: true,
        metadata: { payment_id: payment.id },
        description: `Payment ${payment.id}`,
      },
      { idempotencyKey: `saved-card-${payment.id}` },
    );
    intentId = intent.id;
    if (intent.status === "requires_action") {
      await stripe().paymentIntents.cancel(intent.id, {}, { idempotencyKey: `cancel-${payment.id}` });
      await db.update(payments).set({ stripePaymentIntentId: intent.id }).where(eq(payments.id, payment.id));
      const released = await db.transaction((tx) =>
        releasePayment(tx, systemActor("stripe"), payment.id, "failed", { code: "authentication_required", message: "Your bank asks you to confirm this card payment. Pay through the secure payment page instead." }),
      );
      return released.moved ? "failed" : (released.status ?? "failed");
    }
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeCardError)) throw error;
    // A decline: the PaymentIntent exists and carries the reason; the sync records it.
    intentId = (error.raw as { payment_intent?: { id?: string } }).payment_intent?.id ?? null;
  }
  if (!intentId) return "pending";
  await db.update(payments).set({ stripePaymentIntentId: intentId }).where(eq(payments.id, payment.id));
  return syncPayment(systemActor("stripe"), payment.id);
}
