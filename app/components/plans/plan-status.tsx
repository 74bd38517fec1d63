import type { InstallmentStatus, PlanStatus } from "#db/schema/plan-values";

const planStyles: Record<PlanStatus, { label: string; className: string }> = {
  authorizing: { label: "Waiting for authorization", className: "bg-slate-200 text-slate-900" },
  awaiting_approval: { label: "Waiting for approval", className: "bg-amber-100 text-amber-900" },
  active: { label: "Active", className: "bg-blue-100 text-blue-900" },
  paused: { label: "Paused", className: "bg-slate-200 text-slate-900" },
  completed: { label: "Paid in full", className: "bg-green-100 text-green-900" },
  defaulted: { label: "Defaulted", className: "bg-red-100 text-red-900" },
  canceled: { label: "Canceled", className: "bg-slate-200 text-slate-800" },
  declined: { label: "Declined", className: "bg-red-100 text-red-900" },
};

const installmentStyles: Record<InstallmentStatus, { label: string; className: string }> = {
  scheduled: { label: "Scheduled", className: "bg-slate-200 text-slate-900" },
  paying: { label: "Being paid", className: "bg-amber-100 text-amber-900" },
  processing: { label: "Processing", className: "bg-amber-100 text-amber-900" },
  paid: { label: "Paid", className: "bg-green-100 text-green-900" },
  failed: { label: "Failed", className: "bg-red-100 text-red-900" },
  canceled: { label: "Canceled", className: "bg-slate-200 text-slate-800" },
};

const badge = "inline-block rounded-full px-2 py-0.5 text-xs font-semibold";

export const planStatusLabel = (status: PlanStatus) => planStyles[status].label;

export function PlanStatusBadge({ status }: { status: PlanStatus }) {
  const s = planStyles[status];
  return <span className={`${badge} ${s.className}`}>{s.label}</span>;
}

export function InstallmentStatusBadge({ status }: { status: InstallmentStatus }) {
  const s = installmentStyles[status];
  return <span className={`${badge} ${s.className}`}>{s.label}</span>;
}
