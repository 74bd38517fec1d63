import { events } from "#db/schema/events";
import type { Executor } from "~/db.server";
import { enqueueJob } from "~/modules/jobs/enqueue.server";

export type EventType =
  | "payment.created"
  | "payment.attempt_failed"
  | "payment.processing"
  | "payment.succeeded"
  | "payment.failed"
  | "payment.canceled"
  | "payment.refunded"
  | "invoice.paid"
  | "invoice.reopened"
  | "dispute.opened"
  | "dispute.message_added"
  | "dispute.status_changed"
  | "dispute.resolved"
  | "credit_memo.created"
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
  | "installment.failed";

/**
 * Appends a domain event to the outbox; pass the transaction that makes the change. It also
 * nudges the webhook fan-out (one debounced job, keyed), so back offices hear within seconds
 * rather than at the next minute's sweep.
 */
export async function recordEvent(
  tx: Executor,
  event: { type: EventType; accountId: string | null; subjectType: string; subjectId: string; data: Record<string, unknown> },
): Promise<void> {
  await tx.insert(events).values(event);
  await enqueueJob(tx, "fan_out_events", {}, { jobKey: "fan_out_events", maxAttempts: 3 });
}
