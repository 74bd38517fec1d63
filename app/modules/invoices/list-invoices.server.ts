import { and, asc, count, desc, eq, gt, ilike, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import { accounts } from "#db/schema/accounts";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { today } from "~/utils/clock";
import type { Actor } from "~/modules/auth/actor";
import { accountInvoicesScope, invoiceScope } from "./scope.server";
import { daysPastDue, displayStatus } from "./status";
import type { DisplayStatus } from "./types";
import { companyToday } from "~/modules/terms/company-date.server";
import { invoiceOffer } from "~/modules/terms/payment-terms";
import type { DiscountOffer } from "~/modules/terms/quote-rules";
import { containsPattern } from "~/utils/like-pattern";

export const invoiceFilters = ["open", "overdue", "paid", "all"] as const;
export const invoiceSorts = ["due", "issued", "number", "total", "balance"] as const;
export const PAGE_SIZE = 25;

/** The list's search parameters; anything unknown falls back to a sensible default. */
export const invoiceListQuery = z.object({
  filter: z.enum(invoiceFilters).catch("open"),
  q: z.string().trim().max(100).catch(""),
  sort: z.enum(invoiceSorts).optional().catch(undefined),
  dir: z.enum(["asc", "desc"]).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
  account: z.string().max(40).optional().catch(undefined),
});
export type InvoiceListQuery = z.infer<typeof invoiceListQuery>;

export interface InvoiceRow {
  id: string;
  number: string;
  poNumber: string | null;
  currency: string;
  issueDate: string;
  dueDate: string;
  total: number;
  balance: number;
  /** The payment plan holding the invoice, if any. */
  paymentPlanId: string | null;
  displayStatus: DisplayStatus;
  daysPastDue: number;
  accountId: string;
  accountName: string;
  /** Its early-payment offer today (the company's date), if any. */
  offer: DiscountOffer | null;
  /** A late fee's invoice: the invoice it is charged on (same account). */
  lateFeeFor: { id: string; number: string } | null;
}

/** The invoice a late fee is charged on, joined by the fee's `late_fee_for_invoice_id`. */
export const feeParent = alias(invoices, "fee_parent");

export const sortColumns = {
  due: invoices.dueDate,
  issued: invoices.issueDate,
  number: invoices.number,
  total: invoices.total,
  balance: invoices.balance,
};

/** The default order follows what the person is looking for: what's due next, or what's newest. */
export function effectiveSort(query: InvoiceListQuery): { sort: (typeof invoiceSorts)[number]; dir: "asc" | "desc" } {
  if (query.sort) return { sort: query.sort, dir: query.dir ?? "asc" };
  const chasing = query.filter === "open" || query.filter === "overdue";
  return chasing ? { sort: "due", dir: query.dir ?? "asc" } : { sort: "issued", dir: query.dir ?? "desc" };
}

export function filterCondition(filter: InvoiceListQuery["filter"], day: string): SQL | undefined {
  switch (filter) {
    case "open":
      return and(eq(invoices.status, "open"), gt(invoices.balance, 0));
    case "overdue":
      // An invoice on a payment plan is paid through the plan: it is not chased as overdue.
      return and(eq(invoices.status, "open"), gt(invoices.balance, 0), lt(invoices.dueDate, day), isNull(invoices.paymentPlanId));
    case "paid":
      return eq(invoices.status, "paid");
    case "all":
      return undefined;
  }
}


/**
 * One page of invoices for the reader's scope, optionally narrowed to one account (payers:
 * their active account) and searched by invoice number or PO (and customer name for staff).
 */
export async function listInvoices(scope: Actor, query: InvoiceListQuery & { accountId?: string }) {
  const day = today();
  const companyDay = companyToday();
  const term = query.q ? containsPattern(query.q) : undefined;
  const where = and(
    query.accountId ? accountInvoicesScope(scope, query.accountId) : invoiceScope(scope),
    filterCondition(query.filter, day),
    term
      ? or(
          ilike(invoices.number, term),
          ilike(invoices.poNumber, term),
          // As an array of ids (not a join condition) so Postgres can OR three index scans.
          scope.kind !== "payer" ? sql`${invoices.accountId} = any(array(select ${accounts.id} from ${accounts} where ${accounts.name} ilike ${term}))` : undefined,
        )
      : undefined,
  );
  const { sort, dir } = effectiveSort(query);
  const order = dir === "asc" ? asc(sortColumns[sort]) : desc(sortColumns[sort]);

  const [rows, [totals]] = await Promise.all([
    db
      .select({
        id: invoices.id,
        number: invoices.number,
        poNumber: invoices.poNumber,
        currency: invoices.currency,
        issueDate: invoices.issueDate,
        dueDate: invoices.dueDate,
        status: invoices.status,
        total: invoices.total,
        amountPaid: invoices.amountPaid,
        amountCredited: invoices.amountCredited,
        balance: invoices.balance,
        paymentPlanId: invoices.paymentPlanId,
        accountId: invoices.accountId,
        accountName: accounts.name,
        amountPending: invoices.amountPending,
        amountDisputed: invoices.amountDisputed,
        amountDiscounted: invoices.amountDiscounted,
        discountBps: invoices.discountBps,
        discountDays: invoices.discountDays,
        feeParentId: feeParent.id,
        feeParentNumber: feeParent.number,
      })
      .from(invoices)
      .innerJoin(accounts, eq(accounts.id, invoices.accountId))
      .leftJoin(feeParent, eq(feeParent.id, invoices.lateFeeForInvoiceId))
      .where(where)
      .orderBy(order, asc(invoices.id))
      .limit(PAGE_SIZE)
      .offset((query.page - 1) * PAGE_SIZE),
    db.select({ total: count() }).from(invoices).where(where),
  ]);
  const total = totals?.total ?? 0;
  return {
    rows: rows.map(
      (r): InvoiceRow => ({
        id: r.id,
        number: r.number,
        poNumber: r.poNumber,
        currency: r.currency,
        issueDate: r.issueDate,
        dueDate: r.dueDate,
        total: r.total,
        balance: r.balance,
        paymentPlanId: r.paymentPlanId,
        accountId: r.accountId,
        accountName: r.accountName,
        lateFeeFor: r.feeParentId && r.feeParentNumber ? { id: r.feeParentId, number: r.feeParentNumber } : null,
        displayStatus: displayStatus(r, day),
        daysPastDue: r.status === "open" ? daysPastDue(r.dueDate, day) : 0,
        offer: invoiceOffer(r, companyDay),
      }),
    ),
    total,
    page: query.page,
    pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    sort,
    dir,
  };
}

export type InvoiceList = Awaited<ReturnType<typeof listInvoices>>;

