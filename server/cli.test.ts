import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "#db/schema/audit";
import { attachmentBlobs, attachments } from "#db/schema/disputes";
import { apiKeys } from "#db/schema/integrations";
import { startS3Server } from "../test/s3-server";
import { testData } from "../test/helpers";
import { db } from "~/db.server";
import { API_KEY_PATTERN } from "~/modules/api/api-key-format";
import { authenticateApiKey } from "~/modules/api/authenticate-api-key.server";
import { openDispute } from "~/modules/disputes/open-dispute.server";
import { blobStorage } from "~/modules/storage/blob-storage.server";

/** Runs `npm run cli` as an operator would, against this test file's database (DATABASE_URL). */
function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return cliWith({}, ...args);
}

/** The same, with some settings added to (or, as undefined, taken from) the environment. */
function cliWith(settings: Record<string, string | undefined>, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...settings };
    for (const [name, value] of Object.entries(settings)) if (value === undefined) delete env[name];
    const child = spawn("npx", ["tsx", "server/cli.ts", ...args], { env });
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

describe("npm run cli -- attachments copy", () => {
  let s3: Awaited<ReturnType<typeof startS3Server>>;
  let dir: string;
  beforeAll(async () => {
    s3 = await startS3Server();
    dir = mkdtempSync(path.join(tmpdir(), "eipp-copy-"));
  });
  afterAll(async () => {
    await s3?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  /** Where the copies go: the local S3 server, and a directory for the filesystem driver. */
  const storageSettings = () => ({ ...s3.env, ATTACHMENT_DIR: path.join(dir, "attachments") });
  const copy = (from: string, to: string) => cliWith(storageSettings(), "attachments", "copy", "--from", from, "--to", to);
  const s3Files = () => blobStorage({ ATTACHMENT_STORAGE: "s3", ATTACHMENT_DIR: "", ...s3.env });

  /** Dispute files uploaded the ordinary way, into PostgreSQL (the default storage). */
  async function uploadFiles(files: Buffer[]) {
    const make = await testData();
    const payer = await make.payer();
    const invoice = await make.invoice(payer.accounts[0]!, { total: 100_00 });
    const actor = { kind: "payer" as const, userId: payer.user.id, ip: null };
    const opened = await openDispute(actor, { invoiceId: invoice.id, reason: "other", description: "Crushed cartons", amount: null, lineIds: [], files: files.map((bytes, i) => ({ filename: `photo-${i}.pdf`, contentType: "application/pdf", bytes })) });
    if ("kind" in opened) throw new Error(opened.message);
    return db.select().from(attachments).where(eq(attachments.disputeId, opened.disputeId)).orderBy(attachments.id);
  }

  it("copies every file from PostgreSQL to S3 and from S3 to a directory, byte for byte, skips what is there on a second run, and deletes nothing", async () => {
    const files = [Buffer.from("%PDF-1.4 small"), Buffer.concat([Buffer.from("%PDF-1.4 "), randomBytes(3 * 1024 * 1024)]), Buffer.from("%PDF-1.4 third")];
    const rows = await uploadFiles(files);
    expect(rows).toHaveLength(3);
    const bytesOf = (storageKey: string) => files[rows.findIndex((r) => r.storageKey === storageKey)]!;

    const first = await copy("postgres", "s3");
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe("");
    expect(first.stderr).toContain("Copied 3, already there 0, missing at source 0, mismatched 0.");
    expect(first.stderr).toContain("set ATTACHMENT_STORAGE=s3, restart every app server, then run this copy once more");
    for (const row of rows) expect((await s3Files().get(row.storageKey))?.equals(bytesOf(row.storageKey))).toBe(true);
    // The source keeps its files.
    expect(await db.select({ key: attachmentBlobs.key }).from(attachmentBlobs).where(inArray(attachmentBlobs.key, rows.map((r) => r.storageKey)))).toHaveLength(3);

    const again = await copy("postgres", "s3");
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("Copied 0, already there 3, missing at source 0, mismatched 0.");

    const toDisk = await copy("s3", "filesystem");
    expect(toDisk.code, toDisk.stderr).toBe(0);
    expect(toDisk.stderr).toContain("Copied 3, already there 0, missing at source 0, mismatched 0.");
    for (const row of rows) expect(readFileSync(path.join(dir, "attachments", row.storageKey)).equals(bytesOf(row.storageKey))).toBe(true);
    for (const row of rows) expect(await s3Files().get(row.storageKey)).not.toBeNull();
  }, 120_000);

  it("reports a file missing at the source and one that differs at the target, leaves both as they are, and exits 1", async () => {
    const rows = await uploadFiles([Buffer.from("%PDF-1.4 lost"), Buffer.from("%PDF-1.4 kept"), Buffer.from("%PDF-1.4 good")]);
    const [lost, corrupt, good] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
    await db.delete(attachmentBlobs).where(eq(attachmentBlobs.key, lost.storageKey));
    await s3Files().put(corrupt.storageKey, Buffer.from("not what was uploaded"));

    const result = await copy("postgres", "s3");
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(`Attachment ${lost.id} (storage key ${lost.storageKey}) is missing at the source.`);
    expect(result.stderr).toContain(`Attachment ${corrupt.id} (storage key ${corrupt.storageKey}) is already at the target but differs from its recorded SHA-256`);
    // Earlier tests' files are already there.
    expect(result.stderr).toMatch(/Copied 1, already there \d+, missing at source 1, mismatched 1\./);
    expect(result.stderr).toContain("do not switch ATTACHMENT_STORAGE to s3");
    expect((await s3Files().get(good.storageKey))?.toString()).toBe("%PDF-1.4 good");
    expect((await s3Files().get(corrupt.storageKey))?.toString()).toBe("not what was uploaded");
    expect(await s3Files().get(lost.storageKey)).toBeNull();

    // A file changed on disk is not taken for the uploaded one either.
    const toDisk = await copy("s3", "filesystem");
    expect(toDisk.code).toBe(1);
    expect(toDisk.stderr).toContain(`Attachment ${corrupt.id} (storage key ${corrupt.storageKey}) differs at the source from its recorded SHA-256 (not copied).`);
    // A target that is right is kept, whatever became of the source.
    writeFileSync(path.join(dir, "attachments", good.storageKey), "tampered");
    const back = await copy("filesystem", "postgres");
    expect(back.code).toBe(1); // the lost file is still lost
    expect(back.stderr).toMatch(/Copied 0, already there \d+, missing at source 1, mismatched 0\./);
  }, 120_000);

  it("refuses an unknown or identical storage with the usage (exit 2), and names a missing S3 setting (exit 1)", async () => {
    const unknown = await copy("postgres", "azure");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown storage "azure": --to postgres, filesystem, s3.');
    expect(unknown.stderr).toContain("attachments copy --from DRIVER --to DRIVER");
    const same = await copy("s3", "s3");
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('--from and --to are both "s3"');
    const noBucket = await cliWith({ S3_BUCKET: undefined }, "attachments", "copy", "--from", "postgres", "--to", "s3");
    expect(noBucket.code).toBe(1);
    expect(noBucket.stderr).toContain("S3_BUCKET is missing: set it to the bucket that holds dispute files");
  }, 120_000);
});
