import type { WorkerEvents } from "graphile-worker";
import postgres from "postgres";
import { sqlClient } from "~/db.server";
import { log } from "~/utils/log.server";

/**
 * graphile-worker frees a job whose worker died mid-run (SIGKILL, out of memory, a lost server)
 * only after four hours; until then an email, a Stripe event or a webhook delivery waits. Each
 * job-running process therefore marks its workers alive: one session advisory lock per worker id,
 * held on a connection of its own, which PostgreSQL releases the moment that process's connection
 * drops. The sweep (job `unlock_crashed_workers`, every minute) tries each lock of a worker that
 * has held a job for a while: a lock it can take belongs to a process that is gone, and that
 * worker's jobs are unlocked for a live worker to run again (jobs are at-least-once already).
 */
const LIVENESS_LOCKS = 724002;
/** A worker must have held its job this long before the sweep looks: its lock is certainly taken by then. */
const SWEEP_AFTER = "2 minutes";

export interface WorkerLiveness {
  stop: () => Promise<void>;
}

/** Holds the liveness lock of every worker pool the runner creates; pass `events` to graphile-worker's `run`. */
export function holdWorkerLiveness(url: string, events: WorkerEvents): WorkerLiveness {
  const workerIds = new Set<string>();
  let stopped = false;
  const sql = postgres(url, {
    max: 1,
    // One connection for the process's life: a recycled connection would drop the locks.
    max_lifetime: 0,
    idle_timeout: 0,
    onnotice: () => {},
    connection: { application_name: "eipp job worker liveness" },
    // A connection lost (a database blip) lost its locks: take them again on a new one.
    onclose: () => {
      if (!stopped) void relockAll();
    },
  });
  const lock = (id: string) => sql`select pg_advisory_lock(${LIVENESS_LOCKS}, hashtext(${id}))`;
  async function relockAll() {
    for (let attempt = 0; !stopped; attempt++) {
      try {
        for (const id of workerIds) await lock(id);
        return;
      } catch (error) {
        if (attempt === 0) log("warn", "job worker liveness locks lost: retaking them", { error: String(error) });
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }
  // graphile-worker 0.17 locks jobs in the name of the worker pool (`pool-…`), not of each worker.
  events.on("pool:create", ({ workerPool }) => {
    workerIds.add(workerPool.id);
    lock(workerPool.id).catch(() => void relockAll());
  });
  return {
    stop: async () => {
      stopped = true;
      await sql.end({ timeout: 2 });
    },
  };
}

/** Unlocks the jobs of workers whose process is gone; returns their ids. */
export async function unlockCrashedWorkers(): Promise<string[]> {
  const sql = sqlClient();
  const holders = await sql<{ lockedBy: string }[]>`
    select distinct locked_by as "lockedBy" from graphile_worker._private_jobs
    where locked_by is not null and locked_at < now() - ${SWEEP_AFTER}::interval
    union
    select distinct locked_by from graphile_worker._private_job_queues
    where locked_by is not null and locked_at < now() - ${SWEEP_AFTER}::interval`;
  const crashed: string[] = [];
  for (const { lockedBy } of holders) {
    await sql.begin(async (tx) => {
      // Released at commit: the sweep holds a dead worker's lock only while it unlocks its jobs.
      const [row] = await tx<{ free: boolean }[]>`select pg_try_advisory_xact_lock(${LIVENESS_LOCKS}, hashtext(${lockedBy})) as free`;
      if (!row?.free) return;
      await tx`select graphile_worker.force_unlock_workers(array[${lockedBy}]::text[])`;
      crashed.push(lockedBy);
    });
  }
  if (crashed.length > 0) log("warn", "unlocked the jobs of job workers that are gone", { workers: crashed });
  return crashed;
}
