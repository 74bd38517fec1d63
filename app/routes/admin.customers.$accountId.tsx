import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AdminPlanTable } from "~/components/plans/admin-plan-list";
import { getCustomer } from "~/modules/admin/get-customer.server";
import { requireStaffActor } from "~/modules/auth/session.server";
import { listPlans } from "~/modules/plans/list-plans.server";
import { formatDate } from "~/utils/dates";
import { orThrow } from "~/utils/problem-response.server";
import { formatMoney } from "~/utils/money";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.customer.account.name ?? "Customer"} · AR admin` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const customer = orThrow(await getCustomer(params.accountId ?? ""));
  return json({ customer, plans: orThrow(await listPlans(actor, { accountId: customer.account.id, limit: 50 })) });
}

export default function CustomerPage() {
  const { customer, plans } = useLoaderData<typeof loader>();
  const { account, contacts, balances } = customer;
  return (
    <>
      <p className="mb-4">
        <Link to="/admin/customers" className="text-sm text-brand-700 underline">
          ← All customers
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">{account.name}</h1>
      <p className="text-slate-700">
        {account.number} · ERP id {account.externalId ?? "—"} · billing {account.billingEmail ?? "—"}
      </p>

      <h2 className="mt-6 text-lg font-semibold">Balances</h2>
      {balances.length === 0 ? <p className="mt-2">Nothing open.</p> : null}
      <div className="mt-2 grid gap-3 sm:grid-cols-3">
        {balances.map((b) => (
          <div key={b.currency} className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
            <p className="text-sm text-slate-600">{b.currency} open ({b.openCount})</p>
            <p className="text-xl font-semibold tabular-nums">{formatMoney(b.openBalance, b.currency)}</p>
            <p className={`text-sm ${b.overdueBalance > 0 ? "text-red-800" : "text-slate-600"}`}>
              {formatMoney(b.overdueBalance, b.currency)} overdue ({b.overdueCount})
            </p>
          </div>
        ))}
      </div>
      <p className="mt-3">
        <Link className="text-brand-700 underline" to={`/admin/invoices?account=${account.id}&filter=all`}>
          See all invoices of {account.name}
        </Link>
      </p>

      <h2 className="mt-6 text-lg font-semibold">Contacts</h2>
      <div className="mt-2 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Name</th>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Email</th>
              <th scope="col" className="hidden px-3 py-2 text-left font-semibold sm:table-cell">Last sign-in</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {contacts.map((c) => (
              <tr key={c.id}>
                <td className="px-3 py-2">
                  {c.name}
                  {c.title ? <span className="block text-xs text-slate-600">{c.title}</span> : null}
                </td>
                <td className="px-3 py-2">{c.email}</td>
                <td className="hidden px-3 py-2 sm:table-cell">{c.lastSignInAt ? formatDate(c.lastSignInAt.slice(0, 10)) : "Never"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {contacts.length === 0 ? <p className="p-4">No contacts yet.</p> : null}
      </div>

      <h2 className="mt-6 text-lg font-semibold">Payment plans</h2>
      {plans.length === 0 ? (
        <p className="mt-2">No payment plans.</p>
      ) : (
        <AdminPlanTable rows={plans} showCustomer={false} caption={`Payment plans of ${account.name}, newest first`} empty="No payment plans." />
      )}
    </>
  );
}
