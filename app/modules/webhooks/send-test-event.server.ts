import { eq } from "drizzle-orm";
import { events } from "#db/schema/events";
import { webhookDeliveries, webhookEndpoints } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { TEST_EVENT_TYPE } from "./event-types";
import { requestDelivery } from "./schedule-delivery.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { conflict, forbidden, notFound, type Problem } from "~/utils/problem";
import { canManageWebhooks, ENDPOINT_NOT_FOUND, WEBHOOKS_FORBIDDEN } from "./validation";

/**
 * Sends a synthetic `webhook.test` event to one endpoint only (the fan-out never picks this type
 * up). Refused on a disabled endpoint, where the delivery would only be skipped.
 */
export async function sendTestEvent(actor: Actor, input: { endpointId: string }): Promise<{ eventId: string; deliveryId: string } | Problem> {
  if (!canManageWebhooks(actor)) return forbidden(WEBHOOKS_FORBIDDEN);
  return db.transaction(async (tx) => {
    const [endpoint] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, input.endpointId));
    if (!endpoint) return notFound(ENDPOINT_NOT_FOUND);
    if (!endpoint.enabled) return conflict("Enable the endpoint before sending a test event.");
    const [event] = await tx
      .insert(events)
      .values({ type: TEST_EVENT_TYPE, accountId: null, subjectType: "webhook_endpoint", subjectId: endpoint.id, data: { message: "Test event sent from the EIPP admin." } })
      .returning({ id: events.id });
    const [delivery] = await tx.insert(webhookDeliveries).values({ endpointId: endpoint.id, eventId: event!.id, status: "pending", nextAttemptAt: new Date() }).returning({ id: webhookDeliveries.id });
    await requestDelivery(tx);
    await recordAudit(tx, { ...auditActor(actor), action: "webhook_endpoint.test_sent", subjectType: "webhook_endpoint", subjectId: endpoint.id, data: { eventId: event!.id } });
    return { eventId: event!.id, deliveryId: delivery!.id };
  });
}
