import type { Runner } from "graphile-worker";

type WorkerState = "running" | "stopped" | "not started";

let current: { state: WorkerState } = { state: "not started" };

/**
 * Follows this process's job worker for /readyz: running from its start until it is asked to
 * stop or its pool exits on its own (an error), whichever comes first. The latest runner is the
 * one followed (development restarts it on each rebuild).
 */
export function trackWorker(runner: Runner): Runner {
  const tracked: { state: WorkerState } = { state: "running" };
  current = tracked;
  const stopped = () => void (tracked.state = "stopped");
  runner.events.once("stop", stopped);
  runner.promise.then(stopped, stopped);
  return runner;
}

export const workerState = (): WorkerState => current.state;
