import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AgingBar } from "~/components/analytics/aging-bar";
import { AnalyticsFilterForm } from "~/components/analytics/analytics-filter-form";
import { FigureTile } from "~/components/analytics/figure-tile";
import { TrendChart, TrendLegend } from "~/components/analytics/trend-chart";
import { dashboardLinks } from "~/modules/analytics/dashboard-links";
import { readAnalyticsFilters } from "~/modules/analytics/analytics-filters";
import { dashboardChoices, getDashboard } from "~/modules/analytics/get-dashboard.server";
import { requireStaffActor } from "~/modules/auth/session.server";
import { reasonLabels } from "~/modules/disputes/policy";
import { addDays, formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { isProblem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";

export const meta: MetaFunction = () => [{ title: "Dashboard · AR admin" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const values = Object.fromEntries(new URL(request.url).searchParams);
  const filters = readAnalyticsFilters(values);
  const [choices, dashboard] = await Promise.all([dashboardChoices(actor).then(orThrow), isProblem(filters) ? filters : getDashboard(actor, filters)]);
  if (isProblem(dashboard)) {
    if (dashboard.kind !== "invalid") orThrow(dashboard);
    // The page still renders: the form keeps what was typed, each message beside its field.
    const message = Object.keys(dashboard.fields).length > 0 ? "Some filters are not valid: see the messages beside them." : dashboard.message;
    return json({ values, choices, dashboard: null, links: null, problem: { message, fields: dashboard.fields } }, { status: 400 });
  }
  return json({ values, choices, dashboard, links: dashboardLinks(dashboard.filters, dashboard.previous.asOf), problem: null });
}

const days = (n: number) => `${n.toLocaleString("en-US", { maximumFractionDigits: 2 })} days`;
const percent = (n: number) => `${n.toLocaleString("en-US", { maximumFractionDigits: 2 })}%`;
const points = (n: number) => `${n.toLocaleString("en-US", { maximumFractionDigits: 2 })} points`;
const difference = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.round((a - b) * 100) / 100);

export default function AdminDashboard() {
  const data = useLoaderData<typeof loader>();
  const { values, choices, dashboard, links, problem } = data;
  return (
    <>
      <h1 className="text-2xl font-semibold">Dashboard</h1>
      <p className="mt-1 max-w-3xl text-slate-700">
        Receivables at a date, in one currency: every figure is computed from dated facts (issue dates, payments received, credits, voids), states its formula and opens the invoices behind it.
      </p>
      <div className="mt-4">
        <AnalyticsFilterForm values={values} choices={choices} errors={problem?.fields ?? {}} defaultCurrency={dashboard?.filters.currency} />
      </div>
      {problem ? (
        <p role="alert" className="mt-4 rounded-md bg-red-50 p-3 text-sm font-medium text-red-900 ring-1 ring-red-200">
          {problem.message}
        </p>
      ) : null}
      {dashboard && links ? <Figures dashboard={dashboard} links={links} /> : null}
    </>
  );
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type DashboardData = NonNullable<Loaded["dashboard"]>;
type Links = NonNullable<Loaded["links"]>;

function Figures({ dashboard, links }: { dashboard: DashboardData; links: Links }) {
  const { figures: f, previous: p, filters, customer, trend, topOverdue, disputes, activity } = dashboard;
  const currency = filters.currency;
  const money = (minor: number) => formatMoney(minor, currency);
  const previousLabel = `the period ending ${formatDate(p.asOf)}`;
  const noSales = "No sales in the period, so there is nothing to divide by.";
  const overdue = f.arTotal - f.arCurrent;
  const previousOverdue = p.arTotal - p.arCurrent;
  const periodText = `${formatDate(f.period.start)} – ${formatDate(f.period.end)} (${f.period.days} days)`;
  const moneyTile = { formatChange: money };
  const daysTile = { formatChange: days };
  const show = (v: number | null, fmt: (n: number) => string) => (v === null ? null : fmt(v));
  return (
    <>
      <p className="mt-6 text-sm text-slate-700" data-testid="dashboard-scope">
        {currency} · as of <strong>{formatDate(f.asOf)}</strong> · period {periodText}
        {customer ? (
          <>
            {" "}
            · customer{" "}
            <Link to={`/admin/customers/${customer.id}`} className="text-brand-700 underline">
              {customer.name} ({customer.number})
            </Link>
          </>
        ) : null}
        {filters.segment ? ` · segment ${filters.segment}` : null}
      </p>

      <section aria-labelledby="figures-heading" className="mt-3">
        <h2 id="figures-heading" className="sr-only">
          Figures
        </h2>
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <FigureTile
            id="ar-total"
            label="Open AR"
            value={money(f.arTotal)}
            href={links.ar_total}
            linkLabel="the open invoices"
            change={f.arTotal - p.arTotal}
            previousValue={money(p.arTotal)}
            previousLabel={previousLabel}
            formula="Invoices issued by the as-of date, minus payments, credits and refunds dated by then; void invoices out from their void date."
            {...moneyTile}
          />
          <FigureTile
            id="ar-overdue"
            label="Overdue AR"
            value={money(overdue)}
            href={links.ar_overdue}
            linkLabel="the overdue invoices"
            change={overdue - previousOverdue}
            previousValue={money(previousOverdue)}
            previousLabel={previousLabel}
            formula="Open AR past its due date at the as-of date (open AR − current AR)."
            {...moneyTile}
          />
          <FigureTile
            id="dso-simple"
            label="DSO (simple)"
            value={show(f.dsoSimpleDays, days)}
            missingBecause={noSales}
            href={links.ar_total}
            linkLabel="the open invoices"
            change={difference(f.dsoSimpleDays, p.dsoSimpleDays)}
            previousValue={show(p.dsoSimpleDays, days)}
            previousLabel={previousLabel}
            formula={`Open AR ÷ credit sales × ${f.period.days} days in the period.`}
            {...daysTile}
          />
          <FigureTile
            id="dso-countback"
            label="DSO (countback)"
            value={show(f.dsoCountbackDays, days)}
            missingBecause={f.arTotal < 0 ? "Open AR is negative (credits exceed invoices)." : "Open AR is older than the sales history it is counted back against (60 months)."}
            href={links.ar_total}
            linkLabel="the open invoices"
            change={difference(f.dsoCountbackDays, p.dsoCountbackDays)}
            previousValue={show(p.dsoCountbackDays, days)}
            previousLabel={previousLabel}
            formula="From the latest month back, each month's sales come off open AR and its days count, until less than a month's sales is left; that month adds (what is left ÷ its sales) × its days."
            {...daysTile}
          />
          <FigureTile
            id="best-dso"
            label="Best possible DSO"
            value={show(f.bestPossibleDsoDays, days)}
            missingBecause={noSales}
            href={links.current}
            linkLabel="the invoices not yet due"
            change={difference(f.bestPossibleDsoDays, p.bestPossibleDsoDays)}
            previousValue={show(p.bestPossibleDsoDays, days)}
            previousLabel={previousLabel}
            formula={`Current AR (not yet due) ÷ credit sales × ${f.period.days} days.`}
            {...daysTile}
          />
          <FigureTile
            id="add"
            label="Average days delinquent"
            value={show(f.addDays, days)}
            missingBecause={noSales}
            href={links.ar_overdue}
            linkLabel="the overdue invoices"
            change={difference(f.addDays, p.addDays)}
            previousValue={show(p.addDays, days)}
            previousLabel={previousLabel}
            formula="ADD from the simple DSO: DSO (simple) − best possible DSO."
            {...daysTile}
          />
          <FigureTile
            id="cei"
            label="Collection effectiveness (CEI)"
            value={show(f.ceiPercent, percent)}
            missingBecause="Nothing was collectible in the period (no beginning AR and no sales)."
            href={links.movements}
            linkLabel="the payments, credits and reversals of the period"
            change={difference(f.ceiPercent, p.ceiPercent)}
            previousValue={show(p.ceiPercent, percent)}
            previousLabel={previousLabel}
            formula="(Beginning AR + credit sales − ending AR) ÷ (beginning AR + credit sales − ending current AR) × 100, with the whole period's sales."
            formatChange={points}
          />
          <section aria-labelledby="inputs-label" className="rounded-lg bg-white p-4 ring-1 ring-slate-200" data-testid="tile-inputs">
            <h3 id="inputs-label" className="text-sm font-medium text-slate-700">
              The formulas' inputs
            </h3>
            <dl className="mt-1 space-y-1 text-sm">
              <div className="flex flex-wrap justify-between gap-x-2">
                <dt>Credit sales (issued in the period)</dt>
                <dd className="tabular-nums">
                  <Link to={links.credit_sales} className="text-brand-700 underline" data-testid="credit-sales-value">
                    {money(f.creditSales)}
                  </Link>
                </dd>
              </div>
              <div className="flex flex-wrap justify-between gap-x-2">
                <dt>Beginning AR ({formatDate(addDays(f.period.start, -1))})</dt>
                <dd className="tabular-nums">
                  <Link to={links.ar_beginning} className="text-brand-700 underline" data-testid="ar-beginning-value">
                    {money(f.arBeginning)}
                  </Link>
                </dd>
              </div>
              <div className="flex flex-wrap justify-between gap-x-2">
                <dt>Current AR (not yet due)</dt>
                <dd className="tabular-nums">
                  <Link to={links.current} className="text-brand-700 underline" data-testid="ar-current-value">
                    {money(f.arCurrent)}
                  </Link>
                </dd>
              </div>
            </dl>
          </section>
        </div>
      </section>

      <div className="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-2">
        <section aria-labelledby="trend-heading" className="min-w-0 rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <h2 id="trend-heading" className="text-lg font-semibold">
            12-month trend
          </h2>
          <p className="text-sm text-slate-700">Each month end, over a period of {f.months === 1 ? "1 month" : `${f.months} months`}.</p>
          <div className="mt-2">
            <TrendChart points={trend} label={`DSO simple, DSO countback and CEI at the last ${trend.length} month ends, ${formatDate(trend[0]!.asOf)} to ${formatDate(trend.at(-1)!.asOf)}. The figures are in the table below.`} />
            <TrendLegend />
          </div>
          <details className="mt-3" data-testid="trend-table">
            <summary className="cursor-pointer text-sm font-medium text-brand-700 underline">Show the data as a table</summary>
            <div className="mt-2 overflow-x-auto">
              <table className="min-w-full text-sm">
                <caption className="text-left text-sm text-slate-700">DSO and CEI at each month end</caption>
                <thead>
                  <tr className="text-left">
                    <th scope="col" className="py-1 pr-3 font-semibold">Month end</th>
                    <th scope="col" className="py-1 pr-3 text-right font-semibold">DSO simple</th>
                    <th scope="col" className="py-1 pr-3 text-right font-semibold">DSO countback</th>
                    <th scope="col" className="py-1 text-right font-semibold">CEI</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {trend.map((t) => (
                    <tr key={t.asOf}>
                      <th scope="row" className="py-1 pr-3 text-left font-normal whitespace-nowrap">{formatDate(t.asOf)}</th>
                      <td className="py-1 pr-3 text-right tabular-nums">{show(t.dsoSimpleDays, days) ?? "—"}</td>
                      <td className="py-1 pr-3 text-right tabular-nums">{show(t.dsoCountbackDays, days) ?? "—"}</td>
                      <td className="py-1 text-right tabular-nums">{show(t.ceiPercent, percent) ?? "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </section>

        <section aria-labelledby="aging-heading" className="min-w-0 rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <h2 id="aging-heading" className="text-lg font-semibold">
            Aging at {formatDate(f.asOf)}
          </h2>
          <p className="mb-3 text-sm text-slate-700">Open AR by days past due; due on the as-of date is still current.</p>
          <AgingBar
            caption={`Open AR by days past due at ${formatDate(f.asOf)}`}
            total={f.arTotal}
            formatAmount={money}
            slices={[
              { key: "current", label: "Current", amount: f.aging.current, href: links.current },
              { key: "days_1_30", label: "1–30 days", amount: f.aging.days_1_30, href: links.days_1_30 },
              { key: "days_31_60", label: "31–60 days", amount: f.aging.days_31_60, href: links.days_31_60 },
              { key: "days_61_90", label: "61–90 days", amount: f.aging.days_61_90, href: links.days_61_90 },
              { key: "days_over_90", label: "Over 90 days", amount: f.aging.days_over_90, href: links.days_over_90 },
            ]}
          />
        </section>
      </div>

      <section aria-labelledby="top-heading" className="mt-6 rounded-lg bg-white p-4 ring-1 ring-slate-200">
        <h2 id="top-heading" className="text-lg font-semibold">
          Top overdue accounts
        </h2>
        {topOverdue.length === 0 ? (
          <p className="mt-2 text-slate-700">Nothing was overdue on {formatDate(f.asOf)}.</p>
        ) : (
          <div className="mt-2 overflow-x-auto">
            <table className="min-w-full text-sm" data-testid="top-overdue">
              <caption className="sr-only">The ten accounts owing most past due at {formatDate(f.asOf)}</caption>
              <thead>
                <tr className="text-left">
                  <th scope="col" className="py-1 pr-3 font-semibold">Account</th>
                  <th scope="col" className="py-1 text-right font-semibold">Overdue</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {topOverdue.map((a) => (
                  <tr key={a.accountId}>
                    <td className="py-1 pr-3">
                      <Link to={`/admin/customers/${a.accountId}`} className="font-medium text-brand-700 underline">
                        {a.name}
                      </Link>
                      <span className="block text-xs text-slate-700">{a.number}</span>
                    </td>
                    <td className="py-1 text-right tabular-nums whitespace-nowrap">{money(a.overdue)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <div className="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-2">
        <section aria-labelledby="disputes-heading" className="min-w-0 rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <h2 id="disputes-heading" className="text-lg font-semibold">
            Disputes in the period
          </h2>
          <p className="text-sm text-slate-700" data-testid="disputes-summary">
            {disputes.opened} opened ({money(disputes.amount)}); {disputes.resolved} resolved or rejected
            {disputes.averageDaysToResolve === null ? " (no average: none was closed in the period)" : `, in ${days(disputes.averageDaysToResolve)} on average from opening`}.
          </p>
          {disputes.byReason.length > 0 ? (
            <div className="mt-2 overflow-x-auto">
              <table className="min-w-full text-sm" data-testid="disputes-by-reason">
                <caption className="sr-only">Disputes by reason</caption>
                <thead>
                  <tr className="text-left">
                    <th scope="col" className="py-1 pr-3 font-semibold">Reason</th>
                    <th scope="col" className="py-1 pr-3 text-right font-semibold">Opened</th>
                    <th scope="col" className="py-1 pr-3 text-right font-semibold">Amount</th>
                    <th scope="col" className="py-1 text-right font-semibold">Days to resolve</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {disputes.byReason.map((r) => (
                    <tr key={r.reason}>
                      <th scope="row" className="py-1 pr-3 text-left font-normal">{reasonLabels[r.reason] ?? r.reason}</th>
                      <td className="py-1 pr-3 text-right tabular-nums">{r.opened}</td>
                      <td className="py-1 pr-3 text-right tabular-nums whitespace-nowrap">{money(r.amount)}</td>
                      <td className="py-1 text-right tabular-nums">{r.averageDaysToResolve === null ? "—" : r.averageDaysToResolve.toLocaleString("en-US", { maximumFractionDigits: 2 })}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>

        <section aria-labelledby="activity-heading" className="min-w-0 rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <h2 id="activity-heading" className="text-lg font-semibold">
            Promises and reminders in the period
          </h2>
          <dl className="mt-2 grid grid-cols-1 gap-3 sm:grid-cols-2">
            <div data-testid="tile-promises">
              <dt className="text-sm text-slate-700">Promises kept</dt>
              <dd className="text-2xl font-semibold tabular-nums">{activity.promisesKeptPercent === null ? "—" : percent(activity.promisesKeptPercent)}</dd>
              <dd className="text-xs text-slate-700">
                {activity.promisesKeptPercent === null
                  ? "No promise to pay was settled in the period."
                  : `${activity.promisesKept} kept of ${activity.promisesKept + activity.promisesBroken} settled: kept ÷ (kept + broken).`}
              </dd>
            </div>
            <div data-testid="tile-reminders">
              <dt className="text-sm text-slate-700">Reminders sent</dt>
              <dd className="text-2xl font-semibold tabular-nums">{activity.remindersEmails + activity.remindersCalls}</dd>
              <dd className="text-xs text-slate-700">
                {activity.remindersEmails} emails and {activity.remindersCalls} call tasks to {activity.remindersAccounts} {activity.remindersAccounts === 1 ? "account" : "accounts"} (every currency).
              </dd>
            </div>
          </dl>
        </section>
      </div>
    </>
  );
}
