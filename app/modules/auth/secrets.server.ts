import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { env } from "~/env.server";

/** 256 bits from the CSPRNG, URL-safe. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

// No 0/O, 1/I/L: the code is typed by hand from an email.
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const CODE_LENGTH = 8;

/** A short code for signing in on another device: 8 characters, about 39 bits. */
export function randomCode(): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** Codes are compared upper-case without spaces or dashes, as people type them. */
export function normalizeCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, "");
}

/** Hash of a code bound to its email, so equal codes for two people never collide. */
export function hashCode(email: string, code: string): string {
  return createHmac("sha256", env().SESSION_SECRET).update(`${email}\n${normalizeCode(code)}`).digest("hex");
}

/**
 * A capability for one purpose and subject (e.g. Checkout's cancel link of one payment): only the
 * portal can make it, so a GET carrying it cannot be forged by another site.
 */
export function capabilityToken(purpose: string, subject: string): string {
  return createHmac("sha256", env().SESSION_SECRET).update(`${purpose}\n${subject}`).digest("base64url").slice(0, 32);
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function sealKey(): Buffer {
  return createHash("sha256").update(`seal:${env().SESSION_SECRET}`).digest();
}

/**
 * Encrypts a job payload (AES-256-GCM) so secrets such as a sign-in link never sit in the
 * job table in the clear while the job waits to run.
 */
export function seal(value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealKey(), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
}

export function unseal<T>(sealed: string): T {
  const raw = Buffer.from(sealed, "base64");
  const decipher = createDecipheriv("aes-256-gcm", sealKey(), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  return JSON.parse(text) as T;
}
