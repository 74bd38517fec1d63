import type { DisputeReason, DisputeStatus } from "#db/schema/dispute-values";

export { disputeReasons, disputeStatuses } from "#db/schema/dispute-values";

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

/** Which moves a clerk may make by hand; resolve, reject and withdraw have their own use cases. */
const manual: Record<DisputeStatus, DisputeStatus[]> = {
  open: ["in_review", "waiting_on_customer"],
  in_review: ["open", "waiting_on_customer"],
  waiting_on_customer: ["in_review"],
  resolved: [],
  rejected: [],
  withdrawn: [],
};

export function canMove(from: DisputeStatus, to: DisputeStatus): boolean {
  return manual[from].includes(to);
}

export const isClosed = (status: DisputeStatus) => status === "resolved" || status === "rejected" || status === "withdrawn";
