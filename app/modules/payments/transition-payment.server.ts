import { and, eq, inArray, sql } from "drizzle-orm";
import { payments, type Payment, type PaymentStatus } from "#db/schema/payments";
import type { Tx } from "~/db.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { settlePlanPayment } from "~/modules/plans/settle-plan-payment.server";
import { settleAutopayPayment } from "~/modules/autopay/settle-autopay-payment.server";
import { PAYMENT_ENTERED_AT, paymentStatesBefore } from "./payment-states";

export type PaymentFailure = { code: string | null; message: string | null };

export interface PaymentTransition {
  paymentId: string;
  to: Exclude<PaymentStatus, "pending">;
  /** failed/canceled: why (kept when null, so Stripe's decline reason survives a later cancel). Other moves clear the last failure. */
  failure?: PaymentFailure;
  /**
   * What else changes with the move, run only once the status changed (so a balance is moved
   * by exactly one of several concurrent paths). Returns the outbox event's data.
   */
  effects: (payment: Payment, from: PaymentStatus) => Promise<Record<string, unknown>>;
  /** Extra audit data (the event data is not repeated there). */
  audit?: Record<string, unknown>;
}

/**
 * The result of a move. `moved: false` is not an error: another path (the webhook drain, the
 * payer's return page, the reconciliation job, the payer's cancel) moved the payment first, and
 * `status` says where it is. Syncs treat that as done; a payer-facing use case turns it into its
 * conflict Problem. See docs/decisions/…-payment-state-machine.md.
 */
export type PaymentTransitionResult = { moved: true; payment: Payment; from: PaymentStatus } | { moved: false; status: PaymentStatus | null };

/**
 * The one writer of `payments.status`: `UPDATE … SET status = to WHERE id = … AND status IN
 * (the states allowed before it)`. The row count decides: one row → the move happened here, its
 * effects run, and `payment.<to>` is recorded in the outbox and the audit log, and the plan the
 * payment pays (if any) follows. No row → someone else got there first: nothing is written.
 * Concurrent callers serialize on the row lock the UPDATE takes; PostgreSQL re-checks the
 * status condition after the lock, so two callers can never both move the same payment.
 */
export async function transitionPayment(tx: Tx, actor: Actor, move: PaymentTransition): Promise<PaymentTransitionResult> {
  const now = new Date();
  const from = paymentStatesBefore(move.to);
  const failure = move.failure ?? { code: null, message: null };
  const failing = move.to === "failed" || move.to === "canceled";
  // The row lock orders concurrent callers; the status condition below is what decides.
  const [before] = await tx.select({ status: payments.status }).from(payments).where(eq(payments.id, move.paymentId)).for("update");
  if (!before) return { moved: false, status: null };
  const [payment] = await tx
    .update(payments)
    .set({
      status: move.to,
      [PAYMENT_ENTERED_AT[move.to]]: now,
      failureCode: failing ? sql`coalesce(${failure.code}, ${payments.failureCode})` : null,
      failureMessage: failing ? sql`coalesce(${failure.message}, ${payments.failureMessage})` : null,
      updatedAt: now,
    })
    .where(and(eq(payments.id, move.paymentId), inArray(payments.status, from)))
    .returning();
  if (!payment) return { moved: false, status: before.status };
  const data = await move.effects(payment, before.status);
  await recordEvent(tx, { type: `payment.${move.to}`, accountId: payment.accountId, subjectType: "payment", subjectId: payment.id, data });
  await recordAudit(tx, { ...auditActor(actor), action: `payment.${move.to}`, subjectType: "payment", subjectId: payment.id, ...(move.audit ? { data: move.audit } : {}) });
  await settlePlanPayment(tx, payment, move.to, failure);
  await settleAutopayPayment(tx, payment, move.to, failure);
  return { moved: true, payment, from: before.status };
}
