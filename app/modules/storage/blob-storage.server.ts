import type { Executor } from "~/db.server";
import { filesystemStorage } from "./filesystem-storage.server";
import { postgresStorage } from "./postgres-storage.server";

export { newStorageKey, isStorageKey } from "./storage-key.server";

/**
 * Where attachment bytes live, under random keys (see newStorageKey), never under their names.
 * `put` takes an optional transaction so the Postgres driver writes the blob atomically with its
 * attachments row; the filesystem driver cannot join a transaction and writes immediately.
 */
export interface BlobStorage {
  put(key: string, data: Buffer, tx?: Executor): Promise<void>;
  get(key: string): Promise<Buffer | null>;
  delete(key: string): Promise<void>;
}

/**
 * The configured driver. ATTACHMENT_STORAGE = "postgres" (default: every app server sees every
 * file, and backups include them) or "filesystem" (files under ATTACHMENT_DIR). Read straight
 * from process.env because they are optional and env.server.ts is shared.
 */
export function blobStorage(): BlobStorage {
  const driver = process.env.ATTACHMENT_STORAGE || "postgres";
  if (driver === "postgres") return postgresStorage();
  if (driver === "filesystem") return filesystemStorage(process.env.ATTACHMENT_DIR || ".data/attachments");
  throw new Error(`ATTACHMENT_STORAGE must be "postgres" or "filesystem", not "${driver}"`);
}
