import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { closeDb, createSqlClient } from "~/db.server";
import { env } from "~/env.server";
import { startWorker } from "~/modules/jobs/worker.server";
import { checkReadiness, isDraining, setDraining } from "./readiness.server";

/** A database of this test's own on the test server: `create` runs there, then it is dropped. */
async function ownDatabase<T>(work: (sql: postgres.Sql<Record<string, never>>, url: string) => Promise<T>, options: { template?: string } = {}): Promise<T> {
  const name = `readiness_${randomBytes(5).toString("hex")}`;
  const server = new URL(env().DATABASE_URL);
  server.pathname = "/postgres";
  const admin = postgres(server.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}${options.template ? ` template ${options.template}` : ""}`);
  const url = new URL(env().DATABASE_URL);
  url.pathname = `/${name}`;
  const sql = createSqlClient(url.toString());
  try {
    return await work(sql, url.toString());
  } finally {
    await sql.end({ timeout: 1 });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

const templateName = () => new URL(env().DATABASE_URL).pathname.slice(1);

describe("readiness", () => {
  it("is ready with the database migrated and this process's worker running, and not once the worker stops", async () => {
    const worker = await startWorker({ concurrency: 1 });
    try {
      const ready = await checkReadiness({ runsJobs: true });
      expect(ready.ready).toBe(true);
      expect(ready.checks.database).toMatchObject({ ok: true });
      expect(ready.checks.migrations).toMatchObject({ ok: true, jobQueueSchema: true });
      expect(ready.checks.migrations!.applied).toBe(ready.checks.migrations!.expected);
      expect(ready.checks.worker).toEqual({ ok: true, where: "this process", state: "running" });
    } finally {
      await worker.stop();
    }
    const stopped = await checkReadiness({ runsJobs: true });
    expect(stopped.ready).toBe(false);
    expect(stopped.checks.worker).toEqual({ ok: false, where: "this process", state: "stopped" });
    // A web-only process leaves the jobs to another: its own worker is no concern.
    expect(await checkReadiness({ runsJobs: false })).toMatchObject({ ready: true, checks: { worker: { ok: true, where: "elsewhere" } } });
  });

  it("is not ready when the last migration is missing from the database", async () => {
    // A copy of this file's migrated database (the copy needs no other connection to it).
    await closeDb();
    await ownDatabase(
      async (sql) => {
        expect((await checkReadiness({ runsJobs: false, sql })).ready).toBe(true);
        await sql`delete from drizzle.__drizzle_migrations where created_at = (select max(created_at) from drizzle.__drizzle_migrations)`;
        const readiness = await checkReadiness({ runsJobs: false, sql });
        expect(readiness.ready).toBe(false);
        expect(readiness.checks.database!.ok).toBe(true);
        expect(readiness.checks.migrations).toMatchObject({ ok: false, jobQueueSchema: true });
        expect(readiness.checks.migrations!.applied).toBe(readiness.checks.migrations!.expected - 1);
        expect(readiness.checks.migrations!.error).toMatch(/is not applied/);
      },
      { template: templateName() },
    );
  });

  it("is not ready on a database that was never migrated", async () => {
    await ownDatabase(async (sql) => {
      const readiness = await checkReadiness({ runsJobs: false, sql });
      expect(readiness.ready).toBe(false);
      expect(readiness.checks.migrations).toMatchObject({ ok: false, applied: 0, jobQueueSchema: false });
      expect(readiness.checks.migrations!.error).toMatch(/job queue schema/);
    });
  });

  it("answers within a bounded time, not ready, when the database is unreachable", async () => {
    const unreachable = createSqlClient("postgres://postgres:postgres@127.0.0.1:1/none");
    try {
      const t0 = performance.now();
      const readiness = await checkReadiness({ runsJobs: false, sql: unreachable });
      expect(performance.now() - t0).toBeLessThan(4_000);
      expect(readiness.ready).toBe(false);
      expect(readiness.checks.database!.ok).toBe(false);
      expect(readiness.checks.migrations).toMatchObject({ ok: false, error: "the database did not answer" });
    } finally {
      await unreachable.end({ timeout: 0 });
    }
  });

  it("is not ready while the process drains, whatever the checks say", async () => {
    setDraining();
    try {
      expect(isDraining()).toBe(true);
      expect(await checkReadiness({ runsJobs: false })).toEqual({ ready: false, draining: true, checks: {} });
    } finally {
      setDraining(false);
    }
    expect((await checkReadiness({ runsJobs: false })).ready).toBe(true);
  });
});
