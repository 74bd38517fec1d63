import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DrillProblem, DrillScopeSummary, drillButtonClass } from "~/components/analytics/drill-scope";
import { Pagination } from "~/components/pagination";
import { filterQuery } from "~/modules/analytics/analytics-query";
import { movementLabels } from "~/modules/analytics/drill-labels";
import { DRILL_CSV_MAX_ROWS } from "~/modules/analytics/list-figure-invoices.server";
import { listReceivableMovements } from "~/modules/analytics/list-receivable-movements.server";
import { requireStaffActor } from "~/modules/auth/session.server";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { isProblem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";

export const meta: MetaFunction = () => [{ title: "Payments that moved AR · AR admin" }];

/** GET /admin/analytics/movements?…filters: payments, refunds, credits, voids and revivals dated in the period. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const list = await listReceivableMovements(actor, { params: Object.fromEntries(new URL(request.url).searchParams) });
  if (isProblem(list) && list.kind === "invalid") return json({ problem: list.message, list: null, csvMaxRows: DRILL_CSV_MAX_ROWS }, { status: 400 });
  return json({ problem: null, list: orThrow(list), csvMaxRows: DRILL_CSV_MAX_ROWS });
}

export default function MovementsPage() {
  const { problem, list, csvMaxRows } = useLoaderData<typeof loader>();
  if (!list) return <DrillProblem title="Payments that moved AR" message={problem ?? ""} />;
  const money = (minor: number) => formatMoney(minor, list.scope.currency);
  return (
    <>
      <p className="text-sm">
        <Link to={`/admin?${filterQuery(list.filters)}`} className="text-brand-700 underline">
          Dashboard
        </Link>
      </p>
      <h1 className="mt-1 text-2xl font-semibold">Payments that moved AR</h1>
      <p className="mt-1 max-w-3xl text-slate-700">
        Everything that changed open receivables in the period, on the date it took effect (a payment on the day it was received, however late it was recorded): payments, refunds and chargebacks, credit memos, voids and revived invoices. New invoices are
        the credit sales.
      </p>
      <DrillScopeSummary view={list} />

      <div className="mt-4 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Totals by kind">
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Kind</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">Count</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">Amount</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.totals.map((t) => (
              <tr key={t.kind} data-testid={`movement-total-${t.kind}`}>
                <th scope="row" className="px-3 py-2 text-left font-normal">{movementLabels[t.kind]}</th>
                <td className="px-3 py-2 text-right tabular-nums">{t.count}</td>
                <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{money(t.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="mt-2 text-sm text-slate-700">Amounts: money in and what else lowered AR (credits, voids) are positive; money out (refunds, chargebacks) and revived invoices are negative.</p>

      <div className="mt-3 flex flex-wrap items-center gap-2">
        <a href={`/admin/analytics/movements.csv?${filterQuery(list.filters)}`} download className={drillButtonClass}>
          Download CSV
        </a>
        <Link to={`/admin/analytics/invoices?${filterQuery(list.filters, { figure: "ar_total" })}`} className={drillButtonClass}>
          Open invoices at {formatDate(list.asOf)}
        </Link>
      </div>
      {list.count > csvMaxRows ? <p className="mt-2 text-sm text-slate-700">The CSV holds the first {csvMaxRows.toLocaleString("en-US")} of these movements, newest first (it says so in its last line).</p> : null}

      <div className="mt-4 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Movements, newest first">
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Date</th>
              <th scope="col" className="px-3 py-2 text-left font-semibold">What happened</th>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Invoice</th>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Customer</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">Amount</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.rows.map((r) => (
              <tr key={`${r.on}-${r.kind}-${r.invoiceId}-${r.accountId}`} data-testid="movement">
                <td className="px-3 py-2 whitespace-nowrap">{formatDate(r.on)}</td>
                <td className="px-3 py-2">{movementLabels[r.kind]}</td>
                <td className="px-3 py-2 whitespace-nowrap">
                  <Link to={`/admin/invoices/${r.invoiceId}`} className="font-medium text-brand-700 underline">
                    {r.number}
                  </Link>
                </td>
                <td className="px-3 py-2">
                  <Link to={`/admin/customers/${r.accountId}`} className="text-brand-700 underline">
                    {r.accountName}
                  </Link>
                </td>
                <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{money(r.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.rows.length === 0 ? <p className="p-6 text-slate-700">Nothing moved AR in this period.</p> : null}
      </div>
      <Pagination page={list.page} pageCount={list.pageCount} total={list.count} noun="movements" />
    </>
  );
}
