/**
 * Waits after each failed attempt: attempt 1 is immediate, then 5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h, 14 h, 20 h, 24 h (about 3 days in all). A failure of the last attempt exhausts the delivery.
 */
export const retryDelaysMs = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 5 * 3600_000, 10 * 3600_000, 14 * 3600_000, 20 * 3600_000, 24 * 3600_000];
export const maxAttempts = retryDelaysMs.length + 1;
const maxRetryAfterMs = 24 * 3600_000;

/** Status codes whose Retry-After header is honoured. */
export const retryAfterStatuses = new Set([429, 502, 504]);

/** Seconds or an HTTP date → milliseconds from `now` (null when absent or unreadable). */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, maxRetryAfterMs);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(at - now.getTime(), 0), maxRetryAfterMs);
}

/** When to try again after `attemptCount` failed attempts, or null when none are left. */
export function nextAttemptAt(attemptCount: number, now: Date, retryAfterMs: number | null = null): Date | null {
  if (attemptCount >= maxAttempts) return null;
  const backoff = retryDelaysMs[attemptCount - 1] ?? retryDelaysMs[retryDelaysMs.length - 1]!;
  return new Date(now.getTime() + Math.max(backoff, retryAfterMs ?? 0));
}
