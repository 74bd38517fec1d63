import type { DisputeStatus } from "#db/schema/disputes";
import { statusLabels } from "~/modules/disputes/policy";

const tones: Record<DisputeStatus, string> = {
  open: "bg-blue-100 text-blue-900",
  in_review: "bg-amber-100 text-amber-900",
  waiting_on_customer: "bg-purple-100 text-purple-900",
  resolved: "bg-green-100 text-green-900",
  rejected: "bg-slate-200 text-slate-900",
  withdrawn: "bg-slate-200 text-slate-800",
};

/** A dispute's status as words (the colour only repeats them). */
export function AdminDisputeStatusBadge({ status }: { status: DisputeStatus }) {
  return <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold whitespace-nowrap ${tones[status]}`}>{statusLabels[status]}</span>;
}

/** "SLA breached" in words with a marker, never colour alone. */
export function AdminSlaBreached() {
  return (
    <span className="inline-flex items-center gap-1 rounded-full bg-red-100 px-2 py-0.5 text-xs font-semibold whitespace-nowrap text-red-900">
      <span aria-hidden="true">⚠</span>
      SLA breached
    </span>
  );
}
