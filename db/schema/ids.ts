import { randomBytes } from "node:crypto";

// Crockford base32: sortable, URL-safe, no ambiguous letters.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/**
 * A prefixed, time-sortable id such as `inv_01jd…`: 10 chars of milliseconds then 16 random
 * chars (80 bits), the same layout as a ULID, so ids read well in URLs and sort by creation.
 */
export function newId(prefix: string, at: number = Date.now()): string {
  let time = "";
  let ms = at;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[ms % 32] + time;
    ms = Math.floor(ms / 32);
  }
  const bytes = randomBytes(16);
  let rand = "";
  for (let i = 0; i < 16; i++) rand += ALPHABET[bytes[i]! % 32];
  return `${prefix}_${time}${rand}`;
}
