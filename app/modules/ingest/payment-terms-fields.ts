import type { z as z4 } from "zod";
import type { PaymentTermsInput } from "~/modules/api/schemas";
import { bpsToPercent, percentToBps, type StoredTerms } from "~/modules/terms/payment-terms";
import { discountDeadline } from "~/modules/terms/quote-rules";

type PaymentTermsIn = z4.output<typeof PaymentTermsInput>;

export const NO_TERMS: StoredTerms = { netDays: null, discountBps: null, discountDays: null };

/** The API's (or a CSV row's) payment terms as stored: null is no terms. Already validated by the schema. */
export function storedTerms(input: PaymentTermsIn | null): StoredTerms {
  if (!input) return NO_TERMS;
  const bps = input.discount_percent === undefined ? null : percentToBps(input.discount_percent);
  return { netDays: input.net_days, discountBps: bps, discountDays: bps === null ? null : (input.discount_days ?? null) };
}

/** A customer's defaults as an invoice's terms. */
export function customerDefaultTerms(a: { defaultNetDays: number | null; defaultDiscountBps: number | null; defaultDiscountDays: number | null }): StoredTerms {
  return { netDays: a.defaultNetDays, discountBps: a.defaultDiscountBps, discountDays: a.defaultDiscountDays };
}

/** Stored terms in the API's words, or null when there are none. */
export function termsOut(t: StoredTerms) {
  if (t.netDays === null && t.discountBps === null) return null;
  return { net_days: t.netDays, discount_percent: t.discountBps === null ? null : bpsToPercent(t.discountBps), discount_days: t.discountBps === null ? null : t.discountDays };
}

/** An invoice's terms in the API's words, with the last day of its discount window. */
export function invoiceTermsOut(i: StoredTerms & { issueDate: string }) {
  const out = termsOut(i);
  return out && { ...out, discount_until: i.discountBps === null ? null : discountDeadline(i) };
}
