import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "#db/schema/index";
import { env } from "./env.server";

/**
 * Pool settings that keep a database blip short. postgres.js's defaults wait 30 s for a connect
 * and, after failed connects, back off exponentially up to 20 s (shared by the whole pool), so
 * the first request after a 3 s outage waited ~10 s. Here a connect gives up after 3 s and a
 * connection retries within half a second: during an outage requests fail fast (the edge
 * answers 503), and the first request after it succeeds at once.
 */
export const poolOptions = {
  max: 10,
  connect_timeout: 3,
  // Seconds before a closed connection is opened again: 50 ms, 100 ms, … at most 500 ms.
  backoff: (attempts: number) => Math.min(0.05 * 2 ** Math.max(0, attempts - 1), 0.5),
  onnotice: () => {},
} satisfies postgres.Options<Record<string, never>>;

/** A client with the portal's pool settings (the app's own pool, or a test's). */
export function createSqlClient(url: string) {
  return postgres(url, poolOptions);
}

// SQLSTATE 08xxx (connection exception) and 57P01–57P03 (server shutting down or starting up),
// and the socket errors of an unreachable server.
const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_DESTROYED", "CONNECTION_ENDED", "57P01", "57P02", "57P03"]);

/** True when `error` (or its cause, as Drizzle wraps driver errors) says the database could not be reached. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (UNAVAILABLE_CODES.has(code) || code.startsWith("08"))) return true;
  }
  return false;
}

function connect() {
  const client = createSqlClient(env().DATABASE_URL);
  return { client, db: drizzle(client, { schema, casing: "snake_case" }) };
}

type Connection = ReturnType<typeof connect>;
const holder = globalThis as unknown as { __portalDb?: Connection };

// One pool per process. On globalThis only to outlive development rebuilds of the server bundle
// (each evaluates this module afresh; a pool per edit would exhaust the database's connections);
// the bench also installs a recording pool here (bench/capture.ts).
function connection(): Connection {
  holder.__portalDb ??= connect();
  return holder.__portalDb;
}

export type Db = Connection["db"];
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Either the pool or a transaction: domain functions accept both so callers can compose them. */
export type Executor = Db | Tx;

export const db: Db = new Proxy({} as Db, {
  get: (_t, prop) => Reflect.get(connection().db, prop),
});

const preparedByPool = new WeakMap<Db, Map<string, unknown>>();

/**
 * A prepared statement of the current pool, built on first use and kept (ADR kept account
 * totals). drizzle sends every other query unprepared (postgres.js `prepare: false`): parsed and
 * planned on each execution, two round trips. A prepared one is parsed once per connection and,
 * after five executions, may run a generic plan: prepare only queries whose plan does not depend
 * on the values (never an ILIKE search). `name` must be unique per query text (a variant of a
 * query is its own name); behind PgBouncer this needs transaction-mode support (README).
 */
export function prepared<T>(name: string, build: (db: Db) => T): T {
  const pool = connection().db;
  let statements = preparedByPool.get(pool);
  if (!statements) preparedByPool.set(pool, (statements = new Map()));
  let statement = statements.get(name) as T | undefined;
  if (statement === undefined) {
    statement = build(pool);
    statements.set(name, statement);
  }
  return statement;
}

export function sqlClient() {
  return connection().client;
}

export async function closeDb() {
  const c = holder.__portalDb;
  holder.__portalDb = undefined;
  await c?.client.end({ timeout: 5 });
}
