import { and, count, desc, eq, isNull } from "drizzle-orm";
import { events } from "#db/schema/events";
import { webhookDeliveries, webhookEndpoints } from "#db/schema/integrations";
import { db } from "~/db.server";
import { isStaffActor, type Actor } from "~/modules/auth/actor";
import { notFound } from "~/utils/problem";
import { ENDPOINT_NOT_FOUND } from "./validation";

export const DELIVERIES_PER_PAGE = 25;

/** One endpoint (without its secrets) and a page of its delivery log, newest first; a deleted one is not found. */
export async function getEndpointWithDeliveries(actor: Actor, endpointId: string, page = 1) {
  if (!isStaffActor(actor)) return notFound(ENDPOINT_NOT_FOUND);
  const [endpoint] = await db
    .select({
      id: webhookEndpoints.id,
      url: webhookEndpoints.url,
      description: webhookEndpoints.description,
      eventTypes: webhookEndpoints.eventTypes,
      enabled: webhookEndpoints.enabled,
      disabledReason: webhookEndpoints.disabledReason,
      previousSecretExpiresAt: webhookEndpoints.previousSecretExpiresAt,
      createdAt: webhookEndpoints.createdAt,
      updatedAt: webhookEndpoints.updatedAt,
    })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, endpointId), isNull(webhookEndpoints.deletedAt)));
  if (!endpoint) return notFound(ENDPOINT_NOT_FOUND);
  const current = Math.max(1, Math.floor(page) || 1);
  const [deliveries, [total]] = await Promise.all([
    db
      .select({
        id: webhookDeliveries.id,
        eventId: webhookDeliveries.eventId,
        eventType: events.type,
        status: webhookDeliveries.status,
        attemptCount: webhookDeliveries.attemptCount,
        nextAttemptAt: webhookDeliveries.nextAttemptAt,
        lastStatusCode: webhookDeliveries.lastStatusCode,
        lastError: webhookDeliveries.lastError,
        attempts: webhookDeliveries.attempts,
        createdAt: webhookDeliveries.createdAt,
        succeededAt: webhookDeliveries.succeededAt,
      })
      .from(webhookDeliveries)
      .innerJoin(events, eq(events.id, webhookDeliveries.eventId))
      .where(eq(webhookDeliveries.endpointId, endpoint.id))
      .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
      .limit(DELIVERIES_PER_PAGE)
      .offset((current - 1) * DELIVERIES_PER_PAGE),
    db.select({ n: count() }).from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpoint.id)),
  ]);
  const n = total?.n ?? 0;
  return { endpoint, deliveries, page: current, pages: Math.max(1, Math.ceil(n / DELIVERIES_PER_PAGE)), total: n };
}
