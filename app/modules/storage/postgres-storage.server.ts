import { eq } from "drizzle-orm";
import { attachmentBlobs } from "#db/schema/disputes";
import { db } from "~/db.server";
import type { BlobStorage } from "./blob-storage.server";
import { assertStorageKey } from "./storage-key.server";

/** Blobs in the attachment_blobs table. A key is written once: putting it again is an error. */
export function postgresStorage(): BlobStorage {
  return {
    async put(key, data, tx = db) {
      assertStorageKey(key);
      await tx.insert(attachmentBlobs).values({ key, data });
    },
    async get(key) {
      assertStorageKey(key);
      const [row] = await db.select({ data: attachmentBlobs.data }).from(attachmentBlobs).where(eq(attachmentBlobs.key, key));
      return row?.data ?? null;
    },
    async delete(key) {
      assertStorageKey(key);
      await db.delete(attachmentBlobs).where(eq(attachmentBlobs.key, key));
    },
  };
}
