import { EventEmitter } from "node:events";
import { Logger, run, type Runner, type WorkerEvents } from "graphile-worker";
import { env } from "~/env.server";
import { trackWorker } from "~/modules/ops/worker-state.server";
import { log } from "~/utils/log.server";
import { holdWorkerLiveness } from "./crashed-workers.server";
import { autopayCrontab, crontab, expiringCardsCrontab, lateFeeCrontab, reminderCrontab, taskList } from "./tasks.server";

/** Starts the job worker in this process (server.ts does so; it can also run on its own). /readyz follows it. */
export async function startWorker(options: { concurrency?: number } = {}): Promise<Runner> {
  // Marks this process's workers alive, so that if it dies its jobs are freed in minutes, not hours.
  const events = new EventEmitter() as WorkerEvents;
  const liveness = holdWorkerLiveness(env().DATABASE_URL, events);
  const runner = await run({
    events,
    connectionString: env().DATABASE_URL,
    concurrency: options.concurrency ?? 4,
    noHandleSignals: true,
    pollInterval: 1000,
    taskList,
    crontab: env().REMINDER_SCHEDULE === "off" ? crontab : [crontab, reminderCrontab, lateFeeCrontab, autopayCrontab, expiringCardsCrontab].join("\n"),
    logger: quietLogger,
  }).catch(async (error: unknown) => {
    await liveness.stop();
    throw error;
  });
  void runner.promise.finally(() => liveness.stop()).catch(() => {});
  return trackWorker(runner);
}

// graphile-worker logs every job at info level: that chatter is shown at LOG_LEVEL=debug only.
export const quietLogger = new Logger(() => (level, message) => {
  log(level === "error" ? "error" : level === "warning" ? "warn" : "debug", message, { source: "worker" });
});
