import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PlanStatusBadge } from "~/components/plans/plan-status";
import { requirePayerActor } from "~/modules/auth/session.server";
import { listPlans } from "~/modules/plans/list-plans.server";
import { isHoldingPlan } from "~/modules/plans/plan-states";
import { frequencyLabels } from "~/modules/plans/schedule";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { orThrow } from "~/utils/problem-response.server";

export const meta: MetaFunction = () => [{ title: "Payment plans · Payment portal" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  const plans = orThrow(await listPlans(actor, { accountId: payer.activeAccount.id }));
  return json({
    account: payer.activeAccount,
    plans: plans.map((p) => ({
      id: p.id,
      status: p.status,
      currency: p.currency,
      total: p.total,
      frequency: p.frequency,
      installmentCount: p.installmentCount,
      methodLabel: p.methodLabel,
      createdAt: p.createdAt,
      nextDueDate: p.nextDueDate,
      paid: p.paid,
      failing: p.failing,
    })),
  });
}

const setUpClass = "inline-flex min-h-10 items-center rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700";

export default function PaymentPlans() {
  const { account, plans } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Payment plans</h1>
          <p className="text-slate-700">{account.name}</p>
        </div>
        <Link to="/plans/new" className={setUpClass}>
          Set up a payment plan
        </Link>
      </div>
      <p className="mt-2 max-w-prose text-slate-700">
        Spread the balance of open invoices over a few installments, charged automatically to a card or bank account you authorize.
      </p>

      {plans.length === 0 ? (
        <div className="mt-4 rounded-lg bg-white p-6 ring-1 ring-slate-200">
          <p className="font-medium">You have no payment plans.</p>
          <p className="mt-1 text-slate-700">
            Can&apos;t pay an invoice in one go?{" "}
            <Link to="/plans/new" className="text-brand-700 underline">
              Set up a payment plan
            </Link>{" "}
            to pay it in installments.
          </p>
        </div>
      ) : (
        <div className="mt-4 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <caption className="sr-only">Payment plans of {account.name}, newest first</caption>
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Created</th>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Status</th>
                <th scope="col" className="px-3 py-2 text-right font-semibold">Total</th>
                <th scope="col" className="hidden px-3 py-2 text-left font-semibold md:table-cell">Installments</th>
                <th scope="col" className="hidden px-3 py-2 text-right font-semibold sm:table-cell">Paid so far</th>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Next date</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {plans.map((p) => (
                <tr key={p.id}>
                  <td className="px-3 py-2 whitespace-nowrap">
                    <Link to={`/plans/${p.id}`} className="font-medium text-brand-700 underline">
                      {formatDate(p.createdAt.slice(0, 10))}
                    </Link>
                  </td>
                  <td className="px-3 py-2">
                    <PlanStatusBadge status={p.status} />
                    {p.failing > 0 && isHoldingPlan(p.status) ? <span className="mt-1 block text-xs text-red-800">A payment failed</span> : null}
                  </td>
                  <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{formatMoney(p.total, p.currency)}</td>
                  <td className="hidden px-3 py-2 md:table-cell">
                    {p.installmentCount}, {frequencyLabels[p.frequency].toLowerCase()}
                  </td>
                  <td className="hidden px-3 py-2 text-right whitespace-nowrap tabular-nums sm:table-cell">{formatMoney(p.paid, p.currency)}</td>
                  <td className="px-3 py-2 whitespace-nowrap">{p.nextDueDate && isHoldingPlan(p.status) ? formatDate(p.nextDueDate) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
