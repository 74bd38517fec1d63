import { formatMoney, minorDigits } from "~/utils/money";

/** What the payer asked to pay on one invoice, and what the database says is payable. */
export interface RequestedAllocation {
  invoiceId: string;
  number: string;
  currency: string;
  /** balance − amount reserved by payments under way */
  payable: number;
  amount: number;
}

export type AllocationProblem = { invoiceId: string | null; message: string };

/** Stripe's smallest charge is 0.50 in USD/CAD; a part payment below 1.00 is refused as noise. */
export function minimumTotal(currency: string): number {
  return Math.round(0.5 * 10 ** minorDigits(currency));
}
export function minimumPart(currency: string): number {
  return 10 ** minorDigits(currency);
}

/**
 * Checks a payment request against the database's numbers: one currency, every amount a whole
 * number of minor units, at least the minimum (unless it clears the balance), never more than
 * what is payable, and a total Stripe accepts. Returns every problem, not just the first.
 */
export function checkAllocations(requested: RequestedAllocation[], options: { allowBelowMinimum?: boolean } = {}): AllocationProblem[] {
  const problems: AllocationProblem[] = [];
  if (requested.length === 0) return [{ invoiceId: null, message: "Choose at least one invoice to pay." }];
  const currencies = new Set(requested.map((r) => r.currency));
  if (currencies.size > 1) {
    problems.push({ invoiceId: null, message: `Invoices in different currencies (${[...currencies].join(", ")}) must be paid separately.` });
  }
  for (const r of requested) {
    const money = (m: number) => formatMoney(m, r.currency);
    if (!Number.isSafeInteger(r.amount) || r.amount <= 0) {
      problems.push({ invoiceId: r.invoiceId, message: `Enter an amount to pay on ${r.number}.` });
    } else if (r.payable <= 0) {
      problems.push({ invoiceId: r.invoiceId, message: `${r.number} has nothing left to pay, or a payment for it is already under way.` });
    } else if (r.amount > r.payable) {
      problems.push({ invoiceId: r.invoiceId, message: `You can pay at most ${money(r.payable)} on ${r.number}.` });
    } else if (r.amount < minimumPart(r.currency) && r.amount !== r.payable) {
      problems.push({ invoiceId: r.invoiceId, message: `Pay at least ${money(minimumPart(r.currency))} on ${r.number}, or its full balance.` });
    }
  }
  const total = requested.reduce((s, r) => s + (Number.isSafeInteger(r.amount) ? r.amount : 0), 0);
  const currency = requested[0]!.currency;
  // With credits the charge is what counts (checked after the credit is spread), not the amounts.
  if (problems.length === 0 && !options.allowBelowMinimum && total < minimumTotal(currency)) {
    problems.push({ invoiceId: null, message: `The total must be at least ${formatMoney(minimumTotal(currency), currency)}.` });
  }
  return problems;
}

// Where amounts are typed and shown again: app/utils/money.ts (re-exported for the modules that import them from here).
export { amountInputValue, parseAmount } from "~/utils/money";
