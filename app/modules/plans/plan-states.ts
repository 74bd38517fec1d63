import { holdingPlanStatuses, type PlanStatus } from "#db/schema/plan-values";
import type { EventType } from "~/modules/events/record-event.server";

export { planStatuses, type PlanStatus } from "#db/schema/plan-values";

/**
 * The payment plan's state machine in one place: its states, the groups the rest of the code
 * asks about, which moves are allowed, what each move records, and the words on the badges.
 * Pure (no database): routes, badges and the browser import it; every status write goes
 * through `transitionPlan` (transition-plan.server.ts), which refuses a move this table does not
 * allow. A test keeps these groups from being re-typed anywhere else.
 *
 *   authorizing ──▶ awaiting_approval ──▶ active ◀──▶ paused
 *        │                  │               │           │
 *        └──────────────────┴───────────────┴───────────┴──▶ canceled | declined | completed | defaulted
 */

/**
 * While a plan is in one of these, its invoices belong to it (invoices.payment_plan_id, hence
 * defined beside the schema) and it can take a (new) payment method.
 */
export const HOLDING_PLAN_STATUSES = holdingPlanStatuses;
/** Charging has started: installments are paid (by the schedule or the payer) while in one of these. */
export const CHARGING_PLAN_STATUSES = ["active", "paused"] as const satisfies readonly PlanStatus[];
/** Before charging starts: the payer may still withdraw. */
export const PAYER_CANCELABLE_PLAN_STATUSES = ["authorizing", "awaiting_approval"] as const satisfies readonly PlanStatus[];
/** Staff may cancel any plan that has not ended. */
export const STAFF_CANCELABLE_PLAN_STATUSES = HOLDING_PLAN_STATUSES;
/** Nothing more is collected through the plan; its invoices are free again. */
export const ENDED_PLAN_STATUSES = ["completed", "defaulted", "canceled", "declined"] as const satisfies readonly PlanStatus[];

export type PlanEnding = (typeof ENDED_PLAN_STATUSES)[number];

const member = (group: readonly PlanStatus[]) => (status: string) => (group as readonly string[]).includes(status);
export const isHoldingPlan = member(HOLDING_PLAN_STATUSES);
export const isChargingPlan = member(CHARGING_PLAN_STATUSES);
export const isEndedPlan = member(ENDED_PLAN_STATUSES);
export const payerMayCancelPlan = member(PAYER_CANCELABLE_PLAN_STATUSES);
export const staffMayCancelPlan = member(STAFF_CANCELABLE_PLAN_STATUSES);
/** Staff approve or decline only a plan that waits for them. */
export const isAwaitingApproval = (status: string) => status === "awaiting_approval";
export const canPausePlan = (status: string) => status === "active";
export const canResumePlan = (status: string) => status === "paused";
/** A new or replacement payment method can be authorized. */
export const canAuthorizePlan = isHoldingPlan;

/** Allowed moves: from → to. The ended states go nowhere. */
export const PLAN_TRANSITIONS: Record<PlanStatus, readonly PlanStatus[]> = {
  authorizing: ["awaiting_approval", "active", "canceled"],
  awaiting_approval: ["active", "declined", "canceled"],
  active: ["paused", "completed", "defaulted", "canceled"],
  paused: ["active", "completed", "defaulted", "canceled"],
  completed: [],
  defaulted: [],
  canceled: [],
  declined: [],
};

export function canMovePlan(from: PlanStatus, to: PlanStatus): boolean {
  return PLAN_TRANSITIONS[from].includes(to);
}

/** The states a plan may be in for a move to `to` (the UPDATE's `status IN (…)`). */
export function planStatusesBefore(to: PlanStatus): PlanStatus[] {
  return (Object.keys(PLAN_TRANSITIONS) as PlanStatus[]).filter((from) => PLAN_TRANSITIONS[from].includes(to));
}

/**
 * What a move records: the outbox event (a contract with the back office: names in
 * app/modules/webhooks/event-types.ts) and the audit action. Waiting for approval is not an
 * event (the back office hears of the plan when it is approved or declined).
 */
export function planTransitionRecord(from: PlanStatus, to: PlanStatus): { event: EventType | null; audit: string } {
  if (to === "active") return from === "paused" ? { event: "plan.resumed", audit: "plan.resumed" } : { event: "plan.activated", audit: "plan.activated" };
  if (to === "paused") return { event: "plan.paused", audit: "plan.paused" };
  if (to === "awaiting_approval") return { event: null, audit: "plan.awaiting_approval" };
  return { event: `plan.${to as PlanEnding}`, audit: `plan.${to}` };
}

export const planStatusLabels: Record<PlanStatus, string> = {
  authorizing: "Waiting for authorization",
  awaiting_approval: "Waiting for approval",
  active: "Active",
  paused: "Paused",
  completed: "Paid in full",
  defaulted: "Defaulted",
  canceled: "Canceled",
  declined: "Declined",
};

/** Badge colours by meaning. */
export const planStatusTones: Record<PlanStatus, "neutral" | "waiting" | "running" | "good" | "bad"> = {
  authorizing: "neutral",
  awaiting_approval: "waiting",
  active: "running",
  paused: "neutral",
  completed: "good",
  defaulted: "bad",
  canceled: "neutral",
  declined: "bad",
};

export function isPlanStatus(value: string | null | undefined): value is PlanStatus {
  return typeof value === "string" && Object.hasOwn(PLAN_TRANSITIONS, value);
}
