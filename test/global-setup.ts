import { rmSync } from "node:fs";
import { createServer } from "node:net";
import type { TestProject } from "vitest/node";
import postgres from "postgres";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../db/embedded-postgres";
import { migrateDatabase } from "../db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabaseUrl: string;
  }
}

/**
 * One migrated template database for the whole run (a real PostgreSQL: DATABASE_URL when
 * given, embedded otherwise). Each test file then gets its own copy (setup-database.ts).
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedDatabase | undefined;
  let serverUrl = process.env.DATABASE_URL;
  // Each run gets its own cluster on a free port, so two runs (or a helper's) never collide.
  const dataDir = `.data/test-pg-${process.pid}`;
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: "postgres" });
    serverUrl = embedded.url;
  }
  const templateUrl = withDatabase(serverUrl, "portal_test_template");
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists portal_test_template with (force)`);
  await admin.unsafe(`create database portal_test_template`);
  await admin.end();
  await migrateDatabase(templateUrl);
  project.provide("templateDatabaseUrl", templateUrl);
  return async () => {
    if (embedded) {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
