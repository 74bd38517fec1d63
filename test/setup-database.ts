import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, afterEach, inject } from "vitest";
import { keptTotalsDrift } from "./kept-totals";
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

// After each test, whatever it wrote (payments, credits, disputes, plans, voids, fees, imports…):
// the kept account totals must still equal a fresh count of the invoices.
// Its own short connection: a test may copy this database, which needs no other connection to it.
afterEach(async () => {
  const check = postgres(url.toString(), { max: 1, onnotice: () => {} });
  const drift = await keptTotalsDrift(check).finally(() => check.end());
  if (drift.length > 0) throw new Error(`account_invoice_totals drifted from the invoices:\n${JSON.stringify(drift, null, 2)}`);
});

afterAll(async () => {
  const { closeDb } = await import("~/db.server");
  await closeDb();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
});
