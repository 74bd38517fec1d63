import type { InvoiceStatus } from "#db/schema/invoices";

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
}

export interface AgingBuckets {
  current: number;
  days1to30: number;
  days31to60: number;
  days61to90: number;
  over90: number;
}

export interface StatementItem {
  id: string;
  number: string;
  poNumber: string | null;
  issueDate: string;
  dueDate: string;
  total: number;
  balance: number;
  daysPastDue: number;
}

export interface StatementCurrencySection {
  currency: string;
  items: StatementItem[];
  aging: AgingBuckets;
  total: number;
}

export interface Statement {
  account: { id: string; name: string; number: string; billingEmail: string | null };
  asOf: string;
  sections: StatementCurrencySection[];
}

/** Who issues the documents (the company running the portal). */
export interface Issuer {
  name: string;
  /** PNG or JPEG bytes (COMPANY_LOGO_PATH), drawn above the name. */
  logo?: Buffer | null;
}
