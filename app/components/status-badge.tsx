import type { DisplayStatus } from "~/modules/invoices/types";

const styles: Record<DisplayStatus, { label: string; className: string }> = {
  open: { label: "Open", className: "bg-blue-100 text-blue-900" },
  partially_paid: { label: "Partially paid", className: "bg-amber-100 text-amber-900" },
  overdue: { label: "Overdue", className: "bg-red-100 text-red-900" },
  on_plan: { label: "On payment plan", className: "bg-indigo-100 text-indigo-900" },
  paid: { label: "Paid", className: "bg-green-100 text-green-900" },
  void: { label: "Void", className: "bg-slate-200 text-slate-800" },
};

export function StatusBadge({ status }: { status: DisplayStatus }) {
  const s = styles[status];
  return <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold ${s.className}`}>{s.label}</span>;
}
