import { spawn } from "node:child_process";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog } from "#db/schema/audit";
import { apiKeys } from "#db/schema/integrations";
import { db } from "~/db.server";
import { API_KEY_PATTERN } from "~/modules/api/api-key-format";
import { authenticateApiKey } from "~/modules/api/authenticate-api-key.server";

/** Runs `npm run cli` as an operator would, against this test file's database (DATABASE_URL). */
function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["tsx", "server/cli.ts", ...args], { env: process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const feedRequest = (key: string) => new Request("http://localhost:3999/api/v1/events", { headers: { Authorization: `Bearer ${key}` } });

describe("npm run cli -- api-key", () => {
  it("creates a key printed once alone on stdout, which authenticates until it is revoked", async () => {
    const created = await cli("api-key", "create", "--name", "ERP sync", "--scopes", "events:read,invoices:write");
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(API_KEY_PATTERN);
    expect(created.stdout).toBe(`${key}\n`);
    expect(created.stderr).toContain('Created API key "ERP sync"');
    expect(created.stderr).not.toContain(key);

    const actor = await authenticateApiKey(feedRequest(key), "events:read");
    expect(actor).toMatchObject({ kind: "api_key", name: "ERP sync", scopes: ["events:read", "invoices:write"] });
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, actor.keyId));
    expect(row).toMatchObject({ name: "ERP sync", createdByUserId: null, revokedAt: null });
    await expect(authenticateApiKey(feedRequest(key), "customers:write")).rejects.toMatchObject({ status: 403 });

    const revoked = await cli("api-key", "revoke", row!.prefix);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toBe("");
    await expect(authenticateApiKey(feedRequest(key), "events:read")).rejects.toMatchObject({ status: 401 });

    const audits = await db.select().from(auditLog).where(eq(auditLog.subjectId, row!.id));
    expect(audits.map((a) => [a.action, a.actorType, a.actorUserId])).toEqual([
      ["api_key.created", "cli", null],
      ["api_key.revoked", "cli", null],
    ]);
    expect(audits[0]!.data).toMatchObject({ name: "ERP sync", operator: expect.stringContaining("@") });

    const again = await cli("api-key", "revoke", row!.prefix);
    expect(again).toMatchObject({ code: 1, stdout: "" });
    expect(again.stderr).toContain("does not exist or is already revoked");
  }, 60_000);

  it("refuses an unknown scope, naming the valid ones, and creates nothing", async () => {
    const before = await db.select({ id: apiKeys.id }).from(apiKeys);
    const result = await cli("api-key", "create", "--name", "ERP", "--scopes", "events:read,invoices:delete");
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain('Unknown scope "invoices:delete": choose from events:read, invoices:read, invoices:write, customers:read, customers:write, metrics:read.');
    expect(await db.select({ id: apiKeys.id }).from(apiKeys)).toHaveLength(before.length);
  }, 60_000);
});
