import type { IncomingMessage, ServerResponse } from "node:http";
import { migrations as workerMigrations } from "graphile-worker/dist/generated/sql.js";
import type postgres from "postgres";
import journal from "#db/migrations/meta/_journal.json";
import { sqlClient } from "~/db.server";
import { within } from "~/utils/within";
import { labelRoute } from "./http-metrics.server";
import { workerState } from "./worker-state.server";

/** A probe's checks each get this long: a load balancer must get an answer, not a hung request. */
const CHECK_TIMEOUT_MS = 2000;

// What this build expects: drizzle-kit's journal (bundled into the build, so it is the list this
// code was written against) and the job queue schema revision of the graphile-worker installed.
const lastMigration = journal.entries.at(-1)!;
const expectedWorkerRevision = Math.max(...Object.keys(workerMigrations).map((file) => Number.parseInt(file, 10)));

export interface Readiness {
  ready: boolean;
  /** Set while the process shuts down: the load balancer must stop sending it requests. */
  draining?: true;
  checks: {
    database?: { ok: boolean; ms?: number; error?: string };
    migrations?: { ok: boolean; applied: number; expected: number; jobQueueSchema?: boolean; error?: string };
    worker?: { ok: boolean; where: "this process" | "elsewhere"; state?: string };
  };
}

let draining = false;

/** Called by the shutdown (SIGTERM): from then on /readyz answers 503, whatever the checks say. */
export function setDraining(value = true) {
  draining = value;
}
export const isDraining = () => draining;

type Sql = postgres.Sql<Record<string, never>>;

const bounded = <T>(work: Promise<T>) => within(work, CHECK_TIMEOUT_MS);

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Whether this process should get traffic: the database answers, it holds every migration this
 * build ships (drizzle's rule: applied when the last recorded `created_at` is at least the
 * journal's last `when`) and the job queue's schema, and the job worker runs here (or, when
 * `runsJobs` is false, is some other process's business).
 */
export async function checkReadiness(options: { runsJobs: boolean; sql?: Sql }): Promise<Readiness> {
  if (draining) return { ready: false, draining: true, checks: {} };
  const sql = options.sql ?? sqlClient();
  const checks: Readiness["checks"] = {};
  const expected = journal.entries.length;

  const started = performance.now();
  try {
    await bounded(sql`select 1`);
    checks.database = { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    checks.database = { ok: false, ms: Math.round(performance.now() - started), error: message(error) };
  }

  if (checks.database.ok) {
    try {
      checks.migrations = await bounded(migrationState(sql, expected));
    } catch (error) {
      checks.migrations = { ok: false, applied: 0, expected, error: message(error) };
    }
  } else checks.migrations = { ok: false, applied: 0, expected, error: "the database did not answer" };

  if (!options.runsJobs) checks.worker = { ok: true, where: "elsewhere" };
  else {
    const state = workerState();
    checks.worker = { ok: state === "running", where: "this process", state };
  }

  return { ready: checks.database.ok && checks.migrations.ok && checks.worker.ok, checks };
}

async function migrationState(sql: Sql, expected: number): Promise<NonNullable<Readiness["checks"]["migrations"]>> {
  const [tables] = await sql<Array<{ drizzle: boolean; worker: boolean }>>`
    select to_regclass('drizzle.__drizzle_migrations') is not null as drizzle,
           to_regclass('graphile_worker.migrations') is not null as worker`;
  let applied = 0;
  let current = false;
  if (tables!.drizzle) {
    const [row] = await sql<Array<{ applied: number; last: string | null }>>`
      select count(*)::int as applied, max(created_at)::text as last from drizzle.__drizzle_migrations`;
    applied = row!.applied;
    current = row!.last !== null && Number(row!.last) >= lastMigration.when;
  }
  let jobQueueSchema = false;
  if (tables!.worker) {
    const [row] = await sql<Array<{ revision: number | null }>>`select max(id)::int as revision from graphile_worker.migrations`;
    jobQueueSchema = (row!.revision ?? 0) >= expectedWorkerRevision;
  }
  const ok = current && jobQueueSchema;
  const error = ok
    ? undefined
    : [!current && `migration ${lastMigration.tag} is not applied`, !jobQueueSchema && `the job queue schema is not at revision ${expectedWorkerRevision}`].filter(Boolean).join("; ");
  return { ok, applied, expected, jobQueueSchema, ...(error ? { error } : {}) };
}

/** GET /healthz: the process is alive and the database answers `select 1` (bounded); plain text, never cached. */
export async function answerHealth(_req: IncomingMessage, res: ServerResponse) {
  labelRoute(res, "healthz");
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  try {
    await bounded(sqlClient()`select 1`);
    res.end("ok");
  } catch {
    res.statusCode = 503;
    res.end("database unavailable");
  }
}

/** GET /readyz: 200 when ready, 503 otherwise, the checks as JSON; never cached. */
export async function answerReadiness(_req: IncomingMessage, res: ServerResponse, options: { runsJobs: boolean }) {
  labelRoute(res, "readyz");
  // Every check catches its own failure; this only keeps an unforeseen one from escaping the request.
  const readiness = await checkReadiness(options).catch((error: unknown): Readiness => ({ ready: false, checks: { database: { ok: false, error: message(error) } } }));
  res.statusCode = readiness.ready ? 200 : 503;
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.end(JSON.stringify(readiness));
}
