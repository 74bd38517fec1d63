import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import type { BlobStorage } from "./blob-storage.server";
import { onRollback } from "./blob-transaction.server";
import { assertStorageKey } from "./storage-key.server";

export type S3Settings = {
  bucket: string;
  region: string;
  /** An S3-compatible service; unset = AWS. */
  endpoint?: string;
  /** Unset = the AWS SDK's default credential chain (AWS_* variables, ~/.aws, an instance or pod role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: boolean;
  /** A folder in the bucket ("portal/" or "portal"); unset = the top level. */
  prefix?: string;
};

/**
 * Blobs as objects in one bucket, named by their key (under the prefix): no name, no content
 * type, no metadata, and no ACL, so they are exactly as private as the bucket (which must not be
 * public: the portal serves every download itself, after its access checks). S3 cannot join a
 * database transaction: an object put inside one is deleted again if it rolls back.
 */
export function s3Storage(settings: S3Settings): BlobStorage {
  const client = new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    credentials: settings.credentials,
    forcePathStyle: settings.forcePathStyle,
    // The SDK's newer default checksum headers are refused by some S3-compatible services;
    // AWS itself gets the defaults.
    ...(settings.endpoint ? { requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" } : {}),
  });
  const folder = settings.prefix ? settings.prefix.replace(/\/?$/, "/") : "";
  const object = (key: string) => {
    assertStorageKey(key);
    return { Bucket: settings.bucket, Key: `${folder}${key}` };
  };

  const open = async (key: string) => {
    try {
      const { Body, ContentLength } = await client.send(new GetObjectCommand(object(key)));
      if (!Body) return null;
      return { body: Body.transformToWebStream() as ReadableStream<Uint8Array>, size: ContentLength ?? 0 };
    } catch (error) {
      // Only a missing object is "not found": a missing bucket or a refused key is a fault to see.
      if (error instanceof S3ServiceException && error.name === "NoSuchKey") return null;
      throw error;
    }
  };

  const storage: BlobStorage = {
    async put(key, data, tx) {
      const target = object(key);
      if (tx) onRollback(tx, () => storage.delete(key));
      await client.send(new PutObjectCommand({ ...target, Body: data, ContentLength: data.length, ContentType: "application/octet-stream" }));
    },
    async get(key) {
      const opened = await open(key);
      return opened && Buffer.from(await new Response(opened.body).arrayBuffer());
    },
    open,
    async delete(key) {
      // S3 answers 204 for a key that is not there: deleting twice is fine.
      await client.send(new DeleteObjectCommand(object(key)));
    },
  };
  return storage;
}
