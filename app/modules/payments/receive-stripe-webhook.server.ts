import type Stripe from "stripe";
import { stripeEvents } from "#db/schema/payments";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { enqueueJob } from "~/modules/jobs/enqueue.server";
import { stripe } from "~/modules/stripe/client.server";

export type WebhookAnswer = { status: 200 | 400; body: string };

/**
 * The Stripe webhook: verify the signature on the exact raw body, record the event once by id,
 * and hand it to a job in the same transaction — answering fast and never acting on an
 * unverified or repeated payload. The job re-reads the object from Stripe.
 */
export async function receiveStripeWebhook(rawBody: string, signature: string | null): Promise<WebhookAnswer> {
  let event: Stripe.Event;
  try {
    // Default 300 s tolerance; never 0 (in SDK 23 that disables the age check).
    event = stripe().webhooks.constructEvent(rawBody, signature ?? "", env().STRIPE_WEBHOOK_SECRET);
  } catch {
    return { status: 400, body: "invalid signature" };
  }
  const object = event.data.object as { id?: string; metadata?: Record<string, string> | null };
  await db.transaction(async (tx) => {
    const [fresh] = await tx
      .insert(stripeEvents)
      .values({ id: event.id, type: event.type, objectId: object.id ?? null })
      .onConflictDoNothing()
      .returning({ id: stripeEvents.id });
    if (!fresh) return; // a repeat delivery: already recorded and handled
    await enqueueJob(tx, "process_stripe_event", { eventId: event.id, type: event.type, objectId: object.id ?? null, paymentId: object.metadata?.payment_id ?? null, refundId: object.metadata?.refund_id ?? null });
  });
  return { status: 200, body: "ok" };
}
