// Types only from the schema module (it pulls in node:crypto); the states are plain values, shared with the schema.
import type { ChargebackState } from "#db/schema/payments";
import { paymentStatuses, refundStatuses, type PaymentStatus, type RefundStatus } from "#db/schema/payment-values";

/**
 * The payment state machine in one file: the states, the named groups every page and use case
 * asks about, the moves allowed, and the words for each state. Pure (no database): routes and
 * badges import it as well as the use cases. The one function that writes a payment's status is
 * `transitionPayment` (transition-payment.server.ts), which refuses any move not in this table.
 *
 *   pending ──→ processing ──→ succeeded
 *      │  ╲          ╰──────→ failed        (an ACH debit returned)
 *      │   ╰─────────────────→ succeeded    (a card)
 *      ├──────────────────────→ failed      (a saved card asking for authentication, a declined off-session charge)
 *      ╰──────────────────────→ canceled    (the payer cancels, Checkout expires, the provider was unreachable)
 */
/** The schema's states, in the machine's order. */
export const PAYMENT_STATUSES = paymentStatuses;
export type { PaymentStatus };

/** Where a payment may go from each state. Final states go nowhere. */
export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  pending: ["processing", "succeeded", "failed", "canceled"],
  processing: ["succeeded", "failed"],
  succeeded: [],
  failed: [],
  canceled: [],
};

/** The states a payment may move to `to` from (the `WHERE status IN (…)` of the transition). */
export function paymentStatesBefore(to: PaymentStatus): PaymentStatus[] {
  return PAYMENT_STATUSES.filter((from) => PAYMENT_TRANSITIONS[from].includes(to));
}

export const canMovePayment = (from: PaymentStatus, to: PaymentStatus): boolean => PAYMENT_TRANSITIONS[from].includes(to);

/** The named groups: ask "is it under way?", never re-type the list. */
export const PAYMENT_GROUPS = {
  /** Money may still come: the allocations hold the invoices' balances (invoices.amount_pending). */
  reserving: ["pending", "processing"],
  /** Nothing will change any more (Stripe is not asked again). */
  final: ["succeeded", "failed", "canceled"],
  /** The payer can still pay it in Checkout, or cancel it. */
  open: ["pending"],
  /** Ended without bringing money: the reservation was released. */
  withoutMoney: ["failed", "canceled"],
  /** Money arrived: receipts, refunds and chargebacks apply. */
  paid: ["succeeded"],
} as const satisfies Record<string, readonly PaymentStatus[]>;
export type PaymentGroup = keyof typeof PAYMENT_GROUPS;

export function paymentIs(group: PaymentGroup, status: PaymentStatus): boolean {
  return (PAYMENT_GROUPS[group] as readonly PaymentStatus[]).includes(status);
}

/** The timestamp column each state sets when a payment enters it. */
export const PAYMENT_ENTERED_AT = {
  processing: "processingAt",
  succeeded: "succeededAt",
  failed: "failedAt",
  canceled: "canceledAt",
} as const satisfies Record<Exclude<PaymentStatus, "pending">, string>;

/**
 * What a badge says: the status, except that a paid payment reads as refunded (in part or
 * whole), and a chargeback (open, or lost) outranks both. A won chargeback reads as paid again.
 */
export type PaymentBadge = PaymentStatus | "refunded" | "partially_refunded" | "disputed" | "charged_back";

export const PAYMENT_BADGE_LABELS: Readonly<Record<PaymentBadge, string>> = {
  pending: "Awaiting payment",
  processing: "Processing",
  succeeded: "Paid",
  failed: "Failed",
  canceled: "Canceled",
  refunded: "Refunded",
  partially_refunded: "Partly refunded",
  disputed: "Disputed",
  charged_back: "Charged back",
};

/** The staff filter's choices, in the order of the machine. */
export const PAYMENT_STATUS_LABELS: Readonly<Record<PaymentStatus, string>> = {
  pending: PAYMENT_BADGE_LABELS.pending,
  processing: PAYMENT_BADGE_LABELS.processing,
  succeeded: PAYMENT_BADGE_LABELS.succeeded,
  failed: PAYMENT_BADGE_LABELS.failed,
  canceled: PAYMENT_BADGE_LABELS.canceled,
};

export function paymentBadge(p: { status: PaymentStatus; amount: number; amountRefunded: number; chargebackState?: ChargebackState | null }): PaymentBadge {
  if (p.status !== "succeeded") return p.status;
  if (p.chargebackState === "open") return "disputed";
  if (p.chargebackState === "lost") return "charged_back";
  if (p.amountRefunded > 0) return p.amountRefunded >= p.amount ? "refunded" : "partially_refunded";
  return p.status;
}

/** Why a payer's payment cannot be canceled any more, in their words ("That payment cannot be canceled: …"). */
export function whyNotCancelable(status: PaymentStatus): string {
  if (status === "succeeded") return "it was paid in the meantime";
  if (status === "processing") return "the bank payment is already processing";
  return "it is no longer open";
}

/** Refunds: pending until Stripe says; a succeeded one can still fail later (refund.failed). */
export const REFUND_STATUSES = refundStatuses;
export type { RefundStatus };
export const REFUND_GROUPS = {
  /** Stripe has not decided yet: the amount is reserved on the payment. */
  open: ["pending"],
  /** Stripe may still report these failed (refund.failed comes even after success). */
  canStillFail: ["pending", "succeeded"],
  /** The money did not go back: the reservation was given back to the payment. */
  undone: ["failed", "canceled"],
} as const satisfies Record<string, readonly RefundStatus[]>;

export function refundIs(group: keyof typeof REFUND_GROUPS, status: RefundStatus): boolean {
  return (REFUND_GROUPS[group] as readonly RefundStatus[]).includes(status);
}
