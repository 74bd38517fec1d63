import type { InvoiceStatus } from "#db/schema/invoices";
import type { StoredTerms } from "~/modules/terms/payment-terms";
import type { DiscountOffer } from "~/modules/terms/quote-rules";

/**
 * What a payer sees as an invoice's state: "overdue", "partially paid" and "on plan" are
 * derived. An invoice on a payment plan is paid through the plan, so it is never "overdue".
 */
export type DisplayStatus = "open" | "partially_paid" | "partly_credited" | "overdue" | "on_plan" | "paid" | "credited" | "void";

export interface InvoiceLineView {
  id: string;
  position: number;
  description: string;
  sku: string | null;
  /** Decimal string as stored, e.g. "2.500". */
  quantity: string;
  unitAmount: number;
  amount: number;
}

export interface InvoiceDetail {
  id: string;
  number: string;
  poNumber: string | null;
  currency: string;
  issueDate: string;
  dueDate: string;
  terms: string;
  status: InvoiceStatus;
  displayStatus: DisplayStatus;
  daysPastDue: number;
  subtotal: number;
  taxTotal: number;
  taxLabel: string | null;
  total: number;
  amountPaid: number;
  amountCredited: number;
  /** Reserved by payments under way (not yet paid, not payable again). */
  amountPending: number;
  /** Held by open disputes (not payable until they are settled). */
  amountDisputed: number;
  balance: number;
  /** The payment plan that holds this invoice (set while the plan is being set up or runs). */
  paymentPlanId: string | null;
  memo: string | null;
  account: { id: string; name: string; number: string; billingEmail: string | null };
  lines: InvoiceLineView[];
  /** Net days and early-payment discount, with "2/10 net 30" and the discount's last day (null without one). */
  paymentTerms: StoredTerms & { label: string | null; discountUntil: string | null };
  /** Early-payment discount already taken (part of amountCredited). */
  amountDiscounted: number;
  /** What paying in full today saves, on the company's calendar; null outside the window or with nothing payable. */
  offer: DiscountOffer | null;
  /** On a late fee (its own invoice): the invoice it is charged on. */
  lateFeeFor: { id: string; number: string } | null;
  /** The late fees charged on this invoice, oldest period first. */
  lateFees: LateFeeView[];
}

export interface LateFeeView {
  id: string;
  number: string;
  period: number | null;
  issueDate: string;
  total: number;
  balance: number;
  status: InvoiceStatus;
}

export interface AgingBuckets {
  current: number;
  days1to30: number;
  days31to60: number;
  days61to90: number;
  over90: number;
}

/** What moved an account's balance on a statement line (positive amounts increase what is owed). */
export type StatementLineKind =
  | "invoice"
  | "payment"
  | "offline_payment"
  | "credit"
  | "refund"
  | "chargeback"
  | "chargeback_reinstated"
  | "void"
  | "adjustment"
  | "late_fee"
  | "discount";

export interface StatementLine {
  date: string;
  kind: StatementLineKind;
  /** What the payer recognises: the invoice number, or the invoices a payment or credit applied to. */
  invoices: string;
  /** Card or bank label, credit reason, offline reference. */
  detail: string | null;
  /** Minor units: positive adds to the balance (invoice, refund, chargeback), negative reduces it. */
  amount: number;
  /** The balance after this line, carried across pages. */
  balance: number;
  /** On an invoice line: its early-payment offer today, if any. */
  offer?: DiscountOffer | null;
}

/** An open invoice whose early-payment discount can still be earned today. */
export interface StatementOffer extends DiscountOffer {
  currency: string;
  invoiceId: string;
  number: string;
}

export interface StatementPeriod {
  from: string;
  to: string;
}

export interface StatementCurrencySection {
  currency: string;
  /** Balance at the start of `from` (everything dated before it). */
  opening: number;
  /** Balance at the end of `to`. */
  closing: number;
  /** Sums of the period's lines: what was invoiced and what reduced or reopened the balance. */
  invoiced: number;
  reductions: number;
  increases: number;
  lineCount: number;
  /** Open balances at the end of `to`, by days past due then. */
  aging: AgingBuckets;
  /** Succeeded payments only: processing ones (ACH still settling) are listed apart, not counted. */
  processing: { count: number; amount: number };
}

export interface Statement {
  account: { id: string; name: string; number: string; billingEmail: string | null };
  asOf: string;
  period: StatementPeriod;
  sections: StatementCurrencySection[];
  /** The period's lines of every section (currency, date order), or one page of them. */
  lines: Array<StatementLine & { currency: string }>;
  page: { number: number; size: number; count: number } | null;
  /** Every open invoice of the account with an early-payment offer today (whatever the period). */
  offers: StatementOffer[];
}

/** Who issues the documents (the company running the portal). */
export interface Issuer {
  name: string;
  /** PNG or JPEG bytes (COMPANY_LOGO_PATH), drawn above the name. */
  logo?: Buffer | null;
}
