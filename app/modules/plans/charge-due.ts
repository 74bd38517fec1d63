/**
 * An installment the plan schedule charges by itself right now (due today or earlier, or due for
 * its retry) on an active plan. The schedule runs at once on activation and every few minutes,
 * so until it has run the outcome is pending: the payer is not offered to pay it (or the next
 * one) meanwhile, and the plan page keeps looking until the charge has an outcome.
 */
export function awaitsScheduledCharge(
  planStatus: string,
  installment: { status: string; dueDate: string; nextAttemptOn: string | null },
  day: string,
): boolean {
  if (planStatus !== "active") return false;
  if (installment.status === "scheduled") return installment.dueDate <= day;
  if (installment.status === "failed") return installment.nextAttemptOn !== null && installment.nextAttemptOn <= day;
  return false;
}
