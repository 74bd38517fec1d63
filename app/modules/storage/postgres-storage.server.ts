import { eq } from "drizzle-orm";
import { attachmentBlobs } from "#db/schema/disputes";
import { db } from "~/db.server";
import type { BlobStorage } from "./blob-storage.server";
import { onRollback } from "./blob-transaction.server";
import { assertStorageKey } from "./storage-key.server";

/**
 * Blobs in the attachment_blobs table. A key is written once: putting it again is an error.
 * Written inside the caller's transaction, so a rollback takes the blob with it. Reads the
 * bytea whole (PostgreSQL sends it in one piece anyway; files are at most 10 MiB).
 */
export function postgresStorage(): BlobStorage {
  const get = async (key: string) => {
    assertStorageKey(key);
    const [row] = await db.select({ data: attachmentBlobs.data }).from(attachmentBlobs).where(eq(attachmentBlobs.key, key));
    return row?.data ?? null;
  };
  return {
    async put(key, data, tx) {
      assertStorageKey(key);
      if (tx) onRollback(tx, null);
      await (tx ?? db).insert(attachmentBlobs).values({ key, data });
    },
    get,
    async open(key) {
      const data = await get(key);
      return data && { body: new Blob([new Uint8Array(data)]).stream(), size: data.length };
    },
    async delete(key) {
      assertStorageKey(key);
      await db.delete(attachmentBlobs).where(eq(attachmentBlobs.key, key));
    },
  };
}
