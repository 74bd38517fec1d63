import type { InvoiceStatus } from "#db/schema/invoices";

/** What a payer sees as an invoice's state: "overdue" and "partially paid" are derived. */
export type DisplayStatus = "open" | "partially_paid" | "overdue" | "paid" | "void";

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
}
