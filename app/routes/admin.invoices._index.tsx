import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { InvoiceTable } from "~/components/invoice-table";
import { Pagination } from "~/components/pagination";
import { SearchForm } from "~/components/search-form";
import { requireStaffActor } from "~/modules/auth/session.server";
import { invoiceSearchQuery, searchInvoices } from "~/modules/invoices/search-invoices.server";

export const meta: MetaFunction = () => [{ title: "Invoices · AR admin" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const query = invoiceSearchQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  return json({ query, list: await searchInvoices(actor, query) });
}

const filterLabels = { open: "Open", overdue: "Overdue", paid: "Paid", all: "All" } as const;

export default function AdminInvoices() {
  const { query, list } = useLoaderData<typeof loader>();
  const location = useLocation();
  const keep: Record<string, string> = { filter: query.filter };
  if (query.account) keep.account = query.account;
  const filterHref = (filter: string) => {
    const params = new URLSearchParams({ ...keep, filter });
    if (query.q) params.set("q", query.q);
    if (query.match) params.set("match", query.match);
    return `${location.pathname}?${params}`;
  };
  // The slow "contains" search, one click away from the fast one, on the first page.
  const everywhereHref = () => {
    const params = new URLSearchParams({ ...keep, q: query.q, match: "contains" });
    return `${location.pathname}?${params}`;
  };
  return (
    <>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-2xl font-semibold">Invoices</h1>
        <SearchForm label="Search by invoice, PO or customer" defaultValue={query.q} keep={keep} />
      </div>
      <nav aria-label="Filter invoices" className="mt-4 flex flex-wrap gap-1">
        {(Object.keys(filterLabels) as Array<keyof typeof filterLabels>).map((f) => (
          <Link
            key={f}
            to={filterHref(f)}
            aria-current={query.filter === f ? "page" : undefined}
            className={`rounded-md px-3 py-2 text-sm font-medium ring-1 ${query.filter === f ? "bg-brand-600 text-white ring-brand-600" : "bg-white text-slate-800 ring-slate-300 hover:bg-slate-100"}`}
          >
            {filterLabels[f]}
          </Link>
        ))}
      </nav>
      {list.match === "exact" || list.match === "prefix" ? (
        <p className="mt-4 text-sm text-slate-700" data-testid="search-match">
          {list.match === "exact" ? `The invoice numbered ${query.q}.` : `Invoice and PO numbers starting with “${query.q}”${list.namesSearched ? ", and customers whose name contains it" : ""}.`}{" "}
          <Link to={everywhereHref()} className="text-brand-700 underline">
            Search everywhere (slower)
          </Link>
        </p>
      ) : null}
      <div className="mt-4">
        {list.rows.length === 0 ? (
          <p className="rounded-lg bg-white p-6 ring-1 ring-slate-200">No invoices match.</p>
        ) : (
          <InvoiceTable rows={list.rows} sort={list.sort} dir={list.dir} hrefFor={(id) => `/admin/invoices/${id}`} showCustomer />
        )}
        <Pagination page={list.page} pageCount={list.pageCount} total={list.total} noun="invoices" />
      </div>
    </>
  );
}
