import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Pagination } from "~/components/pagination";
import { SearchForm } from "~/components/search-form";
import { customerListQuery, listCustomers } from "~/modules/admin/list-customers.server";
import { requireStaff } from "~/modules/auth/session.server";
import { formatMoney } from "~/utils/money";

export const meta: MetaFunction = () => [{ title: "Customers · AR admin" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request);
  const query = customerListQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  return json({ query, list: await listCustomers(query) });
}

export default function Customers() {
  const { query, list } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-2xl font-semibold">Customers</h1>
        <SearchForm label="Search by name, number or ERP id" defaultValue={query.q} />
      </div>
      <div className="mt-4 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Customer</th>
              <th scope="col" className="hidden px-3 py-2 text-left font-semibold md:table-cell">ERP id</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">Contacts</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">Open balance</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">Overdue</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.rows.map((c) => (
              <tr key={c.id}>
                <td className="px-3 py-2">
                  <Link to={`/admin/customers/${c.id}`} className="font-medium text-brand-700 underline">
                    {c.name}
                  </Link>
                  <span className="block text-xs text-slate-600">{c.number}</span>
                </td>
                <td className="hidden px-3 py-2 md:table-cell">{c.externalId ?? "—"}</td>
                <td className="px-3 py-2 text-right tabular-nums">{c.contacts}</td>
                <td className="px-3 py-2 text-right tabular-nums">{c.balances.length ? c.balances.map((b) => <span key={b.currency} className="block">{formatMoney(b.open, b.currency)}</span>) : "—"}</td>
                <td className="px-3 py-2 text-right tabular-nums">
                  {c.balances.length ? c.balances.map((b) => <span key={b.currency} className={`block ${b.overdue > 0 ? "text-red-800" : ""}`}>{formatMoney(b.overdue, b.currency)}</span>) : "—"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.rows.length === 0 ? <p className="p-6 text-slate-700">No customers match “{query.q}”.</p> : null}
      </div>
      <Pagination page={list.page} pageCount={list.pageCount} total={list.total} noun="customers" />
    </>
  );
}
