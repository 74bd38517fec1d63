/**
 * `npm run worker`: the job worker in a process of its own, for servers whose app processes run
 * with RUN_JOBS=false. Same configuration as the app; SIGTERM lets running jobs finish
 * (within SHUTDOWN_TIMEOUT_MS), then exits.
 */
import { handleSignalsHere } from "../db/embedded-postgres";
import { bootstrap } from "./bootstrap";
import { loadBuild, portalOf } from "./load-build";

const boot = await bootstrap();
const portal = portalOf(await loadBuild());
const worker = await portal.startWorker();
console.log(`Job worker running (pid ${process.pid})`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: letting running jobs finish`);
  const deadline = setTimeout(() => {
    console.error(`jobs still running after ${boot.env.SHUTDOWN_TIMEOUT_MS} ms: exiting`);
    process.exit(1);
  }, boot.env.SHUTDOWN_TIMEOUT_MS);
  await worker.stop().catch(() => {});
  await portal.closeDb();
  await boot.stop();
  clearTimeout(deadline);
  process.exit(0);
}
handleSignalsHere(["SIGTERM", "SIGINT"]);
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
