import type { InstallmentStatus } from "#db/schema/plan-values";
import type { EventType } from "~/modules/events/record-event.server";

export { installmentStatuses, type InstallmentStatus } from "#db/schema/plan-values";

/**
 * An installment's state machine in one place (see plan-states.ts for the plan's). Pure: the
 * schedule table's badges, the plan pages and the use cases import it; every status write goes
 * through `transitionInstallments` (transition-installments.server.ts).
 *
 *   scheduled ──▶ paying ──▶ processing ──▶ paid
 *       ▲  │        │  │         │
 *       │  │        │  └─────────┴──▶ failed ──▶ paying (retry, or the payer pays it)
 *       │  │        └──────────────────┘  │
 *       └──┴── (payment ended without money: back to scheduled or failed)
 *          └──▶ canceled (the plan ended, or nothing was left to collect)
 */

/** Still to be collected (not paid, not canceled). */
export const OPEN_INSTALLMENT_STATUSES = ["scheduled", "failed", "paying", "processing"] as const satisfies readonly InstallmentStatus[];
/** A charge can be started: by the schedule, staff's "Retry now" or the payer. */
export const PAYABLE_INSTALLMENT_STATUSES = ["scheduled", "failed"] as const satisfies readonly InstallmentStatus[];
/** A payment for it is under way. */
export const IN_FLIGHT_INSTALLMENT_STATUSES = ["paying", "processing"] as const satisfies readonly InstallmentStatus[];

const member = (group: readonly InstallmentStatus[]) => (status: string) => (group as readonly string[]).includes(status);
export const isOpenInstallment = member(OPEN_INSTALLMENT_STATUSES);
export const isPayableInstallment = member(PAYABLE_INSTALLMENT_STATUSES);
export const isInFlightInstallment = member(IN_FLIGHT_INSTALLMENT_STATUSES);

export const INSTALLMENT_TRANSITIONS: Record<InstallmentStatus, readonly InstallmentStatus[]> = {
  scheduled: ["paying", "canceled"],
  paying: ["processing", "paid", "failed", "scheduled"],
  processing: ["paid", "failed", "scheduled"],
  failed: ["paying", "canceled"],
  paid: [],
  canceled: [],
};

export function canMoveInstallment(from: InstallmentStatus, to: InstallmentStatus): boolean {
  return INSTALLMENT_TRANSITIONS[from].includes(to);
}

export function installmentStatusesBefore(to: InstallmentStatus): InstallmentStatus[] {
  return (Object.keys(INSTALLMENT_TRANSITIONS) as InstallmentStatus[]).filter((from) => INSTALLMENT_TRANSITIONS[from].includes(to));
}

/**
 * What a move records: the outbox event per installment (a contract: event-types.ts) and the
 * audit action. A payment starting is recorded as `payment.created`, an installment canceled as
 * part of the plan's ending, so those moves record nothing of their own.
 */
export const installmentTransitionRecord: Record<InstallmentStatus, { event: EventType | null; audit: string | null }> = {
  scheduled: { event: null, audit: null },
  paying: { event: null, audit: null },
  processing: { event: "installment.processing", audit: null },
  paid: { event: "installment.succeeded", audit: "installment.succeeded" },
  failed: { event: "installment.failed", audit: "installment.failed" },
  canceled: { event: null, audit: null },
};

export const installmentStatusLabels: Record<InstallmentStatus, string> = {
  scheduled: "Scheduled",
  paying: "Being paid",
  processing: "Processing",
  paid: "Paid",
  failed: "Failed",
  canceled: "Canceled",
};

export const installmentStatusTones: Record<InstallmentStatus, "neutral" | "waiting" | "good" | "bad"> = {
  scheduled: "neutral",
  paying: "waiting",
  processing: "waiting",
  paid: "good",
  failed: "bad",
  canceled: "neutral",
};
