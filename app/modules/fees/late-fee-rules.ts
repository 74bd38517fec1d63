/**
 * The rules of late fees, pure (no database): whether an overdue invoice owes a fee today, for
 * which period, and how much. The run (post-late-fees.server.ts) loads the facts, asks this, and
 * posts what it says as a fee invoice. Amounts are integer minor units; rates basis points per
 * month (150 = 1.5 %). See docs/payment-terms.md ("Late fees").
 */
import type { LateFeeKind } from "#db/schema/terms";
import { addDays } from "~/utils/dates";

export interface FeePolicy {
  kind: LateFeeKind;
  rateBps: number | null;
  fixedAmount: number | null;
  graceDays: number;
  capPerInvoice: number | null;
  capPerAccount: number | null;
}

/** An invoice a fee may be charged on, and what is already charged on it. */
export interface FeeParent {
  status: "open" | "paid" | "void";
  dueDate: string;
  balance: number;
  /** Reserved by payments under way: not charged a fee (the money is on its way). */
  amountPending: number;
  /** Held by open disputes: never charged a fee. */
  amountDisputed: number;
  /** The invoice is itself a late fee (no fee on a fee). */
  isLateFee: boolean;
  onPlan: boolean;
  /** Under a promise to pay that is still open (made and not broken). */
  promised: boolean;
  /** Fees already charged on it (not voided), in total. */
  feesPosted: number;
  /** Periods already posted on it (voided ones too: a waived fee is not charged again). */
  periodsPosted: readonly number[];
}

export interface FeeFacts {
  /** The customer's contract allows late fees (accounts.late_fees_allowed). */
  feesAllowed: boolean;
  /** The policy that applies: the account's own, else the default; null when there is none. */
  policy: (FeePolicy & { enabled: boolean }) | null;
  invoice: FeeParent;
  /** Late fees the account owes now (open fee invoices' balances) in the invoice's currency. */
  accountUnpaidFees: number;
}

export const feeSkipReasons = [
  "fees_not_allowed",
  "no_policy",
  "not_open",
  "is_late_fee",
  "on_plan",
  "promised",
  "in_grace",
  "nothing_overdue",
  "period_posted",
  "invoice_cap_reached",
  "account_cap_reached",
] as const;
export type FeeSkipReason = (typeof feeSkipReasons)[number];

export type FeeDecision =
  | {
      action: "post";
      period: number;
      /** The first day of the period (the day after the grace, a month later for each next one). */
      periodStart: string;
      amount: number;
      /** The undisputed overdue amount the fee was computed on. */
      basis: number;
      /** The fee before a cap cut it down (equal to `amount` when no cap applied). */
      uncapped: number;
    }
  | { action: "skip"; reason: FeeSkipReason; period?: number };

/** `iso` plus `months` calendar months, the day kept (clamped to the month's last day: Jan 31 → Feb 28). */
export function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return `${String(year).padStart(4, "0")}-${String(month + 1).padStart(2, "0")}-${String(Math.min(d, last)).padStart(2, "0")}`;
}

/** The last day of the grace: the due date plus the grace days. The first fee is due the day after. */
export function graceEnds(dueDate: string, graceDays: number): string {
  return addDays(dueDate, graceDays);
}

/**
 * The period `today` falls in (1 from the day after the grace, 2 from a calendar month after
 * that, …), or 0 while still inside the grace. Period k begins the day after
 * graceEnds + (k − 1) months.
 */
export function currentPeriod(dueDate: string, graceDays: number, today: string): number {
  const anchor = graceEnds(dueDate, graceDays);
  if (today <= anchor) return 0;
  const [ay, am] = anchor.split("-").map(Number) as [number, number];
  const [ty, tm] = today.split("-").map(Number) as [number, number];
  // Months between, then step back while the period's start is still ahead of today.
  let k = (ty - ay) * 12 + (tm - am) + 1;
  while (k > 1 && addMonths(anchor, k - 1) >= today) k--;
  return k;
}

/** The first day a period's fee can be posted. */
export function periodStart(dueDate: string, graceDays: number, period: number): string {
  return addDays(addMonths(graceEnds(dueDate, graceDays), period - 1), 1);
}

/** Half up of basis × bps / 10 000, in integers (no float rounding for any amount). */
export function percentOf(basis: number, bps: number): number {
  const n = BigInt(basis) * BigInt(bps);
  return Number((2n * n + 10_000n) / 20_000n);
}

/**
 * What to do today about one invoice: post the fee of the current period, or skip (and why).
 * Only the current period is ever posted: a period missed while the job did not run is not
 * charged later (ADR late fees), so an outage neither doubles a fee nor back-charges one.
 */
export function decideLateFee(facts: FeeFacts, today: string): FeeDecision {
  const { invoice, policy } = facts;
  if (!facts.feesAllowed) return { action: "skip", reason: "fees_not_allowed" };
  if (!policy || !policy.enabled) return { action: "skip", reason: "no_policy" };
  if (invoice.isLateFee) return { action: "skip", reason: "is_late_fee" };
  if (invoice.status !== "open") return { action: "skip", reason: "not_open" };
  if (invoice.onPlan) return { action: "skip", reason: "on_plan" };
  if (invoice.promised) return { action: "skip", reason: "promised" };
  const period = currentPeriod(invoice.dueDate, policy.graceDays, today);
  if (period === 0) return { action: "skip", reason: "in_grace" };
  const basis = invoice.balance - invoice.amountDisputed - invoice.amountPending;
  if (basis <= 0) return { action: "skip", reason: "nothing_overdue", period };
  if (invoice.periodsPosted.includes(period)) return { action: "skip", reason: "period_posted", period };

  const uncapped = policy.kind === "percent" ? percentOf(basis, policy.rateBps ?? 0) : (policy.fixedAmount ?? 0);
  let amount = uncapped;
  if (policy.capPerInvoice !== null) {
    amount = Math.min(amount, policy.capPerInvoice - invoice.feesPosted);
    if (amount <= 0) return { action: "skip", reason: "invoice_cap_reached", period };
  }
  if (policy.capPerAccount !== null) {
    amount = Math.min(amount, policy.capPerAccount - facts.accountUnpaidFees);
    if (amount <= 0) return { action: "skip", reason: "account_cap_reached", period };
  }
  // A rate so small it rounds to nothing charges nothing.
  if (amount <= 0) return { action: "skip", reason: "nothing_overdue", period };
  return { action: "post", period, periodStart: periodStart(invoice.dueDate, policy.graceDays, period), amount, basis, uncapped };
}

/** "1.5 %" from 150 basis points. */
export function formatRate(bps: number): string {
  return `${(bps / 100).toLocaleString("en-US", { maximumFractionDigits: 2 })} %`;
}
