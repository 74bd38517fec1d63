import { sql, type SQL } from "drizzle-orm";
import { db } from "~/db.server";
import { isStaffActor, type Actor } from "~/modules/auth/actor";
import { addDays } from "~/utils/dates";
import { forbidden, invalidField, isProblem, type Problem } from "~/utils/problem";
import { drillFigures, type DrillFigure } from "./analytics-filters";
import { drillScope, pageOf, type DrillScope } from "./drill-query.server";
import { scopedAccounts, type ReceivablesScope } from "./receivables-source.server";

export const FIGURE_PAGE_SIZE = 50;
/** A CSV holds at most this many rows (and says so when there were more). */
export const DRILL_CSV_MAX_ROWS = 100_000;

export const figureSorts = ["amount", "days"] as const;
export type FigureSort = (typeof figureSorts)[number];

export interface FigureInvoiceRow {
  invoiceId: string;
  number: string;
  accountId: string;
  accountName: string;
  accountNumber: string;
  issueDate: string;
  dueDate: string;
  /** Days past due at the as-of date (0 when not yet due); null when nothing was open then. */
  daysPastDue: number | null;
  /** Balance at the as-of date (AR figures), or the sale's amount (credit sales); minor units. */
  amount: number;
}

export interface FigureInvoices extends DrillScope {
  figure: DrillFigure;
  sort: FigureSort;
  rows: FigureInvoiceRow[];
  /** Every invoice behind the figure (not only this page) and their sum: the figure itself. */
  count: number;
  sum: number;
  page: number;
  pageCount: number;
  /** For the CSV: more rows than it holds. */
  capped: boolean;
}

/**
 * GET /admin/analytics/invoices (and its CSV): the invoices behind one of the dashboard's
 * figures at `as_of` within its filters, with each one's part of it. Their sum is the figure
 * `receivablesFigures` gives for the same scope, to the cent. Staff only. `all` returns every row
 * up to DRILL_CSV_MAX_ROWS instead of a page.
 */
export async function listFigureInvoices(actor: Actor, input: { params: Record<string, string>; all?: boolean }): Promise<FigureInvoices | Problem> {
  if (!isStaffActor(actor)) return forbidden("Receivables figures are for the AR team.");
  const figure = (input.params.figure ?? "ar_total") as DrillFigure;
  if (!drillFigures.includes(figure)) return invalidField("figure", `Unknown figure "${input.params.figure}": choose one of ${drillFigures.join(", ")}.`);
  const scope = await drillScope(input.params);
  if (isProblem(scope)) return scope;
  const sort: FigureSort = input.params.sort === "days" ? "days" : "amount";
  const page = input.all ? 1 : pageOf(input.params);
  const limit = input.all ? DRILL_CSV_MAX_ROWS : FIGURE_PAGE_SIZE;

  const { page: pageSql, totals: totalsSql } = figureInvoicesSql(scope, figure, sort, limit, (page - 1) * limit);
  const [rows, [totals]] = await Promise.all([
    db.execute<{ invoice_id: string; number: string; account_id: string; account_name: string; account_number: string; issue_date: string; due_date: string; days: number | null; amount: string }>(pageSql),
    db.execute<{ count: number; sum: string }>(totalsSql),
  ]);
  const count = totals?.count ?? 0;
  return {
    ...scope,
    figure,
    sort,
    rows: rows.map((r) => ({
      invoiceId: r.invoice_id,
      number: r.number,
      accountId: r.account_id,
      accountName: r.account_name,
      accountNumber: r.account_number,
      issueDate: r.issue_date,
      dueDate: r.due_date,
      daysPastDue: r.days,
      amount: Number(r.amount),
    })),
    count,
    sum: Number(totals?.sum ?? 0),
    page,
    pageCount: Math.max(1, Math.ceil(count / limit)),
    capped: count > limit,
  };
}

/** The two statements of a drill-down: one page of invoices, and the count and sum of them all. */
export function figureInvoicesSql(scope: Pick<DrillScope, "scope" | "asOf" | "period">, figure: DrillFigure, sort: FigureSort, limit: number, offset: number): { page: SQL; totals: SQL } {
  const source = figure === "credit_sales" ? creditSales(scope.scope, scope.period.start, scope.asOf) : openAt(scope.scope, scope.asOf);
  const where = figureCondition(figure, scope.asOf);
  const order = sort === "days" ? sql`f.due_date asc, f.amount desc, f.invoice_id` : sql`f.amount desc, f.due_date asc, f.invoice_id`;
  const asOf = sql`${scope.asOf}::date`;
  return {
    // The page is picked before accounts are joined: 50 lookups, not one per open invoice.
    page: sql`
      select f.invoice_id, f.number, f.account_id, a.name as account_name, a.number as account_number,
        f.issue_date::text, f.due_date::text, f.amount::text,
        case when f.open_amount <> 0 then greatest(${asOf} - f.due_date, 0) end as days
      from (select * from ${source} f where ${where} order by ${order} limit ${limit} offset ${offset}) f
      join accounts a on a.id = f.account_id
      order by ${order}`,
    totals: sql`select count(*)::int as count, coalesce(sum(f.amount), 0)::text as sum from ${source} f where ${where}`,
  };
}

/** Which of the source's invoices a figure keeps (the aging buckets of `agingBucketOf`). */
function figureCondition(figure: DrillFigure, asOf: string): SQL {
  const d = (days: number) => sql`${addDays(asOf, days)}::date`;
  switch (figure) {
    case "ar_total":
    case "credit_sales":
      return sql`true`;
    case "ar_overdue":
      return sql`f.due_date < ${d(0)}`;
    case "current":
      return sql`f.due_date >= ${d(0)}`;
    case "days_1_30":
      return sql`f.due_date between ${d(-30)} and ${d(-1)}`;
    case "days_31_60":
      return sql`f.due_date between ${d(-60)} and ${d(-31)}`;
    case "days_61_90":
      return sql`f.due_date between ${d(-90)} and ${d(-61)}`;
    case "days_over_90":
      return sql`f.due_date < ${d(-90)}`;
  }
}

/**
 * The `ar` rows of the scope dated after `asOf`, summed per invoice: what has happened to each
 * invoice's balance since then (payments, credits, voids, and issues later than `asOf`).
 */
function arAfter(scope: ReceivablesScope, asOf: string): SQL {
  return sql`
    select e.invoice_id, sum(e.amount)::bigint as after from receivable_entries e
    where e.currency = ${scope.currency} and e.measure = 'ar' and e.effective_on > ${asOf}::date and ${scopedAccounts(scope, sql`e.account_id`)}
    group by e.invoice_id`;
}

/**
 * The invoices open at the end of `asOf`, each with its balance then (`amount`, = `open_amount`).
 *
 * Each invoice's `ar` rows sum to its balance now, so its balance at `asOf` is its balance now
 * less its rows dated after `asOf`. Only two kinds of invoice can be open at `asOf`: those open
 * now (balance > 0, issued by then) and those with rows dated after it (paid, credited, voided or
 * issued since). Reading those two sets, rather than summing every row of the book up to `asOf`,
 * keeps a recent as-of date cheap at a million invoices (the rows after it are few; the open
 * invoices are read once). An invoice moved to another customer or currency leaves rows under
 * the old keys that cancel out on every date, so the invoice's current account and currency are
 * the ones its figure counts it under, as `receivablesRows` does.
 */
function openAt(scope: ReceivablesScope, asOf: string): SQL {
  return sql`(
    with later as (${arAfter(scope, asOf)}),
    open_at as (
      -- One pass over the scope's invoices (a left join, not a union of the two sets: the whole
      -- book is read once either way, and a past date's many later rows are hashed once).
      select i.id as invoice_id, i.number, i.account_id, i.issue_date, i.due_date, i.balance - coalesce(l.after, 0) as amount
      from invoices i left join later l on l.invoice_id = i.id
      where i.currency = ${scope.currency} and ${scopedAccounts(scope, sql`i.account_id`)} and ((i.balance > 0 and i.issue_date <= ${asOf}::date) or l.invoice_id is not null)
    )
    select *, amount as open_amount from open_at where amount <> 0
  )`;
}

/**
 * The invoices issued in [start, asOf] with their sale as of `asOf` (`amount`) and what was open
 * of each then (`open_amount`). The same correction as `openAt`: an invoice's `sales` rows sum to
 * its total (0 once void), so its sale at `asOf` is that less its `sales` rows dated after
 * `asOf` (a void since then); its balance then, its balance less its later `ar` rows.
 */
function creditSales(scope: ReceivablesScope, start: string, asOf: string): SQL {
  return sql`(
    with later_sales as (
      select e.invoice_id, sum(e.amount)::bigint as after from receivable_entries e
      where e.currency = ${scope.currency} and e.measure = 'sales' and e.effective_on > ${asOf}::date and ${scopedAccounts(scope, sql`e.account_id`)}
      group by e.invoice_id
    ), later_ar as (${arAfter(scope, asOf)}),
    issued as (
      select i.id as invoice_id, i.number, i.account_id, i.issue_date, i.due_date,
        case when i.status = 'void' then 0 else i.total end - coalesce(s.after, 0) as amount,
        i.balance - coalesce(a.after, 0) as open_amount
      from invoices i left join later_sales s on s.invoice_id = i.id left join later_ar a on a.invoice_id = i.id
      where i.currency = ${scope.currency} and ${scopedAccounts(scope, sql`i.account_id`)} and i.issue_date between ${start}::date and ${asOf}::date
    )
    select * from issued where amount <> 0
  )`;
}
