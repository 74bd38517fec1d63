import { sql } from "drizzle-orm";
import type { Executor } from "~/db.server";

/** Job names and their payloads; the worker's task list (tasks.server.ts) handles each. */
export interface JobPayloads {
  send_email: { sealed: string };
  send_sign_in_link: { sealed: string };
  /** Works through recorded Stripe events (stripe_events); keyed, so one waits at most. */
  process_stripe_events: Record<string, never>;
  reconcile_payments: Record<string, never>;
  fan_out_events: Record<string, never>;
  /** Legacy: one delivery per job, as queued before the batch deliverer; still handled. */
  deliver_webhook: { deliveryId: string };
  deliver_webhooks: Record<string, never>;
  run_plan_schedule: Record<string, never>;
  charge_installment: { installmentId: string };
  /** The daily reminder run (keyed: one at a time). */
  run_reminders: Record<string, never>;
  /** The late-fee run (keyed: one at a time; idempotent anyway). */
  post_late_fees: Record<string, never>;
  /** Legacy: one account's reminder of one day, as queued before the batch sender; still handled. */
  send_reminder_email: { accountId: string; runOn: string };
  /** The reminder emails of one batch of the day's run, rendered from its decisions when sent. */
  send_reminder_emails: { runOn: string; accountIds: string[] };
}

/**
 * Adds a graphile-worker job inside the caller's transaction: the job exists if and only if
 * the change that asked for it committed.
 */
export async function enqueueJob<N extends keyof JobPayloads>(
  tx: Executor,
  name: N,
  payload: JobPayloads[N],
  options: { maxAttempts?: number; jobKey?: string; runAt?: Date } = {},
): Promise<void> {
  await tx.execute(sql`select graphile_worker.add_job(
    ${name}::text,
    ${JSON.stringify(payload)}::json,
    max_attempts => ${options.maxAttempts ?? 10}::int,
    job_key => ${options.jobKey ?? null}::text,
    run_at => ${options.runAt ? options.runAt.toISOString() : null}::timestamptz
  )`);
}
