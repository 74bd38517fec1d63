import { events } from "#db/schema/events";
import type { Executor } from "~/db.server";
import { enqueueJob } from "~/modules/jobs/enqueue.server";
import { bulkInsert } from "~/utils/bulk-insert.server";

export type EventType =
  | "payment.created"
  | "payment.attempt_failed"
  | "payment.processing"
  | "payment.succeeded"
  | "payment.failed"
  | "payment.canceled"
  | "payment.refunded"
  | "payment.refund_failed"
  | "payment.disputed"
  | "payment.dispute_closed"
  | "invoice.paid"
  | "invoice.discount_taken"
  | "autopay.enabled"
  | "autopay.disabled"
  | "autopay.charge_scheduled"
  | "invoice.reopened"
  | "dispute.opened"
  | "dispute.message_added"
  | "dispute.status_changed"
  | "dispute.resolved"
  | "credit_memo.created"
  | "credit.applied"
  | "customer.upserted"
  | "invoice.upserted"
  | "invoice.voided"
  | "payment.recorded_offline"
  | "plan.created"
  | "plan.approved"
  | "plan.declined"
  | "plan.activated"
  | "plan.paused"
  | "plan.resumed"
  | "plan.payment_method_updated"
  | "plan.completed"
  | "plan.defaulted"
  | "plan.canceled"
  | "installment.processing"
  | "installment.succeeded"
  | "installment.failed"
  | "reminder.sent"
  | "promise.created"
  | "promise.kept"
  | "promise.broken"
  | "collection_task.created"
  | "collection_task.completed"
  | "invoice.late_fee_posted";

export type NewEvent = { type: EventType; accountId: string | null; subjectType: string; subjectId: string; data: Record<string, unknown> };

/**
 * Appends a domain event to the outbox; pass the transaction that makes the change. It also
 * nudges the webhook fan-out (one debounced job, keyed), so back offices hear within seconds
 * rather than at the next minute's sweep.
 */
export async function recordEvent(tx: Executor, event: NewEvent): Promise<void> {
  await recordEvents(tx, [event]);
}

/**
 * Appends several events in one statement with one fan-out nudge. `nudge: "after-commit"` leaves
 * the nudge to the caller, who sends it once the transaction has committed (`nudgeFanOut(db)`):
 * the nudge updates one shared job row, so a long bulk transaction holding it would make every
 * other writer of events wait for that transaction to end.
 */
export async function recordEvents(tx: Executor, list: NewEvent[], options: { nudge?: "in-transaction" | "after-commit" } = {}): Promise<void> {
  if (list.length === 0) return;
  await bulkInsert(tx, events, list);
  if (options.nudge !== "after-commit") await nudgeFanOut(tx);
}

/** Asks the worker to fan new events out to webhook endpoints soon (one queued run at most, keyed). */
export async function nudgeFanOut(exec: Executor): Promise<void> {
  await enqueueJob(exec, "fan_out_events", {}, { jobKey: "fan_out_events", maxAttempts: 3 });
}
