/**
 * PostgreSQL `text` cannot hold U+0000: a query carrying one fails ("invalid byte sequence"), which
 * would answer 500. Input is checked for it where it enters, so the sender gets a 4xx that says why.
 */
export const NUL_MESSAGE = "contains a NUL character (U+0000), which cannot be stored";
const LONE_SURROGATE_MESSAGE = "contains half of a UTF-16 surrogate pair (such as \\ud800 alone), which is not a character";

export function hasNul(text: string): boolean {
  return text.includes("\u0000");
}

/** Half of a surrogate pair on its own (JSON "\ud800"): it would be stored silently as U+FFFD. */
export function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

function problemOf(text: string): string | null {
  if (hasNul(text)) return NUL_MESSAGE;
  if (hasLoneSurrogate(text)) return LONE_SURROGATE_MESSAGE;
  return null;
}

/**
 * The first string or key of a parsed JSON value that text columns cannot hold as sent: its path
 * (e.g. "lines.0.description"; "" for the value itself) and what is wrong; null when all is well.
 */
export function findUnstorableText(value: unknown, path = "", depth = 0): { path: string; problem: string } | null {
  // JSON nested thousands deep would overflow the stack here (a 500): no document of ours nests so.
  if (depth > 64) return { path, problem: "is nested too deeply" };
  if (typeof value === "string") {
    const problem = problemOf(value);
    return problem ? { path, problem } : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], path ? `${path}.${i}` : String(i), depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      const problem = problemOf(key);
      if (problem) return { path: at, problem };
      const found = findUnstorableText(item, at, depth + 1);
      if (found) return found;
    }
  }
  return null;
}
