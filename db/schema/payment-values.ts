// Plain values shared by the schema and the UI: no database or Node imports, so browser
// bundles may import this file (the payment state machine, badges).
export const paymentStatuses = ["pending", "processing", "succeeded", "failed", "canceled"] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

export const refundStatuses = ["pending", "succeeded", "failed", "canceled"] as const;
export type RefundStatus = (typeof refundStatuses)[number];
