import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Pagination } from "~/components/pagination";
import { PaymentStatusBadge } from "~/components/payment-status";
import { requirePayerActor } from "~/modules/auth/session.server";
import { orThrow } from "~/utils/problem-response.server";
import { listPayments, paymentListQuery } from "~/modules/payments/list-payments.server";
import { formatMoney } from "~/utils/money";

export const meta: MetaFunction = () => [{ title: "Payment history · Payment portal" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  const query = paymentListQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const list = orThrow(await listPayments(actor, { ...query, customer: "", accountId: payer.activeAccount.id }));
  return json({ list, account: payer.activeAccount });
}

export default function PaymentHistory() {
  const { list, account } = useLoaderData<typeof loader>();
  return (
    <>
      <h1 className="text-2xl font-semibold">Payment history</h1>
      <p className="text-slate-700">{account.name}</p>
      {list.rows.length === 0 ? (
        <p className="mt-4 rounded-lg bg-white p-6 ring-1 ring-slate-200">No payments yet.</p>
      ) : (
        <div className="mt-4 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Date</th>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Invoices</th>
                <th scope="col" className="hidden px-3 py-2 text-left font-semibold sm:table-cell">Method</th>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Status</th>
                <th scope="col" className="px-3 py-2 text-right font-semibold">Amount</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {list.rows.map((p) => (
                <tr key={p.id}>
                  <td className="px-3 py-2 whitespace-nowrap">
                    <Link to={`/payments/${p.id}`} className="text-brand-700 underline">
                      {new Date(p.createdAt).toLocaleDateString("en-US", { dateStyle: "medium", timeZone: "UTC" })}
                    </Link>
                  </td>
                  <td className="px-3 py-2">{p.invoiceNumbers.join(", ")}</td>
                  <td className="hidden px-3 py-2 sm:table-cell">{p.methodLabel ?? "—"}</td>
                  <td className="px-3 py-2">
                    <PaymentStatusBadge status={p.status} amount={p.amount} amountRefunded={p.amountRefunded} chargebackState={p.chargebackState} />
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatMoney(p.amount, p.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={list.page} pageCount={list.pageCount} total={list.total} noun="payments" />
    </>
  );
}
