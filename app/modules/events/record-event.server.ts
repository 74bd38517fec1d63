import { events } from "#db/schema/events";
import type { Executor } from "~/db.server";

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
  | "credit_memo.created";

/** Appends a domain event to the outbox; pass the transaction that makes the change. */
export async function recordEvent(
  tx: Executor,
  event: { type: EventType; accountId: string | null; subjectType: string; subjectId: string; data: Record<string, unknown> },
): Promise<void> {
  await tx.insert(events).values(event);
}
