import type { Executor } from "~/db.server";
import { env, type Env } from "~/env.server";
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
 * file, and backups include them) or "filesystem" (files under ATTACHMENT_DIR).
 */
export function blobStorage(config: Pick<Env, "ATTACHMENT_STORAGE" | "ATTACHMENT_DIR"> = env()): BlobStorage {
  const { ATTACHMENT_STORAGE, ATTACHMENT_DIR } = config;
  return ATTACHMENT_STORAGE === "filesystem" ? filesystemStorage(ATTACHMENT_DIR) : postgresStorage();
}
