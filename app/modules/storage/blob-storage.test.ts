import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attachmentBlobs } from "#db/schema/disputes";
import { startS3Server } from "../../../test/s3-server";
import { db } from "~/db.server";
import { blobStorage, isStorageKey, newStorageKey, s3Settings, transactionWithBlobs, type BlobStorage } from "./blob-storage.server";
import { filesystemStorage } from "./filesystem-storage.server";
import { postgresStorage } from "./postgres-storage.server";

const tempParents: string[] = [];
/** A not-yet-existing directory inside a fresh temporary one (the driver must create it). */
function tempDir(): string {
  tempParents.push(mkdtempSync(path.join(tmpdir(), "eipp-blobs-")));
  return path.join(tempParents.at(-1)!, "attachments");
}
afterAll(() => tempParents.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

let s3: Awaited<ReturnType<typeof startS3Server>>;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(() => s3?.stop());
/** The S3 driver as ATTACHMENT_STORAGE=s3 configures it, against the local S3 server. */
const s3Config = (extra: { S3_PREFIX?: string } = {}) => ({ ATTACHMENT_STORAGE: "s3" as const, ATTACHMENT_DIR: "", ...s3.env, ...extra });

/** Every chunk of a stream, as it arrives. */
async function chunksOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return chunks;
}

describe.each<[string, () => BlobStorage]>([
  ["postgres", postgresStorage],
  ["filesystem", () => filesystemStorage(tempDir())],
  ["s3", () => blobStorage(s3Config({ S3_PREFIX: "portal/" }))],
])("%s driver", (name, make) => {
  it("returns exactly the bytes it was given, small and 2 MiB", async () => {
    const storage = make();
    const small = Buffer.from([0, 1, 2, 0xff, 0x00, 0x25, 0x50]);
    const large = randomBytes(2 * 1024 * 1024);
    const [a, b] = [newStorageKey(), newStorageKey()];
    await storage.put(a, small);
    await storage.put(b, large);
    expect((await storage.get(a))?.equals(small)).toBe(true);
    const read = await storage.get(b);
    expect(read?.length).toBe(large.length);
    expect(read?.equals(large)).toBe(true);
  });

  it("streams a blob: exactly its bytes, with its size; a file (filesystem, S3) arrives in pieces, never read whole first", async () => {
    const storage = make();
    const large = randomBytes(2 * 1024 * 1024);
    const key = newStorageKey();
    await storage.put(key, large);
    const opened = await storage.open(key);
    expect(opened?.size).toBe(large.length);
    const chunks = await chunksOf(opened!.body);
    expect(Buffer.concat(chunks).equals(large)).toBe(true);
    // PostgreSQL sends a bytea in one piece; the other drivers stream.
    if (name !== "postgres") expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(large.length / 4);
    expect(await storage.open(newStorageKey())).toBeNull();
  });

  it("keeps a blob put in a transaction that commits, and leaves nothing of one that rolls back", async () => {
    const storage = make();
    const [kept, rolledBack, second] = [newStorageKey(), newStorageKey(), newStorageKey()];
    await transactionWithBlobs((tx) => storage.put(kept, Buffer.from("%PDF-1.7 kept"), tx));
    await expect(
      transactionWithBlobs(async (tx) => {
        await storage.put(rolledBack, Buffer.from("%PDF-1.7 first"), tx);
        await storage.put(second, Buffer.from("%PDF-1.7 second"), tx);
        throw new Error("attachment row failed");
      }),
    ).rejects.toThrow("attachment row failed");
    expect((await storage.get(kept))?.toString()).toBe("%PDF-1.7 kept");
    expect(await storage.get(rolledBack)).toBeNull();
    expect(await storage.get(second)).toBeNull();
  });

  it("refuses a put inside a transaction not opened by transactionWithBlobs (its rollback could not delete the blob)", async () => {
    const storage = make();
    const key = newStorageKey();
    await expect(db.transaction((tx) => storage.put(key, Buffer.from("x"), tx))).rejects.toThrow("needs transactionWithBlobs");
    expect(await storage.get(key)).toBeNull();
  });

  it("answers null for a missing key, and deletes", async () => {
    const storage = make();
    const key = newStorageKey();
    expect(await storage.get(key)).toBeNull();
    await storage.put(key, Buffer.from("%PDF-1.7"));
    await storage.delete(key);
    expect(await storage.get(key)).toBeNull();
    await storage.delete(key); // deleting twice is fine
  });

  it.each(["../x", "../../etc/passwd", `${"a".repeat(64)}/../x`, "A".repeat(64), "", "/tmp/x"])("refuses the key %j", async (key) => {
    const storage = make();
    await expect(storage.put(key, Buffer.from("x"))).rejects.toThrow("Invalid storage key");
    await expect(storage.get(key)).rejects.toThrow("Invalid storage key");
    await expect(storage.open(key)).rejects.toThrow("Invalid storage key");
    await expect(storage.delete(key)).rejects.toThrow("Invalid storage key");
  });
});

describe("filesystem driver", () => {
  it("keeps files private (0600 in a 0700 directory) and leaves no temporary file", async () => {
    const dir = tempDir();
    const storage = filesystemStorage(dir);
    const key = newStorageKey();
    await storage.put(key, randomBytes(1000));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, key)).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual([key]);
  });

  it("writes nothing outside its directory for a key like ../x", async () => {
    const dir = tempDir();
    await expect(filesystemStorage(dir).put("../x", Buffer.from("x"))).rejects.toThrow();
    expect(readdirSync(path.dirname(dir))).toEqual([]);
  });
});

describe("postgres driver", () => {
  const stored = async (key: string) => (await db.select().from(attachmentBlobs).where(eq(attachmentBlobs.key, key))).length;

  it("writes inside the caller's transaction: a rollback leaves nothing", async () => {
    const storage = postgresStorage();
    const key = newStorageKey();
    await expect(
      transactionWithBlobs(async (tx) => {
        await storage.put(key, Buffer.from("%PDF-1.7"), tx);
        expect(await tx.select().from(attachmentBlobs).where(eq(attachmentBlobs.key, key))).toHaveLength(1);
        throw new Error("attachment row failed");
      }),
    ).rejects.toThrow("attachment row failed");
    expect(await stored(key)).toBe(0);

    await transactionWithBlobs((tx) => storage.put(key, Buffer.from("%PDF-1.7"), tx));
    expect(await stored(key)).toBe(1);
  });
});

describe("s3 driver", () => {
  it("stores each blob as a bare object named by its key under the prefix, and the prefix separates two portals in one bucket", async () => {
    const storage = blobStorage(s3Config({ S3_PREFIX: "acme/files" }));
    const key = newStorageKey();
    await storage.put(key, Buffer.from("%PDF-1.7"));
    const client = new S3Client({ region: "us-east-1", endpoint: s3.endpoint, forcePathStyle: true, credentials: s3.credentials });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: "acme/" }));
    expect(listed.Contents?.map((o) => [o.Key, o.Size])).toEqual([[`acme/files/${key}`, 8]]);
    expect(await blobStorage(s3Config({ S3_PREFIX: "other/" })).get(key)).toBeNull();
    expect(await blobStorage(s3Config()).get(key)).toBeNull();
  });

  it("fails loudly (not as a missing file) when the bucket is wrong", async () => {
    const storage = blobStorage({ ...s3Config(), S3_BUCKET: "no-such-bucket" });
    await expect(storage.get(newStorageKey())).rejects.toThrow(/bucket/i);
  });

  it("takes its settings from the configuration: the key pair, or the SDK's default credentials when both are unset", () => {
    expect(s3Settings(s3Config())).toMatchObject({ bucket: s3.bucket, endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
    expect(s3Settings({ ...s3Config(), S3_ACCESS_KEY_ID: undefined, S3_SECRET_ACCESS_KEY: undefined, S3_FORCE_PATH_STYLE: "false" })).toMatchObject({ credentials: undefined, forcePathStyle: false });
  });
});

describe("blobStorage", () => {
  it("uses Postgres by default", async () => {
    const key = newStorageKey();
    await blobStorage().put(key, Buffer.from("x"));
    expect(await db.select().from(attachmentBlobs).where(eq(attachmentBlobs.key, key))).toHaveLength(1);
  });

  it("uses the filesystem under ATTACHMENT_DIR when configured (an unknown driver stops the configuration: env.server.test.ts)", async () => {
    const dir = tempDir();
    const key = newStorageKey();
    await blobStorage({ ATTACHMENT_STORAGE: "filesystem", ATTACHMENT_DIR: dir }).put(key, Buffer.from("x"));
    expect(readdirSync(dir)).toEqual([key]);
  });
});

describe("storage keys", () => {
  it("are 256 random bits in hex, and nothing else passes", () => {
    const keys = new Set(Array.from({ length: 100 }, newStorageKey));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(isStorageKey(newStorageKey())).toBe(true);
    for (const bad of ["../x", "a".repeat(63), "a".repeat(65), "g".repeat(64), `${"a".repeat(64)}\n`, null, 42]) {
      expect(isStorageKey(bad)).toBe(false);
    }
  });
});
