import type { DisputeStatus } from "#db/schema/disputes";
import { statusLabels } from "~/modules/disputes/policy";

const tones: Record<DisputeStatus, string> = {
  open: "bg-blue-100 text-blue-900",
  in_review: "bg-amber-100 text-amber-900",
  waiting_on_customer: "bg-orange-100 text-orange-900",
  resolved: "bg-green-100 text-green-900",
  rejected: "bg-red-100 text-red-900",
  withdrawn: "bg-slate-200 text-slate-800",
};

export function DisputeStatusBadge({ status }: { status: DisputeStatus }) {
  return <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold ${tones[status]}`}>{statusLabels[status]}</span>;
}
