import { asc, eq } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { invoiceLines, invoices, type Invoice, type InvoiceLine } from "#db/schema/invoices";
import type { Executor } from "~/db.server";
import type { InvoiceOut } from "~/modules/api/schemas";
import { invoiceTermsOut } from "./payment-terms-fields";

/** "2.500" → "2.5", "3.000" → "3": the canonical form of a quantity, for comparing and answering. */
export function canonicalQuantity(quantity: string): string {
  if (!quantity.includes(".")) return quantity.replace(/^0+(?=\d)/, "");
  return quantity.replace(/^0+(?=\d)/, "").replace(/0+$/, "").replace(/\.$/, "");
}

/** round(quantity × unit), half away from zero, exact (BigInt on thousandths). */
export function lineAmount(quantity: string, unitAmount: number): number {
  const [whole, fraction = ""] = quantity.split(".");
  const milli = BigInt(whole!) * 1000n + BigInt(fraction.padEnd(3, "0"));
  const product = milli * BigInt(unitAmount);
  const negative = product < 0n;
  const abs = negative ? -product : product;
  const rounded = (abs + 500n) / 1000n;
  const result = Number(negative ? -rounded : rounded);
  return result;
}

export async function lockInvoiceByExternalId(tx: Executor, externalId: string): Promise<Invoice | undefined> {
  const [row] = await tx.select().from(invoices).where(eq(invoices.externalId, externalId)).for("update");
  return row;
}

/** The API representation of one invoice, read within `exec` (so a transaction sees its own writes). */
export async function invoiceView(exec: Executor, invoiceId: string): Promise<InvoiceOut> {
  const [row] = await exec
    .select({ invoice: invoices, customerExternalId: accounts.externalId })
    .from(invoices)
    .innerJoin(accounts, eq(accounts.id, invoices.accountId))
    .where(eq(invoices.id, invoiceId));
  if (!row) throw new Error(`invoice ${invoiceId} not found`);
  const lines = await exec.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, invoiceId)).orderBy(asc(invoiceLines.position));
  return toInvoiceOut(row.invoice, row.customerExternalId, lines);
}

/** Maps a stored invoice and its lines (in position order) to the API shape, without reading anything. */
export function toInvoiceOut(i: Invoice, customerExternalId: string | null, lines: Array<Pick<InvoiceLine, "description" | "sku" | "quantity" | "unitAmount" | "amount">>): InvoiceOut {
  return {
    id: i.id,
    external_id: i.externalId,
    customer_external_id: customerExternalId,
    number: i.number,
    po_number: i.poNumber,
    currency: i.currency,
    issue_date: i.issueDate,
    due_date: i.dueDate,
    terms: i.terms,
    status: i.status,
    subtotal: i.subtotal,
    tax_total: i.taxTotal,
    tax_label: i.taxLabel,
    total: i.total,
    amount_paid: i.amountPaid,
    amount_credited: i.amountCredited,
    amount_pending: i.amountPending,
    amount_disputed: i.amountDisputed,
    balance: i.balance,
    amount_discounted: i.amountDiscounted,
    payment_terms: invoiceTermsOut(i),
    memo: i.memo,
    lines: lines.map((l) => ({ description: l.description, sku: l.sku, quantity: canonicalQuantity(l.quantity), unit_amount: l.unitAmount, amount: l.amount })),
    created_at: i.createdAt.toISOString(),
    updated_at: i.updatedAt.toISOString(),
  };
}

/** What can still be paid or credited now: balance less what payments under way and open disputes hold. */
export function payableNow(invoice: Invoice): number {
  return invoice.balance - invoice.amountPending - invoice.amountDisputed;
}
