import { randomBytes } from "node:crypto";

/** A new storage key: 256 random bits in hex. Blobs are never stored under a user-given name. */
export function newStorageKey(): string {
  return randomBytes(32).toString("hex");
}

/** Exactly what newStorageKey makes, so a key can never be a path ("../x") or anything else. */
export function isStorageKey(key: unknown): key is string {
  return typeof key === "string" && /^[0-9a-f]{64}$/.test(key);
}

export function assertStorageKey(key: string): void {
  if (!isStorageKey(key)) throw new Error("Invalid storage key");
}
