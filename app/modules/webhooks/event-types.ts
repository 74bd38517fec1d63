import type { EventType } from "~/modules/events/record-event.server";

// A Record keyed by the EventType union: adding a domain event type without listing it here
// (or listing one that does not exist) fails type-checking.
const described: Record<EventType, string> = {
  "payment.created": "A payment was started",
  "payment.attempt_failed": "A payment attempt failed",
  "payment.processing": "A payment is processing",
  "payment.succeeded": "A payment succeeded",
  "payment.failed": "A payment failed",
  "payment.canceled": "A payment was canceled",
  "payment.refunded": "A payment was refunded",
  "payment.refund_failed": "A refund failed after it was issued; the invoices count as paid again",
  "payment.disputed": "A payment was charged back (card dispute or ACH unauthorized return)",
  "payment.dispute_closed": "A payment's chargeback was decided (won or lost)",
  "invoice.paid": "An invoice was paid",
  "autopay.enabled": "A payer turned autopay on (or changed or resumed it)",
  "autopay.disabled": "Autopay was paused or cancelled by the payer, or stopped by a bank return that needs a new method",
  "autopay.charge_scheduled": "Autopay announced a charge: its invoices, amount and date (the advance notice)",
  "invoice.discount_taken": "A payment inside the discount window settled an invoice with an early-payment discount",
  "invoice.reopened": "An invoice was reopened",
  "dispute.opened": "A dispute was opened",
  "dispute.message_added": "A message was added to a dispute",
  "dispute.status_changed": "A dispute changed status",
  "dispute.resolved": "A dispute was resolved",
  "credit_memo.created": "A credit memo was created",
  "credit.applied": "An account credit (credit memo or overpayment) was applied to an invoice, lowering its balance",
  "customer.upserted": "The back office created or changed a customer",
  "invoice.upserted": "The back office created or changed an invoice",
  "invoice.voided": "An invoice was voided",
  "payment.recorded_offline": "A payment made outside the portal was recorded",
  "plan.created": "A payer enrolled invoices in a payment plan",
  "plan.approved": "Staff approved a payment plan",
  "plan.declined": "Staff declined a payment plan",
  "plan.activated": "A payment plan started charging its installments",
  "plan.paused": "Staff paused a payment plan",
  "plan.resumed": "Staff resumed a payment plan",
  "plan.payment_method_updated": "A payer replaced a plan's payment method",
  "plan.completed": "A payment plan was paid in full",
  "plan.defaulted": "A payment plan defaulted after its last failed retry",
  "plan.canceled": "A payment plan was canceled",
  "installment.processing": "A bank debit for an installment is processing",
  "installment.succeeded": "An installment was paid",
  "installment.failed": "An installment charge failed",
  "reminder.sent": "A reminder email went to a customer (one per account and day, naming its invoices)",
  "promise.created": "A customer promised to pay invoices by a date",
  "promise.kept": "A promise to pay was kept: the promised amount was paid in time",
  "promise.broken": "A promise to pay was broken: its date and grace days passed unpaid",
  "collection_task.created": "A task was created for a collector (a call step or a broken promise)",
  "collection_task.completed": "A collector completed a task with an outcome",
  "invoice.late_fee_posted": "A late fee was posted on an overdue invoice, as its own invoice (linked to it, one per period)",
};

/** The event types an endpoint can subscribe to (the domain events of the outbox). */
export const webhookEventTypes = Object.keys(described) as EventType[];

export function describeEventType(type: string): string {
  return (described as Record<string, string>)[type] ?? type;
}

/** Synthetic event sent to one endpoint by "Send test event"; never fanned out. */
export const TEST_EVENT_TYPE = "webhook.test";
