import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

export interface FigureTileProps {
  /** Stable id for tests and the heading's id. */
  id: string;
  label: string;
  /** The figure as shown ("USD 3,700.00", "77.44 days"), or null when it cannot be computed. */
  value: string | null;
  /** Why the figure is missing ("no sales in the period"). */
  missingBecause?: string;
  /** The drill-down the figure opens. */
  href: string;
  linkLabel: string;
  /** Current minus previous (in the figure's unit), null when either is missing. */
  change: number | null;
  /** The change formatted without its sign ("USD 300.00", "3.2 days"). */
  formatChange: (magnitude: number) => string;
  /** The previous period's figure as shown, for screen readers and the title. */
  previousValue: string | null;
  previousLabel: string;
  formula: ReactNode;
}

/**
 * One dashboard figure: its value (a link to the invoices behind it), the change against the
 * previous period as ▲/▼ with the number (and words for screen readers), and its formula.
 */
export function FigureTile(props: FigureTileProps) {
  const { id, label, value, missingBecause, href, linkLabel, change, formatChange, previousValue, previousLabel, formula } = props;
  return (
    <section aria-labelledby={`${id}-label`} data-testid={`tile-${id}`} className="flex flex-col rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <h3 id={`${id}-label`} className="text-sm font-medium text-slate-700">
        {label}
      </h3>
      {value === null ? (
        <p className="mt-1">
          <span className="text-2xl font-semibold" aria-hidden="true">
            —
          </span>
          <span className="sr-only">Not available</span>
          <span className="block text-sm text-slate-700" data-testid={`${id}-missing`}>
            {missingBecause ?? "Not available"}
          </span>
        </p>
      ) : (
        <p className="mt-1 text-2xl font-semibold tabular-nums">
          <Link to={href} className="text-brand-700 underline decoration-1 underline-offset-4 hover:decoration-2" aria-label={`${value}: ${linkLabel}`} data-testid={`${id}-value`}>
            {value}
          </Link>
        </p>
      )}
      <p className="mt-1 text-sm text-slate-700 tabular-nums" data-testid={`${id}-change`}>
        <Change change={change} formatChange={formatChange} previousValue={previousValue} previousLabel={previousLabel} />
      </p>
      <div className="mt-2 text-xs text-slate-700">{formula}</div>
    </section>
  );
}

function Change({ change, formatChange, previousValue, previousLabel }: Pick<FigureTileProps, "change" | "formatChange" | "previousValue" | "previousLabel">) {
  if (change === null) return <>No comparison with {previousLabel}{previousValue === null ? " (no figure then)" : ""}</>;
  if (change === 0)
    return (
      <>
        <span aria-hidden="true">= </span>unchanged from {previousLabel}
      </>
    );
  const up = change > 0;
  return (
    <>
      <span aria-hidden="true">
        {up ? "▲" : "▼"} {formatChange(Math.abs(change))}
      </span>
      <span className="sr-only">
        {up ? "Up" : "Down"} {formatChange(Math.abs(change))}
      </span>{" "}
      vs {previousLabel} ({previousValue})
    </>
  );
}
