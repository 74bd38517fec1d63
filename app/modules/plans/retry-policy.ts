/**
 * A failed off-session installment is retried this many days after each failure; the failure
 * after the last retry defaults the plan (4 tries over about two weeks, like card networks'
 * own dunning windows).
 */
export const RETRY_AFTER_DAYS = [3, 5, 7] as const;

/** Reminders go out this many days before a scheduled charge. */
export const REMINDER_DAYS_BEFORE = 3;

/** The date of the next retry after `attempts` failed tries, or null when none is left. */
export function nextRetryAfter(attempts: number): number | null {
  return RETRY_AFTER_DAYS[attempts - 1] ?? null;
}
