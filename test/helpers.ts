import { runOnce } from "graphile-worker";
import { drizzle } from "drizzle-orm/postgres-js";
import * as schema from "#db/schema/index";
import { seedDemoData } from "#db/seed";
import { sqlClient } from "~/db.server";
import { taskList } from "~/modules/jobs/tasks.server";
import { quietLogger } from "~/modules/jobs/worker.server";

export const TEST_TODAY = "2026-11-24";

/** Seeds the demo data into this file's database, dated as if today were TEST_TODAY. */
export async function seed() {
  await seedDemoData(drizzle(sqlClient(), { schema, casing: "snake_case" }), { today: TEST_TODAY });
}

/** Runs every queued job to completion with the real worker code, as the server would. */
export async function drainJobs() {
  await runOnce({ connectionString: process.env.DATABASE_URL!, taskList, noHandleSignals: true, logger: quietLogger });
}

/** A Request carrying the session cookie from a Set-Cookie header. */
export function requestWithCookie(setCookie: string, url = "http://localhost:3999/invoices"): Request {
  return new Request(url, { headers: { Cookie: setCookie.split(";")[0]! } });
}

/** Factories over this test file's database (see test/factories.ts). */
export async function testData() {
  const { db } = await import("~/db.server");
  const { factories } = await import("./factories");
  return factories(db as unknown as Parameters<typeof factories>[0]);
}
