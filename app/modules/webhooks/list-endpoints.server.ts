import { desc, eq, isNull, sql } from "drizzle-orm";
import { webhookDeliveries, webhookEndpoints } from "#db/schema/integrations";
import { db } from "~/db.server";
import { isStaffActor, type Actor } from "~/modules/auth/actor";
import { notFound } from "~/utils/problem";

/** Every endpoint with its delivery counts, for staff; never the secrets. */
export async function listEndpoints(actor: Actor) {
  if (!isStaffActor(actor)) return notFound();
  return db
    .select({
      id: webhookEndpoints.id,
      url: webhookEndpoints.url,
      description: webhookEndpoints.description,
      eventTypes: webhookEndpoints.eventTypes,
      enabled: webhookEndpoints.enabled,
      disabledReason: webhookEndpoints.disabledReason,
      createdAt: webhookEndpoints.createdAt,
      pending: sql<number>`count(${webhookDeliveries.id}) filter (where ${webhookDeliveries.status} = 'pending')`.mapWith(Number),
      failing: sql<number>`count(${webhookDeliveries.id}) filter (where ${webhookDeliveries.status} in ('failed', 'exhausted'))`.mapWith(Number),
    })
    .from(webhookEndpoints)
    .leftJoin(webhookDeliveries, eq(webhookDeliveries.endpointId, webhookEndpoints.id))
    // Deleted endpoints are gone for staff; their rows stay for audit.
    .where(isNull(webhookEndpoints.deletedAt))
    .groupBy(webhookEndpoints.id)
    .orderBy(desc(webhookEndpoints.createdAt));
}
