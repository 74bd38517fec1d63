import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, inject } from "vitest";
import { applyTestEnv } from "./test-env";

/**
 * Gives this test file a fresh copy of the migrated template database and points the app's
 * configuration at it, before any app module is imported.
 */
const templateUrl = inject("templateDatabaseUrl");
const name = `portal_test_${randomBytes(6).toString("hex")}`;
const serverUrl = new URL(templateUrl);
serverUrl.pathname = "/postgres";
const admin = postgres(serverUrl.toString(), { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name} template portal_test_template`);

const url = new URL(templateUrl);
url.pathname = `/${name}`;
applyTestEnv(url.toString());

afterAll(async () => {
  const { closeDb } = await import("~/db.server");
  await closeDb();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
});
