import { Link } from "@remix-run/react";

export interface AgingSlice {
  key: string;
  label: string;
  amount: number;
  href: string;
}

const colors = ["#1e40af", "#0e7490", "#ca8a04", "#c2410c", "#9f1239"];

/**
 * Aging as one stacked horizontal bar (each bucket's share of open AR), with the table of amounts
 * below it: the table is the legend, the alternative to the bar, and the drill-down links.
 */
export function AgingBar({ slices, total, formatAmount, caption }: { slices: AgingSlice[]; total: number; formatAmount: (minor: number) => string; caption: string }) {
  const positive = slices.reduce((n, s) => n + Math.max(0, s.amount), 0);
  const share = (amount: number) => (positive > 0 ? (Math.max(0, amount) / positive) * 100 : 0);
  return (
    <div>
      <div
        role="img"
        aria-label={`Aging bar: ${slices.map((s) => `${s.label} ${Math.round(share(s.amount))}%`).join(", ")}`}
        className="flex h-6 w-full overflow-hidden rounded bg-slate-100 ring-1 ring-slate-200"
      >
        {slices.map((s, i) =>
          share(s.amount) > 0 ? <div key={s.key} style={{ width: `${share(s.amount)}%`, backgroundColor: colors[i % colors.length] }} title={`${s.label}: ${formatAmount(s.amount)}`} /> : null,
        )}
      </div>
      <div className="mt-3 overflow-x-auto">
        <table className="min-w-full text-sm" data-testid="aging-table">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr className="text-left">
              <th scope="col" className="py-1 pr-3 font-semibold">
                Bucket
              </th>
              <th scope="col" className="py-1 pr-3 text-right font-semibold">
                Amount
              </th>
              <th scope="col" className="py-1 text-right font-semibold">
                Share
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {slices.map((s, i) => (
              <tr key={s.key}>
                <th scope="row" className="py-1 pr-3 text-left font-normal">
                  <span className="mr-2 inline-block h-3 w-3 rounded-sm align-middle" style={{ backgroundColor: colors[i % colors.length] }} aria-hidden="true" />
                  {s.label}
                </th>
                <td className="py-1 pr-3 text-right tabular-nums whitespace-nowrap">
                  <Link to={s.href} className="text-brand-700 underline" aria-label={`${formatAmount(s.amount)}: invoices ${s.label}`}>
                    {formatAmount(s.amount)}
                  </Link>
                </td>
                <td className="py-1 text-right tabular-nums">{Math.round(share(s.amount))}%</td>
              </tr>
            ))}
            <tr className="font-semibold">
              <th scope="row" className="py-1 pr-3 text-left">
                Open AR
              </th>
              <td className="py-1 pr-3 text-right tabular-nums whitespace-nowrap">{formatAmount(total)}</td>
              <td className="py-1 text-right tabular-nums">100%</td>
            </tr>
          </tbody>
        </table>
      </div>
    </div>
  );
}
