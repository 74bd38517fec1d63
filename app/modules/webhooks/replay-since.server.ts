import { and, eq, gte, inArray, sql } from "drizzle-orm";
import { webhookDeliveries, webhookEndpoints } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { now } from "~/utils/clock";
import { nudgeFanOut } from "~/modules/events/record-event.server";
import { requestDelivery } from "./schedule-delivery.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { conflict, forbidden, invalidField, notFound, type Problem } from "~/utils/problem";
import { canManageWebhooks, ENDPOINT_NOT_FOUND, WEBHOOKS_FORBIDDEN } from "./validation";

export const REPLAY_LIMIT = 5000;

/**
 * Sends again every delivery of an endpoint created since `since` (succeeded ones included:
 * consumers dedupe on webhook-id), oldest first, at most REPLAY_LIMIT per request.
 */
export async function replaySince(actor: Actor, input: { endpointId: string; since: Date }): Promise<{ count: number; truncated: boolean } | Problem> {
  if (!canManageWebhooks(actor)) return forbidden(WEBHOOKS_FORBIDDEN);
  if (Number.isNaN(input.since.getTime())) return invalidField("since", "Enter a valid date and time.");
  if (input.since > now()) return invalidField("since", "Choose a time in the past.");
  return db.transaction(async (tx) => {
    const [endpoint] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, input.endpointId));
    if (!endpoint) return notFound(ENDPOINT_NOT_FOUND);
    if (!endpoint.enabled) return conflict("Enable the endpoint before replaying deliveries.");
    const ids = await tx
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.endpointId, endpoint.id), gte(webhookDeliveries.createdAt, input.since)))
      .orderBy(webhookDeliveries.createdAt)
      .limit(REPLAY_LIMIT + 1);
    const chosen = ids.slice(0, REPLAY_LIMIT).map((r) => r.id);
    if (chosen.length > 0) {
      await tx
        .update(webhookDeliveries)
        .set({ status: "pending", attemptCount: 0, nextAttemptAt: sql`now()` })
        .where(inArray(webhookDeliveries.id, chosen));
      await requestDelivery(tx);
    }
    // Events that never got a delivery (endpoint disabled at the time) are picked up by the fan-out.
    await nudgeFanOut(tx);
    await recordAudit(tx, { ...auditActor(actor), action: "webhook_endpoint.replayed_since", subjectType: "webhook_endpoint", subjectId: endpoint.id, data: { since: input.since.toISOString(), count: chosen.length } });
    return { count: chosen.length, truncated: ids.length > REPLAY_LIMIT };
  });
}
