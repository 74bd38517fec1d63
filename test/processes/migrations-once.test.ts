/**
 * Two app servers deployed at once against an empty database: both come up, and the schema is
 * migrated exactly once (db/migrate.ts holds an advisory lock while migrating).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { freePort, root, startPortal, startStack, untilHealthy, type Stack } from "./harness";

let stack: Stack | undefined;
afterAll(async () => {
  await stack?.stop();
});

it("two processes starting at the same moment on an empty database both come up, and every migration is applied once", { timeout: 120_000 }, async () => {
  stack = await startStack();
  const [portA, portB] = [await freePort(), await freePort()];
  const a = startPortal("A", portA, stack.env);
  const b = startPortal("B", portB, stack.env);
  stack.processes.push(a, b);
  await Promise.all([untilHealthy(a), untilHealthy(b)]);

  const journal = JSON.parse(readFileSync(path.join(root, "db/migrations/meta/_journal.json"), "utf8")) as { entries: Array<{ tag: string }> };
  const applied = await stack.db.sql<{ hash: string; n: number }[]>`select hash, count(*)::int as n from drizzle.__drizzle_migrations group by hash`;
  expect(applied.filter((m) => m.n > 1)).toEqual([]);
  expect(applied).toHaveLength(journal.entries.length);
  const worker = await stack.db.sql<{ id: number; n: number }[]>`select id, count(*)::int as n from graphile_worker.migrations group by id`;
  expect(worker.length).toBeGreaterThan(0);
  expect(worker.filter((m) => m.n > 1)).toEqual([]);

  // Both serve the same schema: a page that reads the database answers on each.
  for (const p of [a, b]) expect((await fetch(`${p.url}/login`)).status).toBe(200);
  expect(a.errors()).toEqual([]);
  expect(b.errors()).toEqual([]);
});
