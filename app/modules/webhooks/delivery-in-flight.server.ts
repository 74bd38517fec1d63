import { and, eq } from "drizzle-orm";
import { webhookDeliveries } from "#db/schema/integrations";
import { db } from "~/db.server";
import { hasNul } from "~/utils/nul";

/** Beyond this, the next retry is too far off for the page to keep looking (it says when instead). */
const WATCH_NEXT_ATTEMPT_MS = 5 * 60_000;

/**
 * Whether the delivery a staff member just queued (a test event, a replay) still awaits an
 * outcome worth watching on the endpoint page: pending, and tried soon. The page looks again
 * until it is delivered, fails for good, or its next retry is minutes away.
 */
export async function deliveryInFlight(endpointId: string, deliveryId: string): Promise<boolean> {
  // An id from the address bar PostgreSQL cannot compare (U+0000) is no delivery.
  if (deliveryId.length > 100 || hasNul(deliveryId)) return false;
  const [delivery] = await db
    .select({ status: webhookDeliveries.status, attemptCount: webhookDeliveries.attemptCount, nextAttemptAt: webhookDeliveries.nextAttemptAt })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpointId)));
  if (delivery?.status !== "pending") return false;
  if (delivery.attemptCount === 0 || !delivery.nextAttemptAt) return true;
  return delivery.nextAttemptAt.getTime() - Date.now() < WATCH_NEXT_ATTEMPT_MS;
}
