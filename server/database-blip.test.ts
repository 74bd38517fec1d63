import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { run, type Runner } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../db/embedded-postgres";
import { createSqlClient, isDatabaseUnavailable } from "~/db.server";
import { quietLogger } from "~/modules/jobs/worker.server";

// A PostgreSQL of its own: this test stops and restarts it, which the shared test cluster
// (other files use it in parallel) must never see.
const dataDir = `.data/test-blip-${process.pid}`;
let port: number;
let pg: EmbeddedDatabase;
let url: string;

beforeAll(async () => {
  port = await freePort();
  pg = await startEmbeddedPostgres({ dataDir, port, database: "blip" });
  url = pg.url;
}, 120_000);
afterAll(async () => {
  await pg?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; ok: boolean; error?: unknown }> {
  const t0 = performance.now();
  try {
    await work();
    return { ms: performance.now() - t0, ok: true };
  } catch (error) {
    return { ms: performance.now() - t0, ok: false, error };
  }
}

describe("a database blip", () => {
  it("fails requests fast during the outage, and the first one after it succeeds at once; the job worker resumes", async () => {
    const sql = createSqlClient(url);
    const ran: string[] = [];
    let worker: Runner | undefined;
    try {
      // Busy before the outage: connections open, as in a running portal.
      await Promise.all(Array.from({ length: 5 }, () => sql`select pg_sleep(0.01)`));
      worker = await run({ connectionString: url, concurrency: 1, pollInterval: 500, noHandleSignals: true, logger: quietLogger, taskList: { note: async (payload) => void ran.push((payload as { n: string }).n) } });
      await worker.addJob("note", { n: "before" });
      await expect.poll(() => ran, { timeout: 5_000 }).toContain("before");

      // Outage of about 2.7 s, with traffic: a query every 100 ms.
      const outageStart = performance.now();
      await pg.stop();
      const during: Array<Awaited<ReturnType<typeof timed>>> = [];
      while (performance.now() - outageStart < 2_700) {
        during.push(await timed(() => sql`select 1`));
        await new Promise((r) => setTimeout(r, 100));
      }
      pg = await startEmbeddedPostgres({ dataDir, port, database: "blip" });

      const after = await timed(() => sql`select 1`);
      console.log(JSON.stringify({ duringMs: during.map((d) => Math.round(d.ms)), afterMs: Math.round(after.ms) }));
      // Every request during the outage failed, each quickly, and as "database unavailable".
      expect(during.length).toBeGreaterThan(5);
      expect(during.every((d) => !d.ok && isDatabaseUnavailable(d.error))).toBe(true);
      expect(Math.max(...during.map((d) => d.ms))).toBeLessThan(1_000);
      // The first request after the database is back succeeds within a second.
      expect(after.ok).toBe(true);
      expect(after.ms).toBeLessThan(1_000);

      // The worker picks up new jobs again without a restart (it polls every pollInterval).
      const added = performance.now();
      await worker.addJob("note", { n: "after" });
      await expect.poll(() => ran, { timeout: 10_000 }).toContain("after");
      console.log(JSON.stringify({ workerResumedMs: Math.round(performance.now() - added) }));
    } finally {
      await worker?.stop();
      await sql.end({ timeout: 1 });
    }
  }, 60_000);

  it("gives up a connect to an unreachable server after a bounded time", async () => {
    // A listening socket that never answers the PostgreSQL handshake, like a blackholed host.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port: silentPort } = silent.address() as { port: number };
    const sql = createSqlClient(`postgres://postgres:postgres@127.0.0.1:${silentPort}/x`);
    try {
      const attempt = await timed(() => sql`select 1`);
      expect(attempt.ok).toBe(false);
      expect(isDatabaseUnavailable(attempt.error)).toBe(true);
      expect(attempt.ms).toBeLessThan(4_000);
    } finally {
      await sql.end({ timeout: 0 });
      silent.close();
    }
  }, 20_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port: p } = server.address() as { port: number };
      server.close(() => resolve(p));
    });
  });
}
