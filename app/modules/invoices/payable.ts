/**
 * What can be paid on an invoice right now: its balance, less what payments under way have
 * reserved and what open disputes hold. The one definition every pay path uses.
 */
export function payableAmount(invoice: { status: string; balance: number; amountPending: number; amountDisputed: number; paymentPlanId?: string | null }): number {
  // An invoice on a payment plan is paid through the plan (its installments, or paying it off).
  if (invoice.paymentPlanId) return 0;
  return invoice.status === "open" ? Math.max(0, invoice.balance - invoice.amountPending - invoice.amountDisputed) : 0;
}
