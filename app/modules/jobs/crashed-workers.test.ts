import { EventEmitter } from "node:events";
import { run, type Runner, type WorkerEvents } from "graphile-worker";
import { afterEach, describe, expect, it } from "vitest";
import { sqlClient } from "~/db.server";
import { env } from "~/env.server";
import { holdWorkerLiveness, unlockCrashedWorkers, type WorkerLiveness } from "./crashed-workers.server";
import { quietLogger } from "./worker.server";

// A job-running process: a graphile-worker runner whose one task blocks until released, and the
// liveness locks of its workers. "Dying" = its liveness connection drops, as when the process is killed.
const started: Array<{ runner: Runner; liveness: WorkerLiveness; release: () => void }> = [];
async function jobProcess() {
  let release!: () => void;
  const blocked = new Promise<void>((r) => (release = r));
  const events = new EventEmitter() as WorkerEvents;
  const liveness = holdWorkerLiveness(env().DATABASE_URL, events);
  const runner = await run({ connectionString: env().DATABASE_URL, concurrency: 1, pollInterval: 200, noHandleSignals: true, logger: quietLogger, events, taskList: { hold: () => blocked } });
  started.push({ runner, liveness, release });
  return { runner, liveness, release };
}
afterEach(async () => {
  for (const p of started.splice(0)) {
    p.release();
    await p.runner.stop();
    await p.liveness.stop();
  }
});

const sql = () => sqlClient();
async function lockedJob(runner: Runner) {
  const job = await runner.addJob("hold", {});
  await expect.poll(async () => (await sql()`select locked_by from graphile_worker._private_jobs where id = ${job.id}`)[0]?.locked_by, { timeout: 10_000 }).toBeTruthy();
  return job.id;
}
const lockOf = async (id: string) => (await sql()<{ lockedBy: string | null }[]>`select locked_by as "lockedBy" from graphile_worker._private_jobs where id = ${id}`)[0]!.lockedBy;
const heldFor = (id: string, minutes: number) => sql()`update graphile_worker._private_jobs set locked_at = now() - make_interval(mins => ${minutes}) where id = ${id}`;

describe("jobs of a worker whose process died", () => {
  it("are unlocked by the sweep once held two minutes, and a live worker's job is never touched", async () => {
    const live = await jobProcess();
    const dying = await jobProcess();
    const liveJob = await lockedJob(live.runner);
    const dyingJob = await lockedJob(dying.runner);
    const deadWorker = await lockOf(dyingJob);
    expect(deadWorker).not.toBe(await lockOf(liveJob));

    // Both held for 3 minutes, both alive: nothing is unlocked.
    await heldFor(liveJob, 3);
    await heldFor(dyingJob, 3);
    expect(await unlockCrashedWorkers()).toEqual([]);

    // The second process dies: its connection, and with it its liveness lock, is gone.
    await dying.liveness.stop();
    expect(await unlockCrashedWorkers()).toEqual([deadWorker]);
    expect(await lockOf(dyingJob)).toBeNull();
    expect(await lockOf(liveJob)).not.toBeNull();
  });

  it("waits two minutes before looking at a job (a worker that just started may not hold its lock yet)", async () => {
    const dying = await jobProcess();
    const job = await lockedJob(dying.runner);
    await dying.liveness.stop();
    await heldFor(job, 1);
    expect(await unlockCrashedWorkers()).toEqual([]);
    expect(await lockOf(job)).not.toBeNull();
  });

  it("an unlocked job runs again on a live worker", async () => {
    const dying = await jobProcess();
    const job = await lockedJob(dying.runner);
    const deadWorker = await lockOf(job);
    // Its connection gone; its runner (busy with the job, one at a time) takes nothing new.
    await dying.liveness.stop();
    await heldFor(job, 3);
    expect(await unlockCrashedWorkers()).toEqual([deadWorker]);
    await jobProcess();
    await expect.poll(() => lockOf(job), { timeout: 10_000 }).toMatch(/^pool-/);
    expect(await lockOf(job)).not.toBe(deadWorker);
  });
});
