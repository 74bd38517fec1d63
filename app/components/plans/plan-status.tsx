import type { InstallmentStatus, PlanStatus } from "#db/schema/plan-values";
import { installmentStatusLabels, installmentStatusTones } from "~/modules/plans/installment-states";
import { planStatusLabels, planStatusTones } from "~/modules/plans/plan-states";

/** Badge colours by what the state means (the states and their words are in the state modules). */
const toneClass = {
  neutral: "bg-slate-200 text-slate-900",
  waiting: "bg-amber-100 text-amber-900",
  running: "bg-blue-100 text-blue-900",
  good: "bg-green-100 text-green-900",
  bad: "bg-red-100 text-red-900",
} as const;

const badge = "inline-block rounded-full px-2 py-0.5 text-xs font-semibold";

export const planStatusLabel = (status: PlanStatus) => planStatusLabels[status];

export function PlanStatusBadge({ status }: { status: PlanStatus }) {
  return <span className={`${badge} ${toneClass[planStatusTones[status]]}`}>{planStatusLabels[status]}</span>;
}

export function InstallmentStatusBadge({ status }: { status: InstallmentStatus }) {
  return <span className={`${badge} ${toneClass[installmentStatusTones[status]]}`}>{installmentStatusLabels[status]}</span>;
}
