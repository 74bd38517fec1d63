/**
 * `npm start`: the production process tree on one server. This primary resolves and validates the
 * configuration, migrates the database once, then runs WEB_CONCURRENCY app processes (server.ts)
 * that share PORT; the first of them also runs the job worker (unless RUN_JOBS=false: then
 * `npm run worker` runs the jobs in a process of their own). The primary serves nothing itself.
 *
 * - An app process that dies (a crash, an OOM kill) is replaced, with a growing delay if it keeps
 *   dying at start.
 * - SIGHUP: rolling restart. Each app process in turn is replaced by a fresh one (which loads the
 *   build on disk now): the new one listens before the old one is asked to drain, so no request
 *   finds the port closed.
 * - SIGTERM / SIGINT: every app process drains (server.ts's graceful shutdown), then the primary exits.
 *
 * See docs/decisions (process model) and the README's production guide.
 */
import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AggregatorRegistry } from "prom-client";
import { handleSignalsHere } from "../db/embedded-postgres";
import { bootstrap } from "./bootstrap";
import { CLUSTER_METRICS, type ClusterMetricsReply, type ClusterMetricsRequest } from "./cluster-metrics";

const say = (line: string) => console.log(`[primary ${process.pid}] ${line}`);

const boot = await bootstrap();
const { env } = boot;
const size = env.WEB_CONCURRENCY ?? availableParallelism();
// The app processes drain within SHUTDOWN_TIMEOUT_MS; the primary waits a little longer before it
// kills one that did not exit.
const drainDeadlineMs = env.SHUTDOWN_TIMEOUT_MS + 5_000;

cluster.setupPrimary({ exec: path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "server.ts") });

interface Slot {
  index: number;
  worker: Worker;
  startedAt: number;
  /** Exits within a minute of starting, in a row: the restart delay grows with them. */
  quickExits: number;
}
const slots: Slot[] = [];
/** Processes being replaced or stopped on purpose: their exit is not a crash. */
const retiring = new Set<Worker>();
let stopping = false;

function fork(index: number): Worker {
  return cluster.fork({
    // Configuration is resolved once, here (bootstrap wrote it into process.env, which fork passes on).
    PORTAL_PROCESS: String(index + 1),
    RUN_JOBS: index === 0 ? env.RUN_JOBS : "false",
    // Seeded (if asked) by bootstrap above: app processes must not race to seed again.
    SEED_DEMO_DATA: "false",
  });
}

/** Resolves when the process listens; rejects if it exits first. */
function listening(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null) => reject(new Error(`exited (${signal ?? code}) before it listened`));
    worker.once("listening", () => {
      worker.off("exit", onExit);
      resolve();
    });
    worker.once("exit", onExit);
  });
}

/** How a process ended: its exit code, or the signal that ended it. */
function exited(worker: Worker): Promise<string> {
  const how = (code: number | null, signal: string | null) => signal ?? `code ${code}`;
  if (worker.isDead()) return Promise.resolve(how(worker.process.exitCode, worker.process.signalCode));
  return new Promise((resolve) => worker.once("exit", (code, signal) => resolve(how(code, signal))));
}

/**
 * Asks a process to drain; kills it if it has not exited by the deadline. Resolves with how it
 * ended: "code 0" after a drain, "SIGTERM" for one stopped while still starting (before it
 * handles the signal: nothing in flight), anything else is a failed drain.
 */
async function drain(worker: Worker): Promise<string> {
  retiring.add(worker);
  worker.process.kill("SIGTERM");
  const timer = setTimeout(() => {
    say(`app process ${worker.process.pid} did not exit within ${drainDeadlineMs} ms: killing it`);
    worker.process.kill("SIGKILL");
  }, drainDeadlineMs);
  const code = await exited(worker);
  clearTimeout(timer);
  return code;
}

function start(index: number, quickExits = 0) {
  const worker = fork(index);
  slots[index] = { index, worker, startedAt: Date.now(), quickExits };
}

cluster.on("exit", (worker, code, signal) => {
  if (retiring.delete(worker) || stopping) return;
  const slot = slots.find((s) => s.worker === worker);
  if (!slot) return;
  const quick = Date.now() - slot.startedAt < 60_000;
  const quickExits = quick ? slot.quickExits + 1 : 0;
  const delayMs = quickExits === 0 ? 0 : Math.min(30_000, 500 * 2 ** (quickExits - 1));
  say(`app process ${worker.process.pid} exited (${signal ?? `code ${code}`}): starting another${delayMs ? ` in ${delayMs} ms` : ""}`);
  setTimeout(() => {
    if (!stopping && slots[slot.index]?.worker === worker) start(slot.index, quickExits);
  }, delayMs).unref();
});

let restarting: Promise<void> | null = null;
async function rollingRestart() {
  say(`rolling restart of ${slots.length} app process(es)`);
  for (const slot of slots) {
    if (stopping) return;
    const old = slot.worker;
    const next = fork(slot.index);
    try {
      await listening(next);
    } catch (error) {
      // The new release does not start: keep the old processes serving.
      say(`the new app process ${error instanceof Error ? error.message : String(error)}: rolling restart stopped, the old processes keep serving`);
      return;
    }
    slots[slot.index] = { index: slot.index, worker: next, startedAt: Date.now(), quickExits: 0 };
    const how = await drain(old);
    say(`app process ${old.process.pid} replaced by ${next.process.pid} (old exited with ${how})`);
  }
  say("rolling restart done");
}

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  say(`${signal}: draining ${slots.length} app process(es)`);
  const endings = await Promise.all(slots.map((s) => drain(s.worker)));
  await boot.stop();
  const clean = endings.every((how) => how === "code 0" || how === "SIGTERM");
  say(clean ? "every app process drained: exiting" : `app processes ended with ${endings.join(", ")}`);
  process.exit(clean ? 0 : 1);
}

// Metrics of every app process, summed (histograms, counters) or taken once (the database
// gauges carry their own aggregator): the app process that answers /metrics asks here.
const aggregator = new AggregatorRegistry();
cluster.on("message", (worker, message: ClusterMetricsRequest) => {
  if (message?.type !== CLUSTER_METRICS) return;
  const reply = (r: Omit<ClusterMetricsReply, "type" | "id">) => worker.isConnected() && worker.send({ type: CLUSTER_METRICS, id: message.id, ...r } satisfies ClusterMetricsReply);
  aggregator.clusterMetrics().then(
    (text) => reply({ text, contentType: aggregator.contentType }),
    (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
  );
});

process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
handleSignalsHere(["SIGTERM", "SIGINT", "SIGHUP"]);
process.on("SIGHUP", () => {
  if (stopping) return;
  restarting ??= rollingRestart().finally(() => (restarting = null));
});

for (let i = 0; i < size; i++) start(i);
await Promise.all(slots.map((s) => listening(s.worker).catch(() => {})));
say(`${size} app process(es) on port ${env.PORT}, jobs in ${env.RUN_JOBS === "true" ? "the first" : "none (RUN_JOBS=false: run npm run worker)"}; SIGHUP restarts them one by one, SIGTERM stops them`);
for (const note of boot.notes) say(note);
