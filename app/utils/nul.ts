/**
 * PostgreSQL `text` cannot hold U+0000: a query carrying one fails ("invalid byte sequence"), which
 * would answer 500. Input is checked for it where it enters, so the sender gets a 4xx that says why.
 */
export const NUL_MESSAGE = "contains a NUL character (U+0000), which cannot be stored";

export function hasNul(text: string): boolean {
  return text.includes("\u0000");
}

/** The path (e.g. "lines.0.description", "" for the value itself) of the first string or key holding U+0000, or null. */
export function findNul(value: unknown, path = ""): string | null {
  if (typeof value === "string") return hasNul(value) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], path ? `${path}.${i}` : String(i));
      if (found !== null) return found;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (hasNul(key)) return at;
      const found = findNul(item, at);
      if (found !== null) return found;
    }
  }
  return null;
}
