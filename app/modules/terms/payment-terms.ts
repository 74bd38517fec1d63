/**
 * Payment terms as people read and write them (pure, shared by the API, the CSV import, pages,
 * PDFs and emails): a percent typed as "2" or 1.5 ↔ basis points, "2/10 net 30", and the offer
 * sentence "Pay USD 980.00 by Dec 16, 2026 and save USD 20.00".
 */
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { payableAmount } from "~/modules/invoices/payable";
import { discountOffer, type DiscountOffer } from "./quote-rules";

/** An invoice's (or a customer's default) terms as stored: bps 200 = 2 %. */
export interface StoredTerms {
  netDays: number | null;
  discountBps: number | null;
  discountDays: number | null;
}

/** A percent with at most two decimals strictly between 0 and 100: "2", "1.5", "0.25". */
export const PERCENT_PATTERN = /^\d{1,2}(\.\d{1,2})?$/;

/**
 * "2" or 1.5 → basis points (200, 150), or null when it is not a percent with at most two
 * decimals strictly between 0 and 100. Exact: no floating-point arithmetic on the digits.
 */
export function percentToBps(value: string | number): number | null {
  const text = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : value.trim();
  if (!PERCENT_PATTERN.test(text)) return null;
  const [whole, fraction = ""] = text.split(".");
  const bps = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  return bps > 0 && bps < 10_000 ? bps : null;
}

/** 200 → "2", 150 → "1.5", 25 → "0.25". */
export function bpsToPercent(bps: number): string {
  const whole = Math.floor(bps / 100);
  const fraction = String(bps % 100).padStart(2, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/** "2/10 net 30", "net 30", "2/10" (no net days), or null when there are no terms. */
export function termsLabel(t: StoredTerms): string | null {
  const discount = t.discountBps != null && t.discountDays != null ? `${bpsToPercent(t.discountBps)}/${t.discountDays}` : null;
  const net = t.netDays != null ? `net ${t.netDays}` : null;
  if (!discount && !net) return null;
  return [discount, net].filter(Boolean).join(" ");
}

/** "2 % if paid within 10 days of the invoice date": the discount in words, or null. */
export function discountTermsSentence(t: StoredTerms): string | null {
  if (t.discountBps == null || t.discountDays == null) return null;
  const days = t.discountDays === 0 ? "on the invoice date" : `within ${t.discountDays} day${t.discountDays === 1 ? "" : "s"} of the invoice date`;
  return `${bpsToPercent(t.discountBps)} % early-payment discount if paid ${days}`;
}

/** "Pay USD 980.00 by Dec 16, 2026 and save USD 20.00". */
export function offerSentence(offer: DiscountOffer, currency: string): string {
  return `Pay ${formatMoney(offer.payInFull, currency)} by ${formatDate(offer.until)} and save ${formatMoney(offer.saves, currency)}`;
}

/** "Early-payment discount taken: USD 20.00". */
export function discountTakenSentence(amountDiscounted: number, currency: string): string {
  return `Early-payment discount taken: ${formatMoney(amountDiscounted, currency)}`;
}

/** An invoice row as the offer reads it (what is payable now, its terms, the discount already taken). */
export interface OfferInvoice {
  status: string;
  total: number;
  balance: number;
  amountPending: number;
  amountDisputed: number;
  amountDiscounted: number;
  paymentPlanId: string | null;
  issueDate: string;
  discountBps: number | null;
  discountDays: number | null;
}

/** The early-payment offer on an invoice `today` (the company's date), from its stored row: null when there is none. */
export function invoiceOffer(i: OfferInvoice, today: string): DiscountOffer | null {
  if (i.discountBps === null) return null;
  return discountOffer({ total: i.total, payable: payableAmount(i), amountDiscounted: i.amountDiscounted, issueDate: i.issueDate, discountBps: i.discountBps, discountDays: i.discountDays }, today);
}
