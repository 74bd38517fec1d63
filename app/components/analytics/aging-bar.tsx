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
      {/* SVG, not styled divs: the CSP allows no inline styles, and presentation attributes are none. */}
      <svg viewBox="0 0 100 6" preserveAspectRatio="none" width="100%" height="24" role="img" aria-label={`Aging bar: ${slices.map((s) => `${s.label} ${Math.round(share(s.amount))}%`).join(", ")}`} className="block rounded ring-1 ring-slate-200">
        <rect x="0" y="0" width="100" height="6" fill="#f1f5f9" />
        {slices.map((s, i) => {
          const x = slices.slice(0, i).reduce((n, p) => n + share(p.amount), 0);
          return share(s.amount) > 0 ? <rect key={s.key} x={x} y="0" width={share(s.amount)} height="6" fill={colors[i % colors.length]} /> : null;
        })}
      </svg>
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
                  <svg width="12" height="12" className="mr-2 inline-block align-middle" aria-hidden="true">
                    <rect width="12" height="12" rx="2" fill={colors[i % colors.length]} />
                  </svg>
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
