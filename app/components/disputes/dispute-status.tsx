import type { DisputeStatus } from "#db/schema/disputes";
import { statusLabels, statusTones } from "~/modules/disputes/policy";

export function DisputeStatusBadge({ status }: { status: DisputeStatus }) {
  return <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold ${statusTones[status]}`}>{statusLabels[status]}</span>;
}
