import { Link } from "@remix-run/react";
import { LocalTime } from "~/components/local-time";
import type { DisputeReason, DisputeStatus } from "#db/schema/disputes";
import { isClosed, reasonLabels, statusLabels } from "~/modules/disputes/policy";
import { formatMoney } from "~/utils/money";
import { ageText } from "./admin-dispute-format";
import { AdminSlaBreached } from "./admin-dispute-status-badge";
import { DisputeStatusBadge } from "./dispute-status";

export interface AdminQueueRow {
  id: string;
  status: DisputeStatus;
  reason: DisputeReason;
  amount: number;
  currency: string;
  createdAt: string;
  firstResponseDueAt: string;
  firstRespondedAt: string | null;
  invoiceNumber: string;
  accountName: string;
  assigneeName: string | null;
  breached: boolean;
}

/** Counts per status (all disputes, not just the filtered ones) and how many are past their SLA. */
export function AdminDisputeCounts({ counts, breachedCount }: { counts: Record<string, number>; breachedCount: number }) {
  const item = "flex min-h-10 items-center gap-2 rounded-md bg-white px-3 py-2 text-sm ring-1 ring-slate-200 hover:bg-slate-50";
  return (
    <section aria-labelledby="queue-counts-heading" className="mt-4">
      <h2 id="queue-counts-heading" className="sr-only">
        Disputes by status
      </h2>
      <ul className="flex flex-wrap gap-2">
        <li>
          <Link to="/admin/disputes?status=active&sla=breached" className={`${item} ring-red-300`} data-testid="count-breached">
            <span aria-hidden="true">⚠</span>
            <span>SLA breached</span>
            <strong className="tabular-nums">{breachedCount}</strong>
          </Link>
        </li>
        {(Object.keys(statusLabels) as DisputeStatus[]).map((s) => (
          <li key={s}>
            <Link to={`/admin/disputes?status=${s}`} className={item} data-testid={`count-${s}`}>
              <span>{statusLabels[s]}</span>
              <strong className="tabular-nums">{counts[s] ?? 0}</strong>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

function FirstResponse({ row }: { row: AdminQueueRow }) {
  if (row.breached) {
    return (
      <div className="space-y-1">
        <AdminSlaBreached />
        <p className="text-xs text-slate-700">Was due <LocalTime iso={row.firstResponseDueAt} /></p>
      </div>
    );
  }
  if (row.firstRespondedAt) return <span className="text-slate-700">Responded <LocalTime iso={row.firstRespondedAt} /></span>;
  if (isClosed(row.status)) return <span className="text-slate-700">—</span>;
  return <LocalTime iso={row.firstResponseDueAt} />;
}

/** The triage table, in the order the domain sorts it (SLA breached first). */
export function AdminDisputeQueueTable({ rows, now }: { rows: AdminQueueRow[]; now: string }) {
  if (rows.length === 0) return <p className="mt-4 rounded-lg bg-white p-6 ring-1 ring-slate-200">No disputes match these filters.</p>;
  const th = "px-3 py-2 text-left font-semibold";
  return (
    <div className="mt-4 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">Disputes, SLA breached first, then by first-response due date</caption>
        <thead className="bg-slate-50 text-slate-800">
          <tr>
            <th scope="col" className={th}>Dispute</th>
            <th scope="col" className={th}>Customer</th>
            <th scope="col" className={`${th} text-right`}>Amount</th>
            <th scope="col" className={th}>Status</th>
            <th scope="col" className={th}>Assignee</th>
            <th scope="col" className={th}>Age</th>
            <th scope="col" className={th}>First response due</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <tr key={row.id} data-dispute-id={row.id} className={row.breached ? "bg-red-50" : undefined}>
              <td className="px-3 py-2">
                <Link to={`/admin/disputes/${row.id}`} className="font-medium text-brand-700 underline">
                  {row.invoiceNumber} — {reasonLabels[row.reason]}
                </Link>
              </td>
              <td className="px-3 py-2" data-column="customer">{row.accountName}</td>
              <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{formatMoney(row.amount, row.currency)}</td>
              <td className="px-3 py-2" data-column="status">
                <DisputeStatusBadge status={row.status} />
              </td>
              <td className="px-3 py-2" data-column="assignee">{row.assigneeName ?? <span className="text-slate-700">Unassigned</span>}</td>
              <td className="px-3 py-2 whitespace-nowrap" data-column="age">{ageText(row.createdAt, now)}</td>
              <td className="px-3 py-2" data-column="sla">
                <FirstResponse row={row} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
