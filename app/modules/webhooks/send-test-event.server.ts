import { eq } from "drizzle-orm";
import { events } from "#db/schema/events";
import { webhookDeliveries, webhookEndpoints } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { TEST_EVENT_TYPE } from "./event-types";
import { requestDelivery } from "./schedule-delivery.server";
import { canManageWebhooks, forbidden, type Forbidden, type StaffActor } from "./validation";

/**
 * Sends a synthetic `webhook.test` event to one endpoint only (the fan-out never picks this type
 * up). Refused on a disabled endpoint, where the delivery would only be skipped.
 */
export async function sendTestEvent(input: { staff: StaffActor; endpointId: string }): Promise<{ ok: true; eventId: string; deliveryId: string } | { ok: false; forbidden?: undefined; message: string } | Forbidden> {
  if (!canManageWebhooks(input.staff)) return forbidden();
  return db.transaction(async (tx) => {
    const [endpoint] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, input.endpointId));
    if (!endpoint) return { ok: false as const, message: "Endpoint not found." };
    if (!endpoint.enabled) return { ok: false as const, message: "Enable the endpoint before sending a test event." };
    const [event] = await tx
      .insert(events)
      .values({ type: TEST_EVENT_TYPE, accountId: null, subjectType: "webhook_endpoint", subjectId: endpoint.id, data: { message: "Test event sent from the EIPP admin." } })
      .returning({ id: events.id });
    const [delivery] = await tx.insert(webhookDeliveries).values({ endpointId: endpoint.id, eventId: event!.id, status: "pending", nextAttemptAt: new Date() }).returning({ id: webhookDeliveries.id });
    await requestDelivery(tx);
    await recordAudit(tx, { actorUserId: input.staff.userId, actorType: "user", action: "webhook_endpoint.test_sent", subjectType: "webhook_endpoint", subjectId: endpoint.id, ip: input.staff.ip, data: { eventId: event!.id } });
    return { ok: true as const, eventId: event!.id, deliveryId: delivery!.id };
  });
}
