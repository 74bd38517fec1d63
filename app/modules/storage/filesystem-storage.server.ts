import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { BlobStorage } from "./blob-storage.server";
import { assertStorageKey } from "./storage-key.server";

/**
 * Blobs as files named by their key in one directory outside the web root, readable only by the
 * portal's user (directory 0700, files 0600). Keys are validated hex, so no path can escape.
 * Ignores the transaction argument: a caller that rolls back should delete what it put.
 */
export function filesystemStorage(dir: string): BlobStorage {
  const root = path.resolve(dir);
  const fileOf = (key: string) => {
    assertStorageKey(key);
    return path.join(root, key);
  };

  return {
    async put(key, data) {
      const file = fileOf(key);
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
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
    },
    async delete(key) {
      await rm(fileOf(key), { force: true });
    },
  };
}
