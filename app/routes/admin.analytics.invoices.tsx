import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DrillProblem, DrillScopeSummary, drillButtonClass } from "~/components/analytics/drill-scope";
import { Pagination } from "~/components/pagination";
import { filterQuery } from "~/modules/analytics/analytics-query";
import { figureLabels } from "~/modules/analytics/drill-labels";
import { DRILL_CSV_MAX_ROWS, listFigureInvoices } from "~/modules/analytics/list-figure-invoices.server";
import { requireStaffActor } from "~/modules/auth/session.server";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { isProblem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";

export const meta: MetaFunction = () => [{ title: "Invoices behind a figure · AR admin" }];

/** GET /admin/analytics/invoices?figure=&…filters: the invoices a dashboard figure sums. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const list = await listFigureInvoices(actor, { params });
  // Bad filters: the page says which and why (400), rather than an error page.
  if (isProblem(list) && list.kind === "invalid") return json({ problem: list.message, list: null, csvMaxRows: DRILL_CSV_MAX_ROWS }, { status: 400 });
  return json({ problem: null, list: orThrow(list), csvMaxRows: DRILL_CSV_MAX_ROWS });
}

export default function FigureInvoicesPage() {
  const { problem, list, csvMaxRows } = useLoaderData<typeof loader>();
  if (!list) return <DrillProblem title="Invoices behind a figure" message={problem ?? ""} />;
  const label = figureLabels[list.figure];
  const sortHref = (sort: string) => `?${filterQuery(list.filters, { figure: list.figure, sort })}`;
  const money = (minor: number) => formatMoney(minor, list.scope.currency);
  const isSales = list.figure === "credit_sales";
  return (
    <>
      <p className="text-sm">
        <Link to={`/admin?${filterQuery(list.filters)}`} className="text-brand-700 underline">
          Dashboard
        </Link>
      </p>
      <h1 className="mt-1 text-2xl font-semibold">{label.title}: the invoices</h1>
      <p className="mt-1 max-w-3xl text-slate-700">{label.definition}</p>
      <DrillScopeSummary view={list} />
      <p className="mt-4 text-lg" data-testid="figure-total">
        <span className="font-semibold">{list.count}</span> {list.count === 1 ? "invoice" : "invoices"}, total <span className="font-semibold tabular-nums">{money(list.sum)}</span>
      </p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <a href={`/admin/analytics/invoices.csv?${filterQuery(list.filters, { figure: list.figure, sort: list.sort })}`} download className={drillButtonClass}>
          Download CSV
        </a>
        <Link to={`/admin/analytics/movements?${filterQuery(list.filters)}`} className={drillButtonClass}>
          Payments that moved AR in the period
        </Link>
        <nav aria-label="Order" className="flex flex-wrap gap-1 text-sm">
          {(
            [
              ["amount", isSales ? "Largest first" : "Largest balance first"],
              ["days", "Most days late first"],
            ] as const
          ).map(([sort, text]) => (
            <Link key={sort} to={sortHref(sort)} aria-current={list.sort === sort ? "page" : undefined} className={`rounded-md px-3 py-2 font-medium ring-1 ${list.sort === sort ? "bg-brand-600 text-white ring-brand-600" : "bg-white text-slate-800 ring-slate-300 hover:bg-slate-100"}`}>
              {text}
            </Link>
          ))}
        </nav>
      </div>
      {list.count > csvMaxRows ? <p className="mt-2 text-sm text-slate-700">The CSV holds the first {csvMaxRows.toLocaleString("en-US")} of these invoices, in this order (it says so in its last line).</p> : null}

      <div className="mt-4 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label={`${label.title} at ${formatDate(list.asOf)}`}>
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Invoice</th>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Customer</th>
              <th scope="col" className="px-3 py-2 text-left font-semibold whitespace-nowrap">Issued</th>
              <th scope="col" className="px-3 py-2 text-left font-semibold whitespace-nowrap">Due</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">Days past due</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">{isSales ? "Sale" : `Balance at ${formatDate(list.asOf)}`}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.rows.map((r) => (
              <tr key={r.invoiceId} data-testid="figure-invoice">
                <td className="px-3 py-2 whitespace-nowrap">
                  <Link to={`/admin/invoices/${r.invoiceId}`} className="font-medium text-brand-700 underline">
                    {r.number}
                  </Link>
                </td>
                <td className="px-3 py-2">
                  <Link to={`/admin/customers/${r.accountId}`} className="text-brand-700 underline">
                    {r.accountName}
                  </Link>
                  <span className="block text-xs text-slate-600">{r.accountNumber}</span>
                </td>
                <td className="px-3 py-2 whitespace-nowrap">{formatDate(r.issueDate)}</td>
                <td className="px-3 py-2 whitespace-nowrap">{formatDate(r.dueDate)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{r.daysPastDue === null ? <span className="text-slate-600">paid</span> : r.daysPastDue}</td>
                <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{money(r.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.rows.length === 0 ? <p className="p-6 text-slate-700">No invoice is behind this figure: it is {money(0)}.</p> : null}
      </div>
      <Pagination page={list.page} pageCount={list.pageCount} total={list.count} noun="invoices" />
    </>
  );
}
