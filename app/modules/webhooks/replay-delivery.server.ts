import { and, eq } from "drizzle-orm";
import { webhookDeliveries, webhookEndpoints } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { now } from "~/utils/clock";
import { requestDelivery } from "./schedule-delivery.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { conflict, forbidden, notFound, type Problem } from "~/utils/problem";
import { canManageWebhooks, ENDPOINT_NOT_FOUND, WEBHOOKS_FORBIDDEN } from "./validation";

/**
 * Sends one delivery again now, with a fresh retry schedule (the attempt log is kept). The
 * webhook-id stays the event id, so a consumer that already has it ignores the repeat.
 */
export async function replayDelivery(actor: Actor, input: { endpointId: string; deliveryId: string }): Promise<{ deliveryId: string } | Problem> {
  if (!canManageWebhooks(actor)) return forbidden(WEBHOOKS_FORBIDDEN);
  return db.transaction(async (tx) => {
    const [endpoint] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, input.endpointId));
    if (!endpoint) return notFound(ENDPOINT_NOT_FOUND);
    if (!endpoint.enabled) return conflict("Enable the endpoint before replaying deliveries.");
    const [delivery] = await tx
      .update(webhookDeliveries)
      .set({ status: "pending", attemptCount: 0, nextAttemptAt: now() })
      .where(and(eq(webhookDeliveries.id, input.deliveryId), eq(webhookDeliveries.endpointId, endpoint.id)))
      .returning({ id: webhookDeliveries.id, eventId: webhookDeliveries.eventId });
    if (!delivery) return notFound("Delivery not found.");
    await requestDelivery(tx);
    await recordAudit(tx, { ...auditActor(actor), action: "webhook_delivery.replayed", subjectType: "webhook_endpoint", subjectId: endpoint.id, data: { deliveryId: delivery.id, eventId: delivery.eventId } });
    return { deliveryId: delivery.id };
  });
}
