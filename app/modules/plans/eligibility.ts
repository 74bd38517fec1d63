import type { PlanPolicyRules } from "#db/schema/plan-values";
import { formatMoney } from "~/utils/money";

/** What a plan can still collect on an invoice: its balance less payments under way and disputes. */
export function planPayable(invoice: { status: string; balance: number; amountPending: number; amountDisputed: number }): number {
  return invoice.status === "open" ? Math.max(0, invoice.balance - invoice.amountPending - invoice.amountDisputed) : 0;
}

export interface EnrolCandidate {
  status: string;
  balance: number;
  amountPending: number;
  amountDisputed: number;
  paymentPlanId: string | null;
}

/** Why one invoice cannot join a plan, or null when it can. */
export function invoiceIneligibility(invoice: EnrolCandidate): string | null {
  if (invoice.status !== "open" || invoice.balance <= 0) return "Nothing is owed on this invoice.";
  if (invoice.paymentPlanId) return "This invoice is already on a payment plan.";
  if (invoice.amountDisputed > 0) return "This invoice is in dispute; it can join a plan once the dispute is settled.";
  if (invoice.amountPending > 0) return "A payment of this invoice is under way.";
  return null;
}

/** Why a set of invoices cannot go on a plan together, or null when it can. */
export function selectionIneligibility(rules: PlanPolicyRules, selection: Array<{ currency: string; balance: number }>): string | null {
  if (!rules.enabled) return "Payment plans are not offered at the moment. Please contact us.";
  if (selection.length === 0) return "Choose at least one invoice for the plan.";
  const currencies = new Set(selection.map((s) => s.currency));
  if (currencies.size > 1) return "Choose invoices in one currency: a plan is charged in a single currency.";
  const total = selection.reduce((s, i) => s + i.balance, 0);
  if (total < rules.minTotal) {
    const currency = selection[0]!.currency;
    return `Payment plans start at ${formatMoney(rules.minTotal, currency)}; the chosen invoices total ${formatMoney(total, currency)}.`;
  }
  return null;
}
