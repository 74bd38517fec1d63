import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "#db/schema/index";
import { env } from "./env.server";

function connect() {
  const client = postgres(env().DATABASE_URL, { max: 10, onnotice: () => {} });
  return { client, db: drizzle(client, { schema, casing: "snake_case" }) };
}

type Connection = ReturnType<typeof connect>;
const holder = globalThis as unknown as { __portalDb?: Connection };

// One pool per process, kept across dev rebuilds of the server bundle.
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

export function sqlClient() {
  return connection().client;
}

export async function closeDb() {
  const c = holder.__portalDb;
  holder.__portalDb = undefined;
  await c?.client.end({ timeout: 5 });
}
