import { and, asc, eq, or, sql } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { invoiceLines, invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { today } from "~/utils/clock";
import { notFound, type Problem } from "~/utils/problem";
import { invoiceScope } from "./scope.server";
import { companyToday } from "~/modules/terms/company-date.server";
import { invoiceOffer, termsLabel } from "~/modules/terms/payment-terms";
import { discountDeadline } from "~/modules/terms/quote-rules";
import { daysPastDue, displayStatus } from "./status";
import type { InvoiceDetail, LateFeeView } from "./types";

/**
 * One invoice with its lines; not_found when it does not exist *for this reader*.
 * Its three reads (the invoice, its lines, its late-fee relatives) go out side by side: each
 * needs only the id, so the page waits for one round trip, not three in a row.
 */
export async function getInvoice(scope: Actor, invoiceId: string): Promise<InvoiceDetail | Problem> {
  // The invoice a late fee is charged on (found through the fee's own row, in SQL), and the fees charged on this one.
  const parentOfThis = sql`(select fee_of.late_fee_for_invoice_id from ${invoices} fee_of where fee_of.id = ${invoiceId})`;
  const [[row], lines, related] = await Promise.all([
    db
      .select({ invoice: invoices, account: { id: accounts.id, name: accounts.name, number: accounts.number, billingEmail: accounts.billingEmail } })
      .from(invoices)
      .innerJoin(accounts, eq(accounts.id, invoices.accountId))
      .where(and(eq(invoices.id, invoiceId), invoiceScope(scope)))
      .limit(1),
    // Unscoped on its own, but only returned with an invoice the reader may see (below).
    db
      .select({
        id: invoiceLines.id,
        position: invoiceLines.position,
        description: invoiceLines.description,
        sku: invoiceLines.sku,
        quantity: invoiceLines.quantity,
        unitAmount: invoiceLines.unitAmount,
        amount: invoiceLines.amount,
      })
      .from(invoiceLines)
      .where(eq(invoiceLines.invoiceId, invoiceId))
      .orderBy(asc(invoiceLines.position)),
    db
      .select({ id: invoices.id, number: invoices.number, period: invoices.lateFeePeriod, issueDate: invoices.issueDate, total: invoices.total, balance: invoices.balance, status: invoices.status, feeFor: invoices.lateFeeForInvoiceId })
      .from(invoices)
      .where(and(or(eq(invoices.lateFeeForInvoiceId, invoiceId), sql`${invoices.id} = ${parentOfThis}`), invoiceScope(scope)))
      .orderBy(asc(invoices.lateFeePeriod), asc(invoices.issueDate)),
  ]);
  if (!row) return notFound("Invoice not found.");
  const inv = row.invoice;
  const day = today();
  const parent = related.find((r) => r.id === inv.lateFeeForInvoiceId);
  const lateFees: LateFeeView[] = related.filter((r) => r.feeFor === inv.id).map(({ feeFor: _, ...fee }) => fee);
  const terms = { netDays: inv.netDays, discountBps: inv.discountBps, discountDays: inv.discountDays };
  return {
    id: inv.id,
    number: inv.number,
    poNumber: inv.poNumber,
    currency: inv.currency,
    issueDate: inv.issueDate,
    dueDate: inv.dueDate,
    terms: inv.terms,
    status: inv.status,
    displayStatus: displayStatus(inv, day),
    daysPastDue: inv.status === "open" ? daysPastDue(inv.dueDate, day) : 0,
    subtotal: inv.subtotal,
    taxTotal: inv.taxTotal,
    taxLabel: inv.taxLabel,
    total: inv.total,
    amountPaid: inv.amountPaid,
    amountCredited: inv.amountCredited,
    amountPending: inv.amountPending,
    amountDisputed: inv.amountDisputed,
    balance: inv.balance,
    paymentPlanId: inv.paymentPlanId,
    memo: inv.memo,
    account: row.account,
    lines,
    paymentTerms: { ...terms, label: termsLabel(terms), discountUntil: inv.discountBps === null ? null : discountDeadline(inv) },
    amountDiscounted: inv.amountDiscounted,
    offer: invoiceOffer(inv, companyToday()),
    lateFeeFor: parent ? { id: parent.id, number: parent.number } : null,
    lateFees,
  };
}
