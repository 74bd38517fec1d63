import { Logger, run, type Runner } from "graphile-worker";
import { env } from "~/env.server";
import { crontab, taskList } from "./tasks.server";

/** Starts the job worker in this process (server.ts does so; it can also run on its own). */
export async function startWorker(options: { concurrency?: number } = {}): Promise<Runner> {
  return run({
    connectionString: env().DATABASE_URL,
    concurrency: options.concurrency ?? 4,
    noHandleSignals: true,
    pollInterval: 1000,
    taskList,
    crontab,
    logger: quietLogger,
  });
}

// graphile-worker logs every job at info level; keep warnings and errors only.
export const quietLogger = new Logger(() => (level, message) => {
  if (level === "error" || level === "warning") console.error(JSON.stringify({ level, source: "worker", message }));
});
