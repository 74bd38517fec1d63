import { stepLabel } from "~/modules/collections/steps";

/** "−3 · 0 · +7 · +14 (call) · +30": a cadence's steps by day, call steps marked. */
export function stepsSummary(steps: Array<{ offsetDays: number; channel: string }>): string {
  if (steps.length === 0) return "No steps";
  return [...steps]
    .sort((a, b) => a.offsetDays - b.offsetDays)
    .map((s) => `${stepLabel(s.offsetDays)}${s.channel === "call" ? " (call)" : ""}`)
    .join(" · ");
}

export const channelLabels: Record<string, string> = { email: "Email", call: "Call task" };
