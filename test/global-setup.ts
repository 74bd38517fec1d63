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
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: ".data/test-pg", port: 54349, database: "postgres" });
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
    await embedded?.stop();
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
