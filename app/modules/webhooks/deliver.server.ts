import pLimit from "p-limit";
import { and, asc, eq, lte, sql } from "drizzle-orm";
import { events, type DomainEvent } from "#db/schema/events";
import { webhookDeliveries, webhookEndpoints, type deliveryStatuses } from "#db/schema/integrations";
import { db, type Executor } from "~/db.server";
import { now } from "~/utils/clock";
import { postWebhook } from "./post-webhook.server";
import { maxAttempts, nextAttemptAt, parseRetryAfter, retryAfterStatuses } from "./retry-policy";
import { scheduleDeliveryAt } from "./schedule-delivery.server";
import { signedHeaders } from "./signing.server";

/**
 * Requests in flight at once per batch (over the job's two lanes, at most 64 to one endpoint, all
 * on kept-alive connections: see post-webhook.server.ts).
 */
export const MAX_IN_FLIGHT = 32;
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

export type Outcome = "succeeded" | "retrying" | "failed" | "exhausted" | "skipped" | "not_due" | "not_pending" | "busy";
type Attempt = { at: string; statusCode: number | null; latencyMs: number; error: string | null };
type Recorded = {
  id: string;
  outcome: Outcome;
  status: (typeof deliveryStatuses)[number];
  nextAttemptAt: Date | null;
  lastError: string | null;
  /** null when nothing was sent (skipped): the log and the counters stay as they were. */
  attempt: Attempt | null;
  succeededAt: Date | null;
};

// A delivery with what is needed to send it, read in the claiming query (no per-row selects).
const claimFields = {
  id: webhookDeliveries.id,
  status: webhookDeliveries.status,
  attemptCount: webhookDeliveries.attemptCount,
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
  endpoint: {
    id: webhookEndpoints.id,
    url: webhookEndpoints.url,
    secret: webhookEndpoints.secret,
    previousSecret: webhookEndpoints.previousSecret,
    previousSecretExpiresAt: webhookEndpoints.previousSecretExpiresAt,
    enabled: webhookEndpoints.enabled,
  },
  event: {
    id: events.id,
    type: events.type,
    createdAt: events.createdAt,
    data: events.data,
    accountId: events.accountId,
    subjectType: events.subjectType,
    subjectId: events.subjectId,
  },
};

function selectClaimable(tx: Executor) {
  return tx
    .select(claimFields)
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .innerJoin(events, eq(events.id, webhookDeliveries.eventId));
}

export type Claimed = Awaited<ReturnType<typeof selectClaimable>>[number];

/**
 * Locks up to `limit` due pending deliveries, oldest due first. SKIP LOCKED lets several runs
 * work side by side on disjoint rows; the locks are held until the caller's transaction records
 * the outcomes, so a replay or another run cannot send the same row twice at once.
 * Served by the partial index webhook_deliveries_due_idx.
 */
export async function claimDue(tx: Executor, limit: number): Promise<Claimed[]> {
  return selectClaimable(tx)
    .where(and(eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, now())))
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(limit)
    .for("update", { of: webhookDeliveries, skipLocked: true });
}

/**
 * Sends the claimed deliveries (at most MAX_IN_FLIGHT at once) and records every outcome with
 * one UPDATE, in the caller's transaction. Failures are scheduled here (not by graphile's
 * retries) so every attempt lands in the delivery log; a job wakes the batch when the earliest
 * retry is due.
 */
export async function deliverClaimed(tx: Executor, rows: Claimed[]): Promise<Recorded[]> {
  // An endpoint that answered 410 in this batch gets nothing more: its other rows are skipped.
  const gone = new Map<string, Date>();
  const results = await pLimit(MAX_IN_FLIGHT).map(rows, async (row) => {
    if (!row.endpoint.enabled || gone.has(row.endpoint.id)) return skipped(row.id);
    const sent = await send(row);
    if (sent.statusCode === 410 && !gone.has(row.endpoint.id)) gone.set(row.endpoint.id, sent.at);
    return decide(row, sent);
  });
  await recordOutcomes(tx, results);
  for (const [endpointId, at] of gone) {
    await tx
      .update(webhookEndpoints)
      .set({ enabled: false, disabledReason: `The endpoint answered 410 Gone on ${at.toISOString()}.`, updatedAt: at })
      .where(eq(webhookEndpoints.id, endpointId));
  }
  const retries = results.flatMap((r) => (r.status === "pending" && r.nextAttemptAt ? [r.nextAttemptAt.getTime()] : []));
  if (retries.length > 0) await scheduleDeliveryAt(tx, new Date(Math.min(...retries)));
  return results;
}

/**
 * Makes one attempt of one delivery now (the legacy per-delivery job, scripts, tests), through the
 * same path as the batch. A delivery whose next attempt is scheduled later is left alone.
 */
export async function deliverWebhook(deliveryId: string): Promise<{ outcome: Outcome }> {
  return db.transaction(async (tx) => {
    const [row] = await selectClaimable(tx).where(eq(webhookDeliveries.id, deliveryId)).for("update", { of: webhookDeliveries, skipLocked: true });
    if (!row) {
      const [exists] = await tx.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
      return { outcome: exists ? "busy" : "not_pending" };
    }
    if (row.status !== "pending") return { outcome: "not_pending" };
    // A later attempt is scheduled: the wake-up job for it will come.
    if (row.nextAttemptAt && row.nextAttemptAt.getTime() > now().getTime() + 1000) return { outcome: "not_due" };
    const [result] = await deliverClaimed(tx, [row]);
    return { outcome: result!.outcome };
  });
}

type Sent = { at: Date; statusCode: number | null; error: string | null; retryAfter: string | null; latencyMs: number };

async function send(row: Claimed): Promise<Sent> {
  const at = now();
  const { endpoint, event } = row;
  const body = webhookBody(event);
  const previousSecret = endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > at ? endpoint.previousSecret : null;
  // webhook-id is the event id: every retry and replay carries it, so consumers dedupe on it.
  const headers = signedHeaders({ id: event.id, body, at, secret: endpoint.secret, previousSecret });
  const started = performance.now();
  const { statusCode, error, retryAfter } = await postWebhook(endpoint.url, { ...headers, "content-type": "application/json", "user-agent": USER_AGENT }, body);
  return { at, statusCode, error, retryAfter, latencyMs: Math.round(performance.now() - started) };
}

/** The retry policy applied to one attempt's result. */
function decide(row: Claimed, sent: Sent): Recorded {
  const { at, statusCode, error } = sent;
  const attempt = { at: at.toISOString(), statusCode, latencyMs: sent.latencyMs, error };
  const base = { id: row.id, attempt, lastError: error, succeededAt: null, nextAttemptAt: null };
  if (statusCode !== null && statusCode >= 200 && statusCode < 300) return { ...base, outcome: "succeeded", status: "succeeded", succeededAt: at };
  if (statusCode === 410) return { ...base, outcome: "failed", status: "failed" };
  const attemptCount = row.attemptCount + 1;
  const retryAfterMs = statusCode !== null && retryAfterStatuses.has(statusCode) ? parseRetryAfter(sent.retryAfter, at) : null;
  const next = attemptCount >= maxAttempts ? null : nextAttemptAt(attemptCount, at, retryAfterMs);
  if (!next) return { ...base, outcome: "exhausted", status: "exhausted" };
  return { ...base, outcome: "retrying", status: "pending", nextAttemptAt: next };
}

function skipped(id: string): Recorded {
  return { id, outcome: "skipped", status: "skipped", nextAttemptAt: null, lastError: "Endpoint disabled", attempt: null, succeededAt: null };
}

/** Every outcome of a batch in one statement (the rows are locked by this transaction). */
async function recordOutcomes(tx: Executor, results: Recorded[]): Promise<void> {
  if (results.length === 0) return;
  const rows = JSON.stringify(results.map((r) => ({ id: r.id, status: r.status, next_attempt_at: r.nextAttemptAt, last_error: r.lastError, attempt: r.attempt, succeeded_at: r.succeededAt })));
  await tx.execute(sql`
    update webhook_deliveries d set
      status = x.status,
      next_attempt_at = x.next_attempt_at,
      last_error = x.last_error,
      attempt_count = d.attempt_count + (x.attempt is not null)::int,
      last_status_code = case when x.attempt is null then d.last_status_code else (x.attempt ->> 'statusCode')::int end,
      attempts = case when x.attempt is null then d.attempts else d.attempts || jsonb_build_array(x.attempt) end,
      succeeded_at = coalesce(x.succeeded_at, d.succeeded_at)
    from jsonb_to_recordset(${rows}::jsonb) as x(id text, status text, next_attempt_at timestamptz, last_error text, attempt jsonb, succeeded_at timestamptz)
    where d.id = x.id`);
}
