import pLimit from "p-limit";
import type { SystemActor } from "~/modules/auth/actor";
import { sql } from "drizzle-orm";
import { stripeEvents } from "#db/schema/payments";
import { db } from "~/db.server";
import { enqueueJob } from "~/modules/jobs/enqueue.server";
import { coalesce } from "~/utils/coalesce";
import { resolveTargets, syncTarget, type RecordedStripeEvent, type SyncTarget } from "./process-stripe-event.server";
import { log } from "~/utils/log.server";

/** One queued drain at most: the job key makes every nudge update the same waiting job. */
export const DRAIN_JOB_KEY = "process_stripe_events";
/** Attempts per event before the drain gives up on it (about 4 hours of backoff in all). */
export const MAX_EVENT_ATTEMPTS = 10;
const BATCH = 100;
// Stripe calls at once: the pool (10 connections) also serves the web requests.
const CONCURRENCY = 4;
// A batch stops starting new work after this long, so its transaction (and the row locks that
// keep other drains off its events) stays short even when Stripe is slow.
const BATCH_BUDGET_MS = 30_000;
// Under a steady stream, the pause before claiming again (batches of a few dozen, not of one).
const GATHER_MS = 25;
// A run yields its worker slot after this long; a fresh job carries on.
const RUN_BUDGET_MS = 20_000;

export interface DrainResult {
  processed: number;
  failed: number;
}

let draining = false;
let lookAgain = false;

/**
 * The `process_stripe_events` job: works through recorded Stripe events that are due, in
 * batches, until none is left. Each event's payment (refund, plan setup) is re-read from Stripe
 * once per batch however many events name it. A failed event is retried with backoff (1 min,
 * doubling, at most 1 h) without holding up the others, and given up after MAX_EVENT_ATTEMPTS;
 * the reconciliation job still repairs its payment.
 */
export async function drainStripeEvents(actor: SystemActor, options: { signal?: AbortSignal } = {}): Promise<DrainResult> {
  // One drain per process: a second job arriving meanwhile asks the running one to look again
  // before it stops, instead of taking a worker slot and pool connections for the same rows.
  if (draining) {
    lookAgain = true;
    return { processed: 0, failed: 0 };
  }
  draining = true;
  let run: { total: DrainResult; unfinished: boolean };
  try {
    run = await drainUntilEmpty(actor, options.signal);
  } finally {
    // On an error, graphile-worker retries this job in seconds (and the sweep runs each minute).
    draining = false;
  }
  // Stopped early (time budget, shutdown): a fresh job carries on, here or on another server.
  if (run.unfinished) await requestStripeEventDrain();
  return run.total;
}

async function drainUntilEmpty(actor: SystemActor, signal: AbortSignal | undefined): Promise<{ total: DrainResult; unfinished: boolean }> {
  const started = Date.now();
  const total: DrainResult = { processed: 0, failed: 0 };
  for (;;) {
    // Reset before each claim: a wake-up from now on means an event the claim may not see.
    lookAgain = false;
    const batch = await drainBatch(actor);
    total.processed += batch.processed;
    total.failed += batch.failed;
    if (batch.claimed === 0 && !lookAgain) return { total, unfinished: false };
    if (Date.now() - started > RUN_BUDGET_MS || signal?.aborted) return { total, unfinished: true };
    // Deliveries keep arriving: let a few more gather, so each claim's round trips serve more.
    if (batch.claimed < BATCH && lookAgain) await new Promise((r) => setTimeout(r, GATHER_MS));
  }
}

/**
 * Claims one batch of due events and processes it in the same transaction: the row locks keep
 * other drains (other app servers) off these events, and a crash releases them at once for
 * the next run (the once-a-minute sweep at the latest).
 */
async function drainBatch(actor: SystemActor): Promise<DrainResult & { claimed: number }> {
  return db.transaction(async (tx) => {
    const claimed = await tx
      .select({ id: stripeEvents.id, type: stripeEvents.type, objectId: stripeEvents.objectId, paymentId: stripeEvents.paymentId, refundId: stripeEvents.refundId })
      .from(stripeEvents)
      .where(sql`${stripeEvents.processedAt} is null and ${stripeEvents.failedAt} is null and ${stripeEvents.nextAttemptAt} <= now()`)
      .orderBy(stripeEvents.nextAttemptAt)
      .limit(BATCH)
      .for("update", { skipLocked: true });
    if (claimed.length === 0) return { claimed: 0, processed: 0, failed: 0 };

    const outcome = await processBatch(actor, claimed);
    if (outcome.done.length) {
      await tx
        .update(stripeEvents)
        .set({ processedAt: sql`now()`, attempts: sql`${stripeEvents.attempts} + 1`, lastError: null })
        .where(sql`${stripeEvents.id} in ${outcome.done}`);
    }
    if (outcome.failed.length) {
      await tx.execute(sql`
        update stripe_events e
        set attempts = e.attempts + 1,
            last_error = f.error,
            next_attempt_at = now() + least(60 * power(2, e.attempts), 3600) * interval '1 second',
            failed_at = case when e.attempts + 1 >= ${MAX_EVENT_ATTEMPTS} then now() end
        from jsonb_to_recordset(${JSON.stringify(outcome.failed)}::jsonb) as f(id text, error text)
        where e.id = f.id`);
    }
    // Events left unstarted (batch budget spent) stay as they were and are claimed again.
    return { claimed: claimed.length, processed: outcome.done.length, failed: outcome.failed.length };
  });
}

async function processBatch(actor: SystemActor, events: RecordedStripeEvent[]): Promise<{ done: string[]; failed: Array<{ id: string; error: string }> }> {
  const targets = await resolveTargets(events);
  const done: string[] = [];
  const failed: Array<{ id: string; error: string }> = [];
  // Several events for one payment need one re-read of Stripe's current state, not several.
  const groups = new Map<string, { target: SyncTarget; eventIds: string[] }>();
  for (const event of events) {
    const target = targets.get(event.id);
    if (!target) {
      done.push(event.id); // nothing of ours: recorded, nothing to do
      continue;
    }
    const key = `${target.kind}:${target.id}`;
    const group = groups.get(key) ?? { target, eventIds: [] };
    group.eventIds.push(event.id);
    groups.set(key, group);
  }

  const deadline = Date.now() + BATCH_BUDGET_MS;
  await pLimit(CONCURRENCY).map([...groups.values()], async (group) => {
    // Past the budget: left unstarted, so claimed again by the next batch.
    if (Date.now() >= deadline) return;
    try {
      await syncTarget(actor, group.target);
      done.push(...group.eventIds);
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
      log("error", "stripe event processing failed", { target: group.target, events: group.eventIds, error: message });
      failed.push(...group.eventIds.map((id) => ({ id, error: message })));
    }
  });
  return { done, failed };
}

const addDrainJob = coalesce(() => enqueueJob(db, "process_stripe_events", {}, { jobKey: DRAIN_JOB_KEY, maxAttempts: 5 }));

/**
 * Wakes the drain so that it sees every event recorded before the call. When this process is
 * draining right now, a flag is enough: the drain looks again before it stops (the check and
 * the stop happen in one synchronous step). Otherwise it adds the keyed job — coalesced in this
 * process, because each add_job with the key updates one row and concurrent callers would queue
 * on its lock: one add_job in flight at most, callers arriving meanwhile share the next one.
 */
export function requestStripeEventDrain(): Promise<void> {
  if (draining) {
    lookAgain = true;
    return Promise.resolve();
  }
  return addDrainJob();
}
