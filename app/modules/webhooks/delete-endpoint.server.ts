import { and, eq, isNull } from "drizzle-orm";
import { webhookDeliveries, webhookEndpoints } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { forbidden, notFound, type Problem } from "~/utils/problem";
import { canManageWebhooks, ENDPOINT_NOT_FOUND, WEBHOOKS_FORBIDDEN } from "./validation";

/**
 * Deletes an endpoint for good, as far as anyone can see: it leaves the list, its page is gone,
 * nothing is delivered to it again (its waiting deliveries are skipped) and it cannot be turned
 * back on. The row and its delivery log stay, for audit: what was sent where, and when.
 */
export async function deleteEndpoint(actor: Actor, input: { endpointId: string }): Promise<{ endpointId: string } | Problem> {
  if (!canManageWebhooks(actor)) return forbidden(WEBHOOKS_FORBIDDEN);
  return db.transaction(async (tx) => {
    const [endpoint] = await tx
      .select({ id: webhookEndpoints.id, url: webhookEndpoints.url })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.id, input.endpointId), isNull(webhookEndpoints.deletedAt)))
      .for("update");
    if (!endpoint) return notFound(ENDPOINT_NOT_FOUND);
    const now = new Date();
    await tx.update(webhookEndpoints).set({ deletedAt: now, enabled: false, disabledReason: "Deleted by the AR team.", updatedAt: now }).where(eq(webhookEndpoints.id, endpoint.id));
    await tx
      .update(webhookDeliveries)
      .set({ status: "skipped", nextAttemptAt: null })
      .where(and(eq(webhookDeliveries.endpointId, endpoint.id), eq(webhookDeliveries.status, "pending")));
    await recordAudit(tx, { ...auditActor(actor), action: "webhook_endpoint.deleted", subjectType: "webhook_endpoint", subjectId: endpoint.id, data: { url: endpoint.url } });
    return { endpointId: endpoint.id };
  });
}
