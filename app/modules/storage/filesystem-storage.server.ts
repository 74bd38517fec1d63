import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import type { BlobStorage } from "./blob-storage.server";
import { onRollback } from "./blob-transaction.server";
import { assertStorageKey } from "./storage-key.server";

/**
 * Blobs as files named by their key in one directory outside the web root, readable only by the
 * portal's user (directory 0700, files 0600). Keys are validated hex, so no path can escape.
 * Cannot join a transaction: a file put inside one is deleted again if it rolls back.
 */
export function filesystemStorage(dir: string): BlobStorage {
  const root = path.resolve(dir);
  const fileOf = (key: string) => {
    assertStorageKey(key);
    return path.join(root, key);
  };

  const notFound = (error: unknown) => (error as NodeJS.ErrnoException).code === "ENOENT";
  const storage: BlobStorage = {
    async put(key, data, tx) {
      const file = fileOf(key);
      if (tx) onRollback(tx, () => storage.delete(key));
      await mkdir(root, { recursive: true, mode: 0o700 });
      await chmod(root, 0o700);
      // Written to a temporary name, flushed, then renamed: a reader (or a crash) never sees half a file.
      const temp = path.join(root, `.tmp-${key}-${randomBytes(6).toString("hex")}`);
      try {
        const handle = await open(temp, "wx", 0o600);
        try {
          await handle.writeFile(data);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temp, file);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
    async get(key) {
      try {
        return await readFile(fileOf(key));
      } catch (error) {
        if (notFound(error)) return null;
        throw error;
      }
    },
    async open(key) {
      const file = fileOf(key);
      const handle = await open(file, "r").catch((error: unknown) => {
        if (notFound(error)) return null;
        throw error;
      });
      if (!handle) return null;
      try {
        const { size } = await handle.stat();
        // 64 KiB at a time; the handle closes when the stream ends, fails or is cancelled.
        return { body: Readable.toWeb(handle.createReadStream()) as ReadableStream<Uint8Array>, size };
      } catch (error) {
        await handle.close();
        throw error;
      }
    },
    async delete(key) {
      await rm(fileOf(key), { force: true });
    },
  };
  return storage;
}
