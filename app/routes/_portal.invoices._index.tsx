import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { InvoiceTable } from "~/components/invoice-table";
import { Pagination } from "~/components/pagination";
import { PaySelectionBar, SelectAllBox, usePaySelection } from "~/components/pay-selection";
import { PromisedBadge } from "~/components/collections/promised-badge";
import { CreditsAvailable } from "~/components/credits/credits-available";
import { DiscountOfferBadge } from "~/components/discount-offer-badge";
import { buttonLinkClass } from "~/components/ui/button";
import { requirePayerActor } from "~/modules/auth/session.server";
import { openPromisesFor } from "~/modules/collections/list-promises.server";
import { payerCredits } from "~/modules/credits/payer-credits.server";
import { accountBalances } from "~/modules/invoices/account-balances.server";
import { invoiceListQuery, listInvoices } from "~/modules/invoices/list-invoices.server";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";

export const meta: MetaFunction = () => [{ title: "Invoices · Payment portal" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { payer, actor: scope } = await requirePayerActor(request, context);
  const query = invoiceListQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [list, balances, credits] = await Promise.all([
    listInvoices(scope, { ...query, accountId: payer.activeAccount.id }),
    accountBalances(scope, payer.activeAccount.id),
    payerCredits(scope, payer.activeAccount.id),
  ]);
  // "Promised by Dec 20" beside the invoices the payer has promised to pay.
  const promised = await openPromisesFor(scope, list.rows.map((r) => r.id));
  return json({ account: payer.activeAccount, query, list, balances, promised, credits });
}

const filterLabels = { open: "Open", overdue: "Overdue", paid: "Paid", all: "All" } as const;

function emptyText(filter: keyof typeof filterLabels, q: string): string {
  const noun = filter === "all" ? "invoices" : `${filterLabels[filter].toLowerCase()} invoices`;
  return q ? `No ${noun} match “${q}”.` : `No ${noun}.`;
}

export default function InvoiceList() {
  const { account, query, list, balances, promised, credits } = useLoaderData<typeof loader>();
  const location = useLocation();
  const selection = usePaySelection("pay-form");
  const filterHref = (filter: string) => {
    const params = new URLSearchParams();
    params.set("filter", filter);
    if (query.q) params.set("q", query.q);
    return `${location.pathname}?${params}`;
  };
  return (
    <>
      <h1 className="text-2xl font-semibold">Invoices</h1>
      <p className="text-slate-700">{account.name}</p>

      <section aria-label="Balances" className="mt-4 grid gap-3 sm:grid-cols-3">
        {balances.length === 0 ? (
          <div className="rounded-lg bg-white p-4 ring-1 ring-slate-200 sm:col-span-3">
            <p className="text-sm text-slate-700">Open balance</p>
            <p className="text-xl font-semibold">Nothing to pay — you are all caught up.</p>
          </div>
        ) : (
          balances.map((b) => (
            <div key={b.currency} className="contents">
              <div className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
                <p className="text-sm text-slate-700">Open balance</p>
                <p className="text-xl font-semibold tabular-nums" data-testid={`open-balance-${b.currency}`}>
                  {formatMoney(b.openBalance, b.currency)}
                </p>
                <p className="text-sm text-slate-600">{b.openCount} open invoices</p>
                {b.onPlanCount > 0 ? (
                  <p className="text-sm text-slate-600">
                    {formatMoney(b.onPlanBalance, b.currency)} on{" "}
                    <Link to="/plans" className="inline-block py-1 text-brand-700 underline">
                      payment plans
                    </Link>
                  </p>
                ) : null}
              </div>
              <div className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
                <p className="text-sm text-slate-700">Overdue</p>
                <p className={`text-xl font-semibold tabular-nums ${b.overdueBalance > 0 ? "text-red-800" : ""}`} data-testid={`overdue-balance-${b.currency}`}>
                  {formatMoney(b.overdueBalance, b.currency)}
                </p>
                <p className="text-sm text-slate-600">{b.overdueCount} overdue invoices</p>
              </div>
              <div className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
                <p className="text-sm text-slate-700">Next due date</p>
                <p className="text-xl font-semibold">{b.nextDueDate ? formatDate(b.nextDueDate) : "—"}</p>
              </div>
            </div>
          ))
        )}
      </section>
      <CreditsAvailable credits={credits} />

      <div className="mt-6 flex flex-wrap items-end justify-between gap-3">
        <nav aria-label="Filter invoices" className="flex flex-wrap gap-1">
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
        <Form method="get" role="search" className="flex items-end gap-2 max-sm:w-full">
          <input type="hidden" name="filter" value={query.filter} />
          <div className="max-sm:min-w-0 max-sm:flex-1">
            <label htmlFor="q" className="block text-sm font-medium">
              Search by invoice or PO number
            </label>
            <input id="q" name="q" type="search" defaultValue={query.q} className="mt-1 w-56 rounded-md max-sm:w-full border border-slate-400 bg-white px-3 py-2" />
          </div>
          <button type="submit" className="rounded-md bg-white px-3 py-2 text-sm ring-1 ring-slate-300 hover:bg-slate-100">
            Search
          </button>
        </Form>
      </div>

      <div className="mt-4">
        {list.rows.length === 0 ? (
          <p className="rounded-lg bg-white p-6 text-slate-700 ring-1 ring-slate-200">
            {emptyText(query.filter, query.q)}
          </p>
        ) : (
          <>
            <Form id="pay-form" method="get" action="/pay" className="mb-3 flex flex-wrap items-center justify-between gap-3">
              <p className="text-sm text-slate-700">Tick the invoices you want to pay, then continue — or spread them over a payment plan.</p>
              <div className="flex flex-wrap gap-2">
                <button type="submit" className="inline-flex min-h-10 items-center rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
                  Pay selected invoices
                </button>
                {/* The same ticked invoices, sent to the plan enrolment page instead (?invoice=…). */}
                <button type="submit" formAction="/plans/new" className={buttonLinkClass}>
                  Set up a payment plan
                </button>
                {/* The ticked invoices (none ticked: the overdue ones) on the promise form. */}
                <button type="submit" formAction="/promises/new" className={buttonLinkClass}>
                  Promise to pay
                </button>
              </div>
            </Form>
            {/* Tick boxes report here (change events bubble), so the bar below follows them. */}
            <div onChange={selection.refresh}>
              <InvoiceTable
                rows={list.rows}
                sort={list.sort}
                dir={list.dir}
                hrefFor={(id) => `/invoices/${id}`}
                selectForm="pay-form"
                selectAll={selection.hydrated ? <SelectAllBox ticked={selection.ticked} onChange={selection.setAll} /> : undefined}
                statusNote={(row) => (
                  <>
                    {promised[row.id] ? <PromisedBadge promisedFor={promised[row.id]!.promisedFor} /> : null}
                    {row.offer ? <DiscountOfferBadge offer={row.offer} currency={row.currency} /> : null}
                  </>
                )}
                numberNote={(row) =>
                  row.lateFeeFor ? (
                    <span className="block text-xs text-slate-600" data-testid="late-fee-for">
                      Late fee on{" "}
                      <Link to={`/invoices/${row.lateFeeFor.id}`} className="inline-flex min-h-6 items-center underline">
                        {row.lateFeeFor.number}
                      </Link>
                    </span>
                  ) : null
                }
              />
            </div>
            <PaySelectionBar formId="pay-form" ticked={selection.ticked} planAction="/plans/new">
              <button type="submit" form="pay-form" formAction="/promises/new" className="inline-flex min-h-11 items-center justify-center rounded-md bg-white px-4 py-2 text-sm font-medium text-slate-900 ring-1 ring-slate-300 hover:bg-slate-100">
                Promise to pay
              </button>
            </PaySelectionBar>
          </>
        )}
        <Pagination page={list.page} pageCount={list.pageCount} total={list.total} noun="invoices" />
      </div>
    </>
  );
}
