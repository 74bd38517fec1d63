import type { Executor } from "~/db.server";
import { enqueueJob } from "~/modules/jobs/enqueue.server";

/** The one batch job that sends every due delivery (see deliver-due.server.ts). */
export const DELIVER_JOB_KEY = "deliver_webhooks";
const NUDGE_ATTEMPTS = 5;

/**
 * Asks the worker to send due deliveries now. The job key keeps one queued run at most however
 * many callers nudge; a nudge while a run is in progress queues one more run after it, so rows
 * committed after that run's last claim are not left waiting for the cron sweep.
 */
export async function requestDelivery(tx: Executor): Promise<void> {
  await enqueueJob(tx, "deliver_webhooks", {}, { jobKey: DELIVER_JOB_KEY, maxAttempts: NUDGE_ATTEMPTS });
}

/**
 * Wakes the batch job when a retry becomes due. One key per second: retries scheduled for the same
 * second share one job, and a wake-up never moves another one (unlike a single key with run_at).
 * run_at is rounded up so the rows are due when the job runs.
 */
export async function scheduleDeliveryAt(tx: Executor, at: Date): Promise<void> {
  const runAt = new Date(Math.ceil(at.getTime() / 1000) * 1000);
  await enqueueJob(tx, "deliver_webhooks", {}, { jobKey: wakeUpKey(runAt), maxAttempts: NUDGE_ATTEMPTS, runAt });
}

export function wakeUpKey(runAt: Date): string {
  return `${DELIVER_JOB_KEY}@${new Date(Math.ceil(runAt.getTime() / 1000) * 1000).toISOString()}`;
}
