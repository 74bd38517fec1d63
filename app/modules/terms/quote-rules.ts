/**
 * The rules of payment terms, pure (no database, shared by the server and the pay page's live
 * total): when an early-payment discount applies, what a payment inside its window settles, and
 * what a quote charges. Amounts are integer minor units; rates are basis points (200 = 2 %).
 * See docs/payment-terms.md for the worked example the tests reproduce.
 */

/** An invoice as the rules read it. */
export interface TermsInvoice {
  total: number;
  /** What can be paid now (balance less reservations, disputes; 0 on a plan). */
  payable: number;
  amountDiscounted: number;
  issueDate: string;
  discountBps: number | null;
  discountDays: number | null;
}

/** The last day (inclusive, the company's calendar) a payment earns the discount: issue date + discount days. */
export function discountDeadline(invoice: Pick<TermsInvoice, "issueDate" | "discountDays">): string | null {
  if (invoice.discountDays == null) return null;
  const d = new Date(`${invoice.issueDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + invoice.discountDays);
  return d.toISOString().slice(0, 10);
}

/** Half away from zero of a non-negative n / d, in integers (no float rounding for any amount). */
function roundDiv(n: bigint, d: bigint): number {
  return Number((2n * n + d) / (2n * d));
}

/** The most discount the invoice can ever carry: d × its original amount. */
export function discountCap(invoice: Pick<TermsInvoice, "total" | "discountBps">): number {
  return invoice.discountBps ? roundDiv(BigInt(invoice.total) * BigInt(invoice.discountBps), 10_000n) : 0;
}

/** Whether `today` (the company's date) is inside the invoice's discount window. */
export function inDiscountWindow(invoice: TermsInvoice, today: string): boolean {
  const deadline = discountDeadline(invoice);
  return !!invoice.discountBps && deadline !== null && today <= deadline;
}

/** The offer a payer sees: pay `payInFull` by `until` and save `saves`. Null when there is none today. */
export interface DiscountOffer {
  until: string;
  payInFull: number;
  saves: number;
}

export function discountOffer(invoice: TermsInvoice, today: string): DiscountOffer | null {
  if (!inDiscountWindow(invoice, today) || invoice.payable <= 0) return null;
  const left = discountCap(invoice) - invoice.amountDiscounted;
  const saves = Math.min(left, roundDiv(BigInt(invoice.payable) * BigInt(invoice.discountBps!), 10_000n));
  if (saves <= 0) return null;
  return { until: discountDeadline(invoice)!, payInFull: invoice.payable - saves, saves };
}

/** The most a payer can pay on the invoice today: what settles it in full. */
export function mostPayable(invoice: TermsInvoice, today: string): number {
  return discountOffer(invoice, today)?.payInFull ?? invoice.payable;
}

/**
 * The discount earned by paying `amount` today: a payment P inside the window settles P / (1 − d)
 * (rounded half up), never more than what is payable, never beyond d × the original amount in
 * total. Paying the offer's full amount settles the whole payable balance.
 */
export function discountFor(invoice: TermsInvoice, amount: number, today: string): number {
  const offer = discountOffer(invoice, today);
  if (!offer || amount <= 0) return 0;
  if (amount >= offer.payInFull) return Math.max(0, invoice.payable - amount);
  const bps = BigInt(invoice.discountBps!);
  const earned = roundDiv(BigInt(amount) * bps, 10_000n - bps);
  return Math.max(0, Math.min(earned, offer.saves, invoice.payable - amount));
}

/** One invoice in a quote: what the payer asked to settle on it with money, and with credit. */
export interface QuoteRequest {
  invoice: TermsInvoice & { id: string };
  /** What the payer puts towards the invoice (money and credit together). */
  amount: number;
  /** Of `amount`, how much comes from credits. */
  credit: number;
}

export interface QuotedLine {
  invoiceId: string;
  /** Money charged for this invoice (amount − credit). */
  charge: number;
  credit: number;
  discount: number;
  /** What the invoice's balance falls by once paid: charge + credit + discount. */
  settles: number;
}

/** The lines and totals of a quote, from requests already checked against `mostPayable`. */
export function quoteLines(requests: QuoteRequest[], today: string): { lines: QuotedLine[]; total: number; discountTotal: number; creditTotal: number } {
  const lines = requests.map((r) => {
    const discount = discountFor(r.invoice, r.amount, today);
    return { invoiceId: r.invoice.id, charge: r.amount - r.credit, credit: r.credit, discount, settles: r.amount + discount };
  });
  return {
    lines,
    total: lines.reduce((s, l) => s + l.charge, 0),
    discountTotal: lines.reduce((s, l) => s + l.discount, 0),
    creditTotal: lines.reduce((s, l) => s + l.credit, 0),
  };
}

/**
 * Spreads the credit a payer chose to use over the invoices in the order given (oldest due
 * first), each up to what is put towards it. Returns the credit per invoice id and per credit.
 */
export function spreadCredits(
  credits: Array<{ creditId: string; amount: number }>,
  invoices: Array<{ invoiceId: string; amount: number }>,
): Array<{ creditId: string; invoiceId: string; amount: number }> {
  const room = new Map(invoices.map((i) => [i.invoiceId, i.amount]));
  const out: Array<{ creditId: string; invoiceId: string; amount: number }> = [];
  for (const credit of credits) {
    let left = credit.amount;
    for (const inv of invoices) {
      if (left <= 0) break;
      const take = Math.min(left, room.get(inv.invoiceId) ?? 0);
      if (take <= 0) continue;
      out.push({ creditId: credit.creditId, invoiceId: inv.invoiceId, amount: take });
      room.set(inv.invoiceId, (room.get(inv.invoiceId) ?? 0) - take);
      left -= take;
    }
  }
  return out;
}
