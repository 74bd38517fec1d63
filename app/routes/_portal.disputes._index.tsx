import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { LocalTime } from "~/components/local-time";
import { Link, useLoaderData } from "@remix-run/react";
import { DisputeStatusBadge } from "~/components/disputes/dispute-status";
import { requirePayerActor } from "~/modules/auth/session.server";
import { listPayerDisputes } from "~/modules/disputes/list-disputes.server";
import { reasonLabels } from "~/modules/disputes/policy";
import { formatMoney } from "~/utils/money";

export const meta: MetaFunction = () => [{ title: "Disputes · Payment portal" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  return json({ disputes: await listPayerDisputes(actor, { accountId: payer.activeAccount.id }), account: payer.activeAccount });
}

export default function Disputes() {
  const { disputes, account } = useLoaderData<typeof loader>();
  return (
    <>
      <h1 className="text-2xl font-semibold">Disputes</h1>
      <p className="text-slate-700">{account.name} · To dispute an invoice, open it and choose “Dispute this invoice”.</p>
      {disputes.length === 0 ? (
        <p className="mt-4 rounded-lg bg-white p-6 ring-1 ring-slate-200">No disputes.</p>
      ) : (
        <div className="mt-4 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Invoice</th>
                <th scope="col" className="hidden px-3 py-2 text-left font-semibold sm:table-cell">Reason</th>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Status</th>
                <th scope="col" className="px-3 py-2 text-right font-semibold">Amount</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {disputes.map((d) => (
                <tr key={d.id}>
                  <td className="px-3 py-2">
                    <Link to={`/disputes/${d.id}`} className="text-brand-700 underline">
                      {d.invoiceNumber}
                    </Link>
                    <span className="block text-xs text-slate-600"><LocalTime iso={d.createdAt} dateOnly /></span>
                  </td>
                  <td className="hidden px-3 py-2 sm:table-cell">{reasonLabels[d.reason]}</td>
                  <td className="px-3 py-2">
                    <DisputeStatusBadge status={d.status} />
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatMoney(d.amount, d.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
