import { Logger, run, type Runner } from "graphile-worker";
import { env } from "~/env.server";
import { trackWorker } from "~/modules/ops/worker-state.server";
import { log } from "~/utils/log.server";
import { autopayCrontab, crontab, expiringCardsCrontab, lateFeeCrontab, reminderCrontab, taskList } from "./tasks.server";

/** Starts the job worker in this process (server.ts does so; it can also run on its own). /readyz follows it. */
export async function startWorker(options: { concurrency?: number } = {}): Promise<Runner> {
  const runner = await run({
    connectionString: env().DATABASE_URL,
    concurrency: options.concurrency ?? 4,
    noHandleSignals: true,
    pollInterval: 1000,
    taskList,
    crontab: env().REMINDER_SCHEDULE === "off" ? crontab : [crontab, reminderCrontab, lateFeeCrontab, autopayCrontab, expiringCardsCrontab].join("\n"),
    logger: quietLogger,
  });
  return trackWorker(runner);
}

// graphile-worker logs every job at info level: that chatter is shown at LOG_LEVEL=debug only.
export const quietLogger = new Logger(() => (level, message) => {
  log(level === "error" ? "error" : level === "warning" ? "warn" : "debug", message, { source: "worker" });
});
