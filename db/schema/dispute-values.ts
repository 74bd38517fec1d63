// Plain values shared by the schema and the UI: no database or Node imports, so browser
// bundles may import this file.
export const disputeReasons = ["pricing_error", "quantity_or_short_shipment", "damaged_goods", "not_received", "duplicate_billing", "already_paid", "tax", "other"] as const;
export type DisputeReason = (typeof disputeReasons)[number];

export const disputeStatuses = ["open", "in_review", "waiting_on_customer", "resolved", "rejected", "withdrawn"] as const;
export type DisputeStatus = (typeof disputeStatuses)[number];
/** While a dispute is in one of these, its amount is held out of the invoice's payable balance. */
export const activeDisputeStatuses = ["open", "in_review", "waiting_on_customer"] as const;
