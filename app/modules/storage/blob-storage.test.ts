import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { attachmentBlobs } from "#db/schema/disputes";
import { db } from "~/db.server";
import { blobStorage, isStorageKey, newStorageKey, type BlobStorage } from "./blob-storage.server";
import { filesystemStorage } from "./filesystem-storage.server";
import { postgresStorage } from "./postgres-storage.server";

const tempParents: string[] = [];
/** A not-yet-existing directory inside a fresh temporary one (the driver must create it). */
function tempDir(): string {
  tempParents.push(mkdtempSync(path.join(tmpdir(), "eipp-blobs-")));
  return path.join(tempParents.at(-1)!, "attachments");
}
afterAll(() => tempParents.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe.each<[string, () => BlobStorage]>([
  ["postgres", postgresStorage],
  ["filesystem", () => filesystemStorage(tempDir())],
])("%s driver", (_name, make) => {
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
      db.transaction(async (tx) => {
        await storage.put(key, Buffer.from("%PDF-1.7"), tx);
        expect(await tx.select().from(attachmentBlobs).where(eq(attachmentBlobs.key, key))).toHaveLength(1);
        throw new Error("attachment row failed");
      }),
    ).rejects.toThrow("attachment row failed");
    expect(await stored(key)).toBe(0);

    await db.transaction((tx) => storage.put(key, Buffer.from("%PDF-1.7"), tx));
    expect(await stored(key)).toBe(1);
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
