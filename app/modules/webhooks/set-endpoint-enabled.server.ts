import { and, eq, isNull } from "drizzle-orm";
import { webhookEndpoints } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { nudgeFanOut } from "~/modules/events/record-event.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { forbidden, notFound, type Problem } from "~/utils/problem";
import { canManageWebhooks, ENDPOINT_NOT_FOUND, WEBHOOKS_FORBIDDEN } from "./validation";

/**
 * Turns deliveries to an endpoint on or off. Re-enabling clears the reason and fans out the
 * events it missed meanwhile (up to the fan-out's look-back); skipped ones can be replayed.
 */
export async function setEndpointEnabled(actor: Actor, input: { endpointId: string; enabled: boolean }): Promise<{ endpointId: string; enabled: boolean } | Problem> {
  if (!canManageWebhooks(actor)) return forbidden(WEBHOOKS_FORBIDDEN);
  return db.transaction(async (tx) => {
    const [endpoint] = await tx.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.id, input.endpointId), isNull(webhookEndpoints.deletedAt))).for("update");
    // A deleted endpoint cannot be turned back on.
    if (!endpoint) return notFound(ENDPOINT_NOT_FOUND);
    await tx
      .update(webhookEndpoints)
      .set({ enabled: input.enabled, disabledReason: input.enabled ? null : "Disabled by the AR team.", updatedAt: new Date() })
      .where(eq(webhookEndpoints.id, endpoint.id));
    await recordAudit(tx, { ...auditActor(actor), action: input.enabled ? "webhook_endpoint.enabled" : "webhook_endpoint.disabled", subjectType: "webhook_endpoint", subjectId: endpoint.id });
    if (input.enabled) await nudgeFanOut(tx);
    return { endpointId: endpoint.id, enabled: input.enabled };
  });
}
