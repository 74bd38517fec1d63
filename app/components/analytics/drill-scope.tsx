import { Link } from "@remix-run/react";
import { formatDate } from "~/utils/dates";

export interface DrillScopeView {
  asOf: string;
  months: number;
  period: { start: string; end: string; days: number };
  scope: { currency: string; segment?: string | null };
  customer: { id: string; number: string; name: string } | null;
  collectorName: string | null;
}

/** The filters a drill-down shows, in words: as of, period, currency, customer, segment, collector. */
export function DrillScopeSummary({ view }: { view: DrillScopeView }) {
  const items: Array<[string, React.ReactNode]> = [
    ["As of", `end of ${formatDate(view.asOf)}`],
    ["Period", `${view.months} ${view.months === 1 ? "month" : "months"}: ${formatDate(view.period.start)} – ${formatDate(view.period.end)} (${view.period.days} days)`],
    ["Currency", view.scope.currency],
    [
      "Customer",
      view.customer ? (
        <Link to={`/admin/customers/${view.customer.id}`} className="text-brand-700 underline">
          {view.customer.name} ({view.customer.number})
        </Link>
      ) : (
        "All"
      ),
    ],
    ["Segment", view.scope.segment ?? "All"],
    ["Collector", view.collectorName ?? "Anyone"],
  ];
  return (
    <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-2 lg:grid-cols-3" aria-label="Filters">
      {items.map(([term, value]) => (
        <div key={term} className="flex gap-2">
          <dt className="font-medium text-slate-700">{term}:</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The refusal of bad filters: the message, and a way back. */
export function DrillProblem({ title, message }: { title: string; message: string }) {
  return (
    <>
      <h1 className="text-2xl font-semibold">{title}</h1>
      <div role="alert" className="mt-4 rounded-lg bg-red-50 p-4 text-red-900 ring-1 ring-red-200">
        {message}
      </div>
      <p className="mt-4">
        <Link to="/admin" className="text-brand-700 underline">
          Back to the dashboard
        </Link>
      </p>
    </>
  );
}

export const drillButtonClass = "inline-flex min-h-10 items-center rounded-md bg-white px-3 py-2 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-100";
