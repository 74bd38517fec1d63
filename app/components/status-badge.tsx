import { displayStatusLabels } from "~/modules/invoices/status";
import type { DisplayStatus } from "~/modules/invoices/types";

const styles: Record<DisplayStatus, string> = {
  open: "bg-blue-100 text-blue-900",
  partially_paid: "bg-amber-100 text-amber-900",
  partly_credited: "bg-amber-100 text-amber-900",
  overdue: "bg-red-100 text-red-900",
  on_plan: "bg-indigo-100 text-indigo-900",
  paid: "bg-green-100 text-green-900",
  credited: "bg-green-100 text-green-900",
  void: "bg-slate-200 text-slate-800",
};

export function StatusBadge({ status }: { status: DisplayStatus }) {
  return <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold ${styles[status]}`}>{displayStatusLabels[status]}</span>;
}
