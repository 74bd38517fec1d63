import type { DisputeReason, DisputeStatus } from "#db/schema/dispute-values";
import { activeDisputeStatuses } from "#db/schema/dispute-values";

/**
 * The dispute state machine, in one file: the states, their named groups, every move allowed
 * between them and the labels people see. Pure (no database, no Node), so pages and badges import
 * it too. The one function that writes a status is `transitionDispute`
 * (transition-dispute.server.ts), which refuses a move this table does not allow; a test keeps
 * status groups from being re-typed anywhere else.
 */
export { disputeReasons, disputeStatuses } from "#db/schema/dispute-values";
export type { DisputeReason, DisputeStatus };

/** Still being worked on: the disputed amount is held out of what the invoice can pay. */
export const openDisputeStatuses = activeDisputeStatuses;
/** Ended: the hold is released, nothing more can be added. */
export const closedDisputeStatuses = ["resolved", "rejected", "withdrawn"] as const satisfies readonly DisputeStatus[];
/** Closed by the AR team's decision (a withdrawal is the customer's): what "days to resolve" counts. */
export const decidedDisputeStatuses = ["resolved", "rejected"] as const satisfies readonly DisputeStatus[];
export type OpenDisputeStatus = (typeof openDisputeStatuses)[number];
export type ClosedDisputeStatus = (typeof closedDisputeStatuses)[number];
/** Open and waiting for the AR team's move (not for the customer's answer): the collections worklist counts these. */
export const waitingOnArDisputeStatuses = ["open", "in_review"] as const satisfies readonly OpenDisputeStatus[];

export const isOpen = (status: DisputeStatus): status is OpenDisputeStatus => (openDisputeStatuses as readonly DisputeStatus[]).includes(status);
export const isClosed = (status: DisputeStatus): status is ClosedDisputeStatus => (closedDisputeStatuses as readonly DisputeStatus[]).includes(status);

/**
 * Every allowed move, by what causes it:
 * - move: a clerk by hand (the "Move to …" buttons);
 * - info_request: a clerk asks the customer for information;
 * - customer_reply: the customer answers while the dispute waits on them;
 * - staff_reply: a clerk's first answer to an untouched dispute;
 * - resolve / reject: a clerk ends it with a credit, or refuses it;
 * - withdraw: the customer takes it back.
 */
export const disputeTransitions = {
  move: { open: ["in_review", "waiting_on_customer"], in_review: ["open", "waiting_on_customer"], waiting_on_customer: ["in_review"] },
  info_request: { open: ["waiting_on_customer"], in_review: ["waiting_on_customer"] },
  customer_reply: { waiting_on_customer: ["in_review"] },
  staff_reply: { open: ["in_review"] },
  resolve: { open: ["resolved"], in_review: ["resolved"], waiting_on_customer: ["resolved"] },
  reject: { open: ["rejected"], in_review: ["rejected"], waiting_on_customer: ["rejected"] },
  withdraw: { open: ["withdrawn"], in_review: ["withdrawn"], waiting_on_customer: ["withdrawn"] },
} as const satisfies Record<string, Partial<Record<DisputeStatus, readonly DisputeStatus[]>>>;
export type DisputeTrigger = keyof typeof disputeTransitions;

export function canTransition(trigger: DisputeTrigger, from: DisputeStatus, to: DisputeStatus): boolean {
  const moves = (disputeTransitions[trigger] as Partial<Record<DisputeStatus, readonly DisputeStatus[]>>)[from];
  return moves?.includes(to) ?? false;
}

/** The statuses a dispute may be in for `trigger` to move it to `to` (the transition's WHERE clause). */
export function allowedFrom(trigger: DisputeTrigger, to: DisputeStatus): DisputeStatus[] {
  return (Object.entries(disputeTransitions[trigger]) as Array<[DisputeStatus, readonly DisputeStatus[]]>).filter(([, tos]) => tos.includes(to)).map(([from]) => from);
}

/** Which moves a clerk may make by hand; resolve, reject and withdraw have their own use cases. */
export const canMove = (from: DisputeStatus, to: DisputeStatus): boolean => canTransition("move", from, to);

/** The move a new message makes (null: the dispute stays where it is). */
export function messageTransition(from: DisputeStatus, message: { side: "customer" | "staff"; kind: "reply" | "internal_note" | "info_request" }): { trigger: DisputeTrigger; to: DisputeStatus } | null {
  const trigger: DisputeTrigger | null =
    message.side === "customer" ? "customer_reply" : message.kind === "info_request" ? "info_request" : message.kind === "reply" ? "staff_reply" : null;
  if (!trigger) return null;
  const to = (disputeTransitions[trigger] as Partial<Record<DisputeStatus, readonly DisputeStatus[]>>)[from]?.[0];
  return to ? { trigger, to } : null;
}

export const reasonLabels: Record<DisputeReason, string> = {
  pricing_error: "Pricing error",
  quantity_or_short_shipment: "Wrong quantity or short shipment",
  damaged_goods: "Damaged goods",
  not_received: "Goods or services not received",
  duplicate_billing: "Billed twice",
  already_paid: "Already paid",
  tax: "Tax is wrong",
  other: "Other",
};

export const statusLabels: Record<DisputeStatus, string> = {
  open: "Open",
  in_review: "In review",
  waiting_on_customer: "Waiting on customer",
  resolved: "Resolved",
  rejected: "Rejected",
  withdrawn: "Withdrawn",
};

/** The badge colour of each status. */
export const statusTones: Record<DisputeStatus, string> = {
  open: "bg-blue-100 text-blue-900",
  in_review: "bg-amber-100 text-amber-900",
  waiting_on_customer: "bg-orange-100 text-orange-900",
  resolved: "bg-green-100 text-green-900",
  rejected: "bg-red-100 text-red-900",
  withdrawn: "bg-slate-200 text-slate-800",
};
