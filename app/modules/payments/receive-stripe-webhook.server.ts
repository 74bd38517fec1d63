import type Stripe from "stripe";
import { stripeEvents } from "#db/schema/payments";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { stripe } from "~/modules/stripe/client.server";
import { batchCalls } from "~/utils/batch-calls";
import { bulkInsert } from "~/utils/bulk-insert.server";
import { requestStripeEventDrain } from "./drain-stripe-events.server";
import { log } from "~/utils/log.server";

export type WebhookAnswer = { status: 200 | 400; body: string };

type NewStripeEvent = { id: string; type: string; objectId: string | null; paymentId: string | null; refundId: string | null };

/**
 * Records events, deduplicated by id, and says which were new. Deliveries arriving together
 * share one multi-row insert (one round trip, one commit) instead of one each: at high rates
 * the round trips, not the rows, are the cost. Autocommit: committed when it returns.
 */
const recordStripeEvents = batchCalls(
  async (rows: NewStripeEvent[]): Promise<boolean[]> => {
    const fresh = new Set(await bulkInsert(db, stripeEvents, rows, { skipConflicts: true }));
    // The same id twice in one batch is inserted once; only its first delivery counts as new.
    return rows.map((r) => fresh.delete(r.id));
  },
  { maxInFlight: 1, maxBatch: 100 },
);

/**
 * The Stripe webhook: verify the signature on the exact raw body, record the event once by id
 * (the row is the durable to-do), wake the drain, and answer — never acting on an unverified or
 * repeated payload. The drain re-reads the object from Stripe; the once-a-minute sweep catches
 * any event whose wake-up was lost. Throws if the event could not be recorded, so the caller
 * answers 5xx and Stripe delivers it again.
 */
export async function receiveStripeWebhook(rawBody: string | Buffer, signature: string | null): Promise<WebhookAnswer> {
  let event: Stripe.Event;
  try {
    // Default 300 s tolerance; never 0 (in SDK 23 that disables the age check).
    event = stripe().webhooks.constructEvent(rawBody, signature ?? "", env().STRIPE_WEBHOOK_SECRET);
  } catch {
    return { status: 400, body: "invalid signature" };
  }
  const object = event.data.object as { id?: string; metadata?: Record<string, string> | null };
  const fresh = await recordStripeEvents({
    id: event.id,
    type: event.type,
    objectId: object.id ?? null,
    paymentId: object.metadata?.payment_id ?? null,
    refundId: object.metadata?.refund_id ?? null,
  });
  // A repeat delivery was already recorded and woke the drain (or the sweep has it).
  if (fresh) {
    // Awaited, so the job exists when we answer; a failure is only logged: the event is recorded.
    await requestStripeEventDrain().catch((error: unknown) => {
      log("warn", "could not wake the Stripe event drain; the sweep will", { eventId: event.id, error: String(error) });
    });
  }
  return { status: 200, body: "ok" };
}
