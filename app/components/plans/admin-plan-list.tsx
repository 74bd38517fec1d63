import { Form, Link } from "@remix-run/react";
import { planStatuses, type PlanFrequency, type PlanStatus } from "#db/schema/plan-values";
import { isHoldingPlan, isPlanStatus } from "~/modules/plans/plan-states";
import { frequencyLabels } from "~/modules/plans/schedule";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { PlanStatusBadge, planStatusLabel } from "./plan-status";

/** One row of the AR team's plan lists (what `listPlans` answers, after JSON). */
export interface AdminPlanRow {
  id: string;
  status: PlanStatus;
  currency: string;
  total: number;
  frequency: PlanFrequency;
  installmentCount: number;
  createdAt: string;
  accountId: string;
  accountName: string;
  accountNumber: string;
  nextDueDate: string | null;
  paid: number;
  failing: number;
}

export { isPlanStatus };

const selectClass = "mt-1 block rounded-md border border-slate-400 bg-white px-2 py-2";

/** The status filter: a GET form, so a filtered list is a link that can be shared. */
export function AdminPlanFilters({ status }: { status: PlanStatus | null }) {
  return (
    <Form method="get" aria-label="Filter payment plans" className="mt-4 flex flex-wrap items-end gap-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <div>
        <label htmlFor="plan-status" className="block text-sm font-medium">
          Status
        </label>
        <select id="plan-status" name="status" defaultValue={status ?? ""} className={selectClass} key={status ?? "any"}>
          <option value="">Any</option>
          {planStatuses.map((s) => (
            <option key={s} value={s}>
              {planStatusLabel(s)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="min-h-10 rounded-md bg-white px-3 py-2 text-sm ring-1 ring-slate-300 hover:bg-slate-100">
        Filter
      </button>
    </Form>
  );
}

/** An ended plan keeps its failed installments on record, but nothing is due or retried any more. */
const running = isHoldingPlan;

/** "6 × monthly" — how many installments, how often. */
export function installmentsText(count: number, frequency: PlanFrequency): string {
  return `${count} × ${frequencyLabels[frequency].toLowerCase()}`;
}

/**
 * Plans in a table that scrolls sideways on a phone. `showCustomer` is off on a customer's own
 * page, where every row is theirs.
 */
export function AdminPlanTable({ rows, caption, showCustomer = true, empty }: { rows: AdminPlanRow[]; caption: string; showCustomer?: boolean; empty: string }) {
  return (
    <div className="mt-4 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="px-3 py-2 text-left font-semibold">{caption}</caption>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className="px-3 py-2 text-left font-semibold">Created</th>
            {showCustomer ? <th scope="col" className="px-3 py-2 text-left font-semibold">Customer</th> : null}
            <th scope="col" className="px-3 py-2 text-left font-semibold">Status</th>
            <th scope="col" className="px-3 py-2 text-right font-semibold">Total</th>
            <th scope="col" className="px-3 py-2 text-left font-semibold">Installments</th>
            <th scope="col" className="px-3 py-2 text-right font-semibold">Paid so far</th>
            <th scope="col" className="px-3 py-2 text-left font-semibold">Next due</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((p) => (
            <tr key={p.id}>
              <td className="px-3 py-2 whitespace-nowrap">
                <Link to={`/admin/plans/${p.id}`} className="text-brand-700 underline">
                  {formatDate(p.createdAt.slice(0, 10))}
                </Link>
              </td>
              {showCustomer ? (
                <td className="px-3 py-2">
                  {p.accountName}
                  <span className="block text-xs text-slate-600">{p.accountNumber}</span>
                </td>
              ) : null}
              <td className="px-3 py-2">
                <span className="flex flex-wrap items-center gap-1">
                  <PlanStatusBadge status={p.status} />
                  {p.failing > 0 && running(p.status) ? (
                    <span className="inline-block rounded-full bg-red-700 px-2 py-0.5 text-xs font-semibold text-white">
                      {p.failing === 1 ? "1 failed installment" : `${p.failing} failed installments`}
                    </span>
                  ) : null}
                </span>
              </td>
              <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{formatMoney(p.total, p.currency)}</td>
              <td className="px-3 py-2 whitespace-nowrap">{installmentsText(p.installmentCount, p.frequency)}</td>
              <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{formatMoney(p.paid, p.currency)}</td>
              <td className="px-3 py-2 whitespace-nowrap">{p.nextDueDate && running(p.status) ? formatDate(p.nextDueDate) : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 ? <p className="p-4">{empty}</p> : null}
    </div>
  );
}
