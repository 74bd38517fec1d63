import { and, asc, count, desc, eq, gt, ilike, isNull, lt, or, sql, type Placeholder, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import { accounts } from "#db/schema/accounts";
import { accountInvoiceTotals, invoices } from "#db/schema/invoices";
import { db, prepared, type Db } from "~/db.server";
import { today } from "~/utils/clock";
import type { Actor } from "~/modules/auth/actor";
import { accountInvoicesScope, inPayersAccountPrepared, inReadersAccount, invoiceScope } from "./scope.server";
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
const feeParent = alias(invoices, "fee_parent");

const sortColumns = {
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

export function filterCondition(filter: InvoiceListQuery["filter"], day: string | Placeholder): SQL | undefined {
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


/** What the list selects of each invoice. */
const listColumns = {
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
};

function pageQuery(executor: Db, where: SQL | undefined, order: SQL, limit: number | Placeholder, offset: number | Placeholder) {
  return executor
    .select(listColumns)
    .from(invoices)
    .innerJoin(accounts, eq(accounts.id, invoices.accountId))
    .leftJoin(feeParent, eq(feeParent.id, invoices.lateFeeForInvoiceId))
    .where(where)
    .orderBy(order, asc(invoices.id))
    .limit(limit)
    .offset(offset);
}

/** The filter on the kept totals (migration 0021) that counts what `filterCondition` lists. */
function totalsFilterCondition(filter: InvoiceListQuery["filter"], day: string | Placeholder): SQL | undefined {
  switch (filter) {
    case "open":
      return eq(accountInvoiceTotals.bucket, "open");
    case "overdue":
      return and(eq(accountInvoiceTotals.bucket, "open"), lt(accountInvoiceTotals.dueDate, day), eq(accountInvoiceTotals.onPlan, false));
    case "paid":
      return eq(accountInvoiceTotals.bucket, "paid");
    case "all":
      return undefined;
  }
}

/** An account's invoice count under a filter, from the kept totals: a few hundred rows, not thousands of invoices. */
function keptCountQuery(executor: Db, inAccount: SQL, filter: InvoiceListQuery["filter"], day: string | Placeholder) {
  return executor
    .select({ total: sql<number>`coalesce(sum(${accountInvoiceTotals.invoiceCount}), 0)::int` })
    .from(accountInvoiceTotals)
    .where(and(inAccount, totalsFilterCondition(filter, day)));
}

/**
 * A payer's page and count without a search term: prepared statements, one per filter, sort and
 * direction (built on first use). A search stays unprepared: an ILIKE pattern's best plan depends
 * on the pattern, and a generic plan would be chosen after five executions.
 */
async function payerAccountPage(userId: string, accountId: string, filter: InvoiceListQuery["filter"], sort: keyof typeof sortColumns, dir: "asc" | "desc", page: number, day: string) {
  const name = `invoice_list_${filter}_${sort}_${dir}`;
  const rows = prepared(name, (pool) => {
    const order = dir === "asc" ? asc(sortColumns[sort]) : desc(sortColumns[sort]);
    const where = and(inPayersAccountPrepared(invoices.accountId), filterCondition(filter, sql.placeholder("day")));
    return pageQuery(pool, where, order, sql.placeholder("limit"), sql.placeholder("offset")).prepare(name);
  });
  const count = prepared(`invoice_count_${filter}`, (pool) => keptCountQuery(pool, inPayersAccountPrepared(accountInvoiceTotals.accountId), filter, sql.placeholder("day")).prepare(`invoice_count_${filter}`));
  return Promise.all([rows.execute({ userId, accountId, day, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }), count.execute({ userId, accountId, day })]);
}

/**
 * One page of invoices for the reader's scope, optionally narrowed to one account (payers:
 * their active account) and searched by invoice number or PO (and customer name for staff).
 */
export async function listInvoices(scope: Actor, query: InvoiceListQuery & { accountId?: string }) {
  const day = today();
  const companyDay = companyToday();
  const term = query.q ? containsPattern(query.q) : undefined;
  const { sort, dir } = effectiveSort(query);

  let rows: Awaited<ReturnType<typeof pageQuery>>;
  let totals: { total: number }[];
  if (scope.kind === "payer" && query.accountId && !term) {
    [rows, totals] = await payerAccountPage(scope.userId, query.accountId, query.filter, sort, dir, query.page, day);
  } else {
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
    const order = dir === "asc" ? asc(sortColumns[sort]) : desc(sortColumns[sort]);
    // One account's count without a search comes from the kept totals; a search counts its matches.
    const counted =
      query.accountId && !term
        ? keptCountQuery(db, inReadersAccount(scope, accountInvoiceTotals.accountId, query.accountId), query.filter, day)
        : db.select({ total: count() }).from(invoices).where(where);
    [rows, totals] = await Promise.all([pageQuery(db, where, order, PAGE_SIZE, (query.page - 1) * PAGE_SIZE), counted]);
  }
  const total = totals[0]?.total ?? 0;
  return {
    rows: toInvoiceRows(rows, day, companyDay),
    total,
    page: query.page,
    pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    sort,
    dir,
  };
}

export type InvoiceList = Awaited<ReturnType<typeof listInvoices>>;

/** One page of invoice rows, as the list shows them, for any condition (the staff search's too). */
export async function invoiceRowsPage(where: SQL | undefined, sort: keyof typeof sortColumns, dir: "asc" | "desc", offset: number): Promise<InvoiceRow[]> {
  const order = dir === "asc" ? asc(sortColumns[sort]) : desc(sortColumns[sort]);
  return toInvoiceRows(await pageQuery(db, where, order, PAGE_SIZE, offset), today(), companyToday());
}

function toInvoiceRows(rows: Awaited<ReturnType<typeof pageQuery>>, day: string, companyDay: string): InvoiceRow[] {
  return rows.map(
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
  );
}

