import { and, eq } from "drizzle-orm";
import { webhookDeliveries, webhookEndpoints } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { now } from "~/utils/clock";
import { requestDelivery } from "./schedule-delivery.server";
import { canManageWebhooks, forbidden, type Forbidden, type StaffActor } from "./validation";

/**
 * Sends one delivery again now, with a fresh retry schedule (the attempt log is kept). The
 * webhook-id stays the event id, so a consumer that already has it ignores the repeat.
 */
export async function replayDelivery(input: { staff: StaffActor; endpointId: string; deliveryId: string }): Promise<{ ok: true } | { ok: false; forbidden?: undefined; message: string } | Forbidden> {
  if (!canManageWebhooks(input.staff)) return forbidden();
  return db.transaction(async (tx) => {
    const [endpoint] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, input.endpointId));
    if (!endpoint) return { ok: false as const, message: "Endpoint not found." };
    if (!endpoint.enabled) return { ok: false as const, message: "Enable the endpoint before replaying deliveries." };
    const [delivery] = await tx
      .update(webhookDeliveries)
      .set({ status: "pending", attemptCount: 0, nextAttemptAt: now() })
      .where(and(eq(webhookDeliveries.id, input.deliveryId), eq(webhookDeliveries.endpointId, endpoint.id)))
      .returning({ id: webhookDeliveries.id, eventId: webhookDeliveries.eventId });
    if (!delivery) return { ok: false as const, message: "Delivery not found." };
    await requestDelivery(tx);
    await recordAudit(tx, { actorUserId: input.staff.userId, actorType: "user", action: "webhook_delivery.replayed", subjectType: "webhook_endpoint", subjectId: endpoint.id, ip: input.staff.ip, data: { deliveryId: delivery.id, eventId: delivery.eventId } });
    return { ok: true as const };
  });
}
