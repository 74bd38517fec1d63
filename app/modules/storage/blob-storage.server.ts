import type { Executor } from "~/db.server";
import { env, type Env } from "~/env.server";
import { filesystemStorage } from "./filesystem-storage.server";
import { postgresStorage } from "./postgres-storage.server";
import { s3Storage, type S3Settings } from "./s3-storage.server";

export { newStorageKey, isStorageKey } from "./storage-key.server";
export { transactionWithBlobs } from "./blob-transaction.server";

/** A stored blob being read: its bytes as they arrive, and how many there are. */
export type BlobStream = { body: ReadableStream<Uint8Array>; size: number };

/**
 * Where attachment bytes live, under random keys (see newStorageKey), never under their names.
 * `put` takes an optional transaction, opened by transactionWithBlobs: the Postgres driver
 * writes the blob atomically with its attachments row; the filesystem and S3 drivers write at
 * once and delete the blob again if the transaction rolls back.
 * `open` streams a blob (downloads), `get` reads it whole (small files, the copy command).
 */
export interface BlobStorage {
  put(key: string, data: Buffer, tx?: Executor): Promise<void>;
  get(key: string): Promise<Buffer | null>;
  open(key: string): Promise<BlobStream | null>;
  delete(key: string): Promise<void>;
}

export const STORAGE_DRIVERS = ["postgres", "filesystem", "s3"] as const satisfies ReadonlyArray<Env["ATTACHMENT_STORAGE"]>;
export type StorageDriver = (typeof STORAGE_DRIVERS)[number];

type StorageConfig = Pick<Env, "ATTACHMENT_STORAGE" | "ATTACHMENT_DIR"> & Partial<Pick<Env, "S3_BUCKET" | "S3_REGION" | "S3_ENDPOINT" | "S3_ACCESS_KEY_ID" | "S3_SECRET_ACCESS_KEY" | "S3_FORCE_PATH_STYLE" | "S3_PREFIX">>;

/**
 * The configured driver. ATTACHMENT_STORAGE = "postgres" (default: every app server sees every
 * file, and backups include them), "filesystem" (files under ATTACHMENT_DIR) or "s3" (objects
 * in S3_BUCKET, on AWS or an S3-compatible service at S3_ENDPOINT).
 */
export function blobStorage(config: StorageConfig = env()): BlobStorage {
  switch (config.ATTACHMENT_STORAGE) {
    case "filesystem":
      return filesystemStorage(config.ATTACHMENT_DIR);
    case "s3":
      return s3StorageFor(s3Settings(config));
    default:
      return postgresStorage();
  }
}

/** The S3 driver's settings, from the validated configuration (parseEnv requires the bucket with ATTACHMENT_STORAGE=s3). */
export function s3Settings(config: StorageConfig): S3Settings {
  if (!config.S3_BUCKET) throw new Error("S3_BUCKET is not set");
  return {
    bucket: config.S3_BUCKET,
    region: config.S3_REGION ?? "us-east-1",
    endpoint: config.S3_ENDPOINT,
    credentials: config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY ? { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY } : undefined,
    forcePathStyle: config.S3_FORCE_PATH_STYLE === "true",
    prefix: config.S3_PREFIX,
  };
}

// One S3 client (its connection pool and resolved credentials) per configuration, not per request.
const s3Drivers = new Map<string, BlobStorage>();
function s3StorageFor(settings: S3Settings): BlobStorage {
  const id = JSON.stringify(settings);
  let storage = s3Drivers.get(id);
  if (!storage) s3Drivers.set(id, (storage = s3Storage(settings)));
  return storage;
}
