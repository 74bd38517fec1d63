import { and, eq, isNull } from "drizzle-orm";
import { webhookDeliveries, webhookEndpoints } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { canManageWebhooks, forbidden, type Forbidden, type StaffActor } from "./validation";

/**
 * Deletes an endpoint for good, as far as anyone can see: it leaves the list, its page is gone,
 * nothing is delivered to it again (its waiting deliveries are skipped) and it cannot be turned
 * back on. The row and its delivery log stay, for audit: what was sent where, and when.
 */
export async function deleteEndpoint(input: { staff: StaffActor; endpointId: string }): Promise<{ ok: true } | { ok: false; forbidden?: undefined } | Forbidden> {
  if (!canManageWebhooks(input.staff)) return forbidden();
  return db.transaction(async (tx) => {
    const [endpoint] = await tx
      .select({ id: webhookEndpoints.id, url: webhookEndpoints.url })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.id, input.endpointId), isNull(webhookEndpoints.deletedAt)))
      .for("update");
    if (!endpoint) return { ok: false as const };
    const now = new Date();
    await tx.update(webhookEndpoints).set({ deletedAt: now, enabled: false, disabledReason: "Deleted by the AR team.", updatedAt: now }).where(eq(webhookEndpoints.id, endpoint.id));
    await tx
      .update(webhookDeliveries)
      .set({ status: "skipped", nextAttemptAt: null })
      .where(and(eq(webhookDeliveries.endpointId, endpoint.id), eq(webhookDeliveries.status, "pending")));
    await recordAudit(tx, { actorUserId: input.staff.userId, actorType: "user", action: "webhook_endpoint.deleted", subjectType: "webhook_endpoint", subjectId: endpoint.id, ip: input.staff.ip, data: { url: endpoint.url } });
    return { ok: true as const };
  });
}
