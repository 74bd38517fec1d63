import { eq, sql } from "drizzle-orm";
import { events, type DomainEvent } from "#db/schema/events";
import { webhookDeliveries, webhookEndpoints } from "#db/schema/integrations";
import { db } from "~/db.server";
import { now } from "~/utils/clock";
import { scheduleDelivery } from "./fan-out.server";
import { maxAttempts, nextAttemptAt, parseRetryAfter, retryAfterStatuses } from "./retry-policy";
import { signedHeaders } from "./signing.server";

export const DELIVERY_TIMEOUT_MS = 10_000;
const USER_AGENT = "EIPP-Webhooks/1.0";

/** The JSON body the back office receives for an event. */
export function webhookBody(event: Pick<DomainEvent, "id" | "type" | "createdAt" | "data" | "accountId" | "subjectType" | "subjectId">): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: event.createdAt.toISOString(),
    data: { ...event.data, accountId: event.accountId, subjectType: event.subjectType, subjectId: event.subjectId },
  });
}

type Outcome = "succeeded" | "retrying" | "failed" | "exhausted" | "skipped" | "not_due" | "not_pending" | "busy";

/**
 * Makes one attempt of a pending delivery and records it. The row stays locked during the
 * request so a replay or a second job cannot send it twice at once. Failures are scheduled by
 * this code (not by graphile's retries) so every attempt lands in the delivery log.
 */
export async function deliverWebhook(deliveryId: string): Promise<{ outcome: Outcome }> {
  return db.transaction(async (tx) => {
    const [delivery] = await tx.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId)).for("update", { skipLocked: true });
    if (!delivery) {
      const [exists] = await tx.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
      return { outcome: exists ? "busy" : "not_pending" };
    }
    if (delivery.status !== "pending") return { outcome: "not_pending" };
    const at = now();
    // A later attempt was scheduled meanwhile (its own job will come).
    if (delivery.nextAttemptAt && delivery.nextAttemptAt.getTime() > at.getTime() + 1000) return { outcome: "not_due" };

    const [endpoint] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, delivery.endpointId));
    const [event] = await tx.select().from(events).where(eq(events.id, delivery.eventId));
    if (!endpoint || !event) return { outcome: "not_pending" };
    if (!endpoint.enabled) {
      await tx.update(webhookDeliveries).set({ status: "skipped", nextAttemptAt: null, lastError: "Endpoint disabled" }).where(eq(webhookDeliveries.id, delivery.id));
      return { outcome: "skipped" };
    }

    const body = webhookBody(event);
    const previousSecret = endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > at ? endpoint.previousSecret : null;
    // webhook-id is the event id: every retry and replay carries it, so consumers dedupe on it.
    const headers = signedHeaders({ id: event.id, body, at, secret: endpoint.secret, previousSecret });

    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    let retryAfter: string | null = null;
    try {
      const res = await fetch(endpoint.url, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json", "user-agent": USER_AGENT },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      statusCode = res.status;
      retryAfter = res.headers.get("retry-after");
      await res.body?.cancel().catch(() => {});
      if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
    } catch (e) {
      error = describeNetworkError(e);
    }
    const latencyMs = Math.round(performance.now() - started);
    const attempt = { at: at.toISOString(), statusCode, latencyMs, error };
    const attemptCount = delivery.attemptCount + 1;
    const base = {
      attemptCount,
      lastStatusCode: statusCode,
      lastError: error,
      attempts: sql`${webhookDeliveries.attempts} || ${JSON.stringify([attempt])}::jsonb`,
    };

    if (statusCode !== null && statusCode >= 200 && statusCode < 300) {
      await tx.update(webhookDeliveries).set({ ...base, status: "succeeded", nextAttemptAt: null, succeededAt: at }).where(eq(webhookDeliveries.id, delivery.id));
      return { outcome: "succeeded" };
    }
    if (statusCode === 410) {
      await tx.update(webhookDeliveries).set({ ...base, status: "failed", nextAttemptAt: null }).where(eq(webhookDeliveries.id, delivery.id));
      await tx
        .update(webhookEndpoints)
        .set({ enabled: false, disabledReason: `The endpoint answered 410 Gone on ${at.toISOString()}.`, updatedAt: at })
        .where(eq(webhookEndpoints.id, endpoint.id));
      return { outcome: "failed" };
    }
    const retryAfterMs = statusCode !== null && retryAfterStatuses.has(statusCode) ? parseRetryAfter(retryAfter, at) : null;
    const next = attemptCount >= maxAttempts ? null : nextAttemptAt(attemptCount, at, retryAfterMs);
    if (!next) {
      await tx.update(webhookDeliveries).set({ ...base, status: "exhausted", nextAttemptAt: null }).where(eq(webhookDeliveries.id, delivery.id));
      return { outcome: "exhausted" };
    }
    await tx.update(webhookDeliveries).set({ ...base, nextAttemptAt: next }).where(eq(webhookDeliveries.id, delivery.id));
    await scheduleDelivery(tx, delivery.id, next);
    return { outcome: "retrying" };
  });
}

function describeNetworkError(e: unknown): string {
  if (e instanceof Error) {
    if (e.name === "TimeoutError" || e.name === "AbortError") return `Timed out after ${DELIVERY_TIMEOUT_MS / 1000} s`;
    const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code) return `Connection error: ${cause.code}`;
    return `Request failed: ${cause?.message ?? e.message}`.slice(0, 300);
  }
  return "Request failed";
}
