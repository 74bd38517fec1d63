import { createHash } from "node:crypto";
import { quotes, type Quote, type QuoteCredit, type QuoteLine } from "#db/schema/terms";
import type { Invoice } from "#db/schema/invoices";
import type { Executor } from "~/db.server";
import { payableAmount } from "~/modules/invoices/payable";
import { nextCompanyMidnight } from "./company-date.server";
import { mostPayable, quoteLines, type TermsInvoice } from "./quote-rules";

type QuotableInvoice = Pick<
  Invoice,
  "id" | "number" | "status" | "total" | "balance" | "amountPending" | "amountDisputed" | "amountDiscounted" | "paymentPlanId" | "issueDate" | "discountBps" | "discountDays"
>;

/** An invoice as the terms rules read it, with what is payable now. */
export function termsOf(invoice: QuotableInvoice): TermsInvoice & { id: string } {
  return {
    id: invoice.id,
    total: invoice.total,
    payable: payableAmount(invoice),
    amountDiscounted: invoice.amountDiscounted,
    issueDate: invoice.issueDate,
    discountBps: invoice.discountBps,
    discountDays: invoice.discountDays,
  };
}

/** The most a payer may put towards the invoice today (its payable balance less any discount offered). */
export function mostPayableToday(invoice: QuotableInvoice, today: string): number {
  return mostPayable(termsOf(invoice), today);
}

const tag = (facts: unknown[]) => createHash("sha256").update(JSON.stringify(facts)).digest("base64url").slice(0, 10);

/** One invoice's facts that change an amount, as a short tag. */
function invoiceTag(i: QuotableInvoice): string {
  return tag([i.id, i.status, i.total, i.balance, i.amountPending, i.amountDisputed, i.amountDiscounted, i.paymentPlanId, i.issueDate, i.discountBps, i.discountDays]);
}
const creditTag = (c: { id: string; available: number }) => tag([c.id, c.available]);

/**
 * What a quote read, as one string: the company's date and a tag of every fact of each invoice
 * and credit that changes an amount. The pay page carries it; a payment whose page read another
 * basis (a payment elsewhere, a dispute, the discount window closed at midnight) is refused before
 * Checkout, with the new amounts shown — never charged a silent difference.
 */
export function quoteBasis(quotedOn: string, invoices: QuotableInvoice[], credits: Array<{ id: string; available: number }> = []): string {
  return [quotedOn, ...invoices.map(invoiceTag), ...credits.map(creditTag)].join(".");
}

/**
 * Whether what is quoted now was read by the page's basis: the same day, and every invoice (and
 * credit) used reads as it did — a pay link's page quotes all its invoices, the payer ticks some.
 */
export function basisHolds(pageBasis: string, quotedOn: string, invoices: QuotableInvoice[], credits: Array<{ id: string; available: number }> = []): boolean {
  const [day, ...tags] = pageBasis.split(".");
  if (day !== quotedOn) return false;
  const seen = new Set(tags);
  return invoices.every((i) => seen.has(invoiceTag(i))) && credits.every((c) => seen.has(creditTag(c)));
}

export interface QuoteInput {
  accountId: string;
  currency: string;
  quotedOn: string;
  basis: string;
  /** In the order the lines are shown (due date, then number). */
  requests: Array<{ invoice: QuotableInvoice & { lateFeeForNumber?: string | null }; amount: number; credit: number }>;
  credits: QuoteCredit[];
}

/** Stores the quote a payment is made from: its lines are what Checkout charges and what settles. */
export async function storeQuote(executor: Executor, input: QuoteInput): Promise<Quote> {
  const priced = quoteLines(
    input.requests.map((r) => ({ invoice: termsOf(r.invoice), amount: r.amount, credit: r.credit })),
    input.quotedOn,
  );
  const lines: QuoteLine[] = priced.lines.map((l, i) => {
    const { invoice } = input.requests[i]!;
    return { invoiceId: invoice.id, number: invoice.number, balance: invoice.balance, amount: l.charge, discount: l.discount, credit: l.credit, feeForNumber: invoice.lateFeeForNumber ?? null };
  });
  const [quote] = await executor
    .insert(quotes)
    .values({
      accountId: input.accountId,
      currency: input.currency,
      lines,
      credits: input.credits,
      total: priced.total,
      discountTotal: priced.discountTotal,
      creditTotal: priced.creditTotal,
      quotedOn: input.quotedOn,
      // A quote is good for the company's day it was made on; its basis changes at midnight anyway.
      expiresAt: nextCompanyMidnight(),
      fingerprint: input.basis,
    })
    .returning();
  return quote!;
}
