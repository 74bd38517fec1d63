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
  const bytes = sixteenRandomBytes();
  let rand = "";
  for (let i = 0; i < 16; i++) rand += ALPHABET[bytes[i]! % 32];
  return `${prefix}_${time}${rand}`;
}

// Random bytes are drawn 4 KiB at a time: one randomBytes call per id cost ~10 µs, which a bulk
// insert of thousands of rows (ids for invoices, lines, events, audit) felt.
const pool = { bytes: Buffer.alloc(0), offset: 0 };
function sixteenRandomBytes(): Buffer {
  if (pool.offset + 16 > pool.bytes.length) {
    pool.bytes = randomBytes(4096);
    pool.offset = 0;
  }
  pool.offset += 16;
  return pool.bytes.subarray(pool.offset - 16, pool.offset);
}
