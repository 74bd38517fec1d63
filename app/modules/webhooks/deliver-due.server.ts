import { and, eq, gt, min } from "drizzle-orm";
import { webhookDeliveries } from "#db/schema/integrations";
import { db } from "~/db.server";
import { now } from "~/utils/clock";
import { claimDue, deliverClaimed } from "./deliver.server";
import { requestDelivery, scheduleDeliveryAt } from "./schedule-delivery.server";

export const BATCH_SIZE = 200;
/**
 * Batches worked side by side in one run: while one records its outcomes, another sends, and a
 * batch held up by a slow endpoint (up to the 10 s timeout) does not stop the other lane.
 */
export const LANES = 2;
/** A run stops claiming after this long and queues its continuation, so it never holds a worker slot for long. */
const RUN_BUDGET_MS = 30_000;

let running = false;
let runAgain = false;

/**
 * The `deliver_webhooks` job. One run per process at a time: a job arriving during a run (a nudge
 * from new deliveries) makes the running one go round again instead of starting a parallel run
 * that would hold more pooled connections (the web requests share that pool) for the same rows.
 * Not a graphile named queue: a worker that crashes holding one leaves it locked for hours.
 * Runs on several servers may overlap safely: claims skip locked rows.
 */
export async function deliverWebhooksJob(): Promise<void> {
  if (running) {
    runAgain = true;
    return;
  }
  running = true;
  try {
    for (;;) {
      runAgain = false;
      // Out of time: the run has already queued its continuation.
      if ((await deliverDueWebhooks()).continued || !runAgain) return;
    }
  } finally {
    running = false;
  }
}

/**
 * One run: sends every due pending delivery in batches (claim, send, record,
 * commit) until none are left, then schedules a wake-up for the earliest future retry.
 */
export async function deliverDueWebhooks(options: { batchSize?: number; lanes?: number; budgetMs?: number } = {}): Promise<{ claimed: number; continued: boolean }> {
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const deadline = Date.now() + (options.budgetMs ?? RUN_BUDGET_MS);
  let total = 0;
  let continued = false;
  const lane = async () => {
    for (;;) {
      if (Date.now() >= deadline) {
        continued = true;
        return;
      }
      const claimed = await db.transaction(async (tx) => {
        const rows = await claimDue(tx, batchSize);
        if (rows.length > 0) await deliverClaimed(tx, rows);
        return rows.length;
      });
      total += claimed;
      // A short batch means nothing else is due (or the rest is locked by another run).
      if (claimed < batchSize) return;
    }
  };
  await Promise.all(Array.from({ length: options.lanes ?? LANES }, lane));
  if (continued) await requestDelivery(db);
  await scheduleNextWakeUp();
  return { claimed: total, continued };
}

/**
 * Each batch wakes the job for its own earliest retry; this covers the rest (a row that is due
 * later than another batch's retries), so every retry runs on time, not at the next cron sweep.
 */
async function scheduleNextWakeUp(): Promise<void> {
  const [next] = await db
    .select({ at: min(webhookDeliveries.nextAttemptAt) })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, "pending"), gt(webhookDeliveries.nextAttemptAt, now())));
  if (next?.at) await scheduleDeliveryAt(db, next.at);
}
