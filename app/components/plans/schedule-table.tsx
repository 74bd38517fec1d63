import type { InstallmentStatus } from "#db/schema/plan-values";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { InstallmentStatusBadge } from "./plan-status";

export interface ScheduleRow {
  sequence: number;
  dueDate: string;
  amount: number;
  status?: InstallmentStatus;
  attempts?: number;
  nextAttemptOn?: string | null;
  failureMessage?: string | null;
}

/**
 * A plan's installments: the preview before enrolling (no status) or a running plan's schedule.
 * The total row is the exact sum, so the payer can check it matches what they owe.
 */
export function ScheduleTable({ rows, currency, caption, actions }: { rows: ScheduleRow[]; currency: string; caption: string; actions?: (row: ScheduleRow) => React.ReactNode }) {
  const withStatus = rows.some((r) => r.status);
  const total = rows.reduce((s, r) => s + r.amount, 0);
  return (
    <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="px-3 py-2 text-left font-semibold">{caption}</caption>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className="px-3 py-2 text-left font-semibold">Installment</th>
            <th scope="col" className="px-3 py-2 text-left font-semibold">Date</th>
            {withStatus ? <th scope="col" className="px-3 py-2 text-left font-semibold">Status</th> : null}
            <th scope="col" className="px-3 py-2 text-right font-semibold">Amount</th>
            {actions ? <th scope="col" className="px-3 py-2 text-right font-semibold"><span className="sr-only">Actions</span></th> : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.sequence}>
              <td className="px-3 py-2">{r.sequence === 0 ? "Down payment" : `${r.sequence} of ${rows.filter((x) => x.sequence > 0).length}`}</td>
              <td className="px-3 py-2 whitespace-nowrap">{formatDate(r.dueDate)}</td>
              {withStatus ? (
                <td className="px-3 py-2">
                  {r.status ? <InstallmentStatusBadge status={r.status} /> : null}
                  {r.status === "failed" ? (
                    <p className="mt-1 text-xs text-red-900">
                      {r.failureMessage ?? "The charge failed."} {r.nextAttemptOn ? `Next try ${formatDate(r.nextAttemptOn)}.` : ""}
                    </p>
                  ) : null}
                </td>
              ) : null}
              <td className="px-3 py-2 text-right tabular-nums">{formatMoney(r.amount, currency)}</td>
              {actions ? <td className="px-3 py-2 text-right">{actions(r)}</td> : null}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className="font-semibold">
            <th scope="row" colSpan={withStatus ? 3 : 2} className="px-3 py-2 text-left">Total</th>
            <td className="px-3 py-2 text-right tabular-nums">{formatMoney(total, currency)}</td>
            {actions ? <td /> : null}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
