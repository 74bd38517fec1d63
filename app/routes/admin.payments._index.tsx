import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { LocalTime } from "~/components/local-time";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Pagination } from "~/components/pagination";
import { PaymentStatusBadge } from "~/components/payment-status";
import { requireStaffActor } from "~/modules/auth/session.server";
import { PAYMENT_STATUSES, PAYMENT_STATUS_LABELS } from "~/modules/payments/payment-states";
import { orThrow } from "~/utils/problem-response.server";
import { listPayments, paymentListQuery } from "~/modules/payments/list-payments.server";
import { formatMoney } from "~/utils/money";

export const meta: MetaFunction = () => [{ title: "Payments · AR admin" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const query = paymentListQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  return json({ query, list: orThrow(await listPayments(actor, query)) });
}

const selectClass = "mt-1 block rounded-md border border-slate-400 bg-white px-2 py-2";

export default function AdminPayments() {
  const { query, list } = useLoaderData<typeof loader>();
  return (
    <>
      <h1 className="text-2xl font-semibold">Payments</h1>
      <Form method="get" className="mt-4 flex flex-wrap items-end gap-3 rounded-lg bg-white p-4 ring-1 ring-slate-200" aria-label="Filter payments">
        <div>
          <label htmlFor="status" className="block text-sm font-medium">Status</label>
          <select id="status" name="status" defaultValue={query.status ?? ""} className={selectClass}>
            <option value="">Any</option>
            {PAYMENT_STATUSES.map((status) => (
              <option key={status} value={status}>
                {PAYMENT_STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="method" className="block text-sm font-medium">Method</label>
          <select id="method" name="method" defaultValue={query.method ?? ""} className={selectClass}>
            <option value="">Any</option>
            <option value="card">Card</option>
            <option value="us_bank_account">Bank account (ACH)</option>
          </select>
        </div>
        <div>
          <label htmlFor="from" className="block text-sm font-medium">From</label>
          <input id="from" name="from" type="date" defaultValue={query.from} className={selectClass} />
        </div>
        <div>
          <label htmlFor="to" className="block text-sm font-medium">To</label>
          <input id="to" name="to" type="date" defaultValue={query.to} className={selectClass} />
        </div>
        <div>
          <label htmlFor="customer" className="block text-sm font-medium">Customer</label>
          <input id="customer" name="customer" type="search" defaultValue={query.customer} className={selectClass} />
        </div>
        <button type="submit" className="rounded-md bg-white px-3 py-2 text-sm ring-1 ring-slate-300 hover:bg-slate-100">
          Filter
        </button>
      </Form>
      <div className="mt-4 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Date</th>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Customer</th>
              <th scope="col" className="hidden px-3 py-2 text-left font-semibold md:table-cell">Invoices</th>
              <th scope="col" className="hidden px-3 py-2 text-left font-semibold sm:table-cell">Method</th>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Status</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">Amount</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.rows.map((p) => (
              <tr key={p.id}>
                <td className="px-3 py-2 whitespace-nowrap">
                  <Link to={`/admin/payments/${p.id}`} className="text-brand-700 underline">
                    <LocalTime iso={p.createdAt} />
                  </Link>
                </td>
                <td className="px-3 py-2">{p.accountName}</td>
                <td className="hidden px-3 py-2 md:table-cell">{p.invoiceNumbers.join(", ")}</td>
                <td className="hidden px-3 py-2 sm:table-cell">{p.methodLabel ?? "—"}</td>
                <td className="px-3 py-2">
                  <PaymentStatusBadge status={p.status} amount={p.amount} amountRefunded={p.amountRefunded} chargebackState={p.chargebackState} />
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{formatMoney(p.amount, p.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.rows.length === 0 ? <p className="p-6">No payments match.</p> : null}
      </div>
      <Pagination page={list.page} pageCount={list.pageCount} total={list.total} noun="payments" />
    </>
  );
}
