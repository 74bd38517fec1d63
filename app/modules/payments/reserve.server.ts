import { and, eq, inArray, sql } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { paymentAllocations, payments, type Payment, type PaymentStatus } from "#db/schema/payments";
import type { Tx } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { settlePlanPayment } from "~/modules/plans/settle-plan-payment.server";

/** Locks a payment row for the rest of the transaction: state changes to one payment never interleave. */
export async function lockPayment(tx: Tx, paymentId: string): Promise<Payment | undefined> {
  const [payment] = await tx.select().from(payments).where(eq(payments.id, paymentId)).for("update");
  return payment;
}

export async function allocationsOf(tx: Tx, paymentId: string) {
  return tx.select().from(paymentAllocations).where(eq(paymentAllocations.paymentId, paymentId));
}

/**
 * Ends a payment that brought no money (failed, canceled): its reservations on the invoices are
 * released, so the balances are payable again.
 */
export async function releasePayment(
  tx: Tx,
  payment: Payment,
  outcome: Extract<PaymentStatus, "failed" | "canceled">,
  failure: { code: string | null; message: string | null } = { code: null, message: null },
  actor: { userId: string | null; type: "user" | "system" } = { userId: null, type: "system" },
): Promise<void> {
  const allocations = await allocationsOf(tx, payment.id);
  const ids = allocations.map((a) => a.invoiceId).sort();
  await tx.select({ id: invoices.id }).from(invoices).where(inArray(invoices.id, ids)).orderBy(invoices.id).for("update");
  for (const a of allocations) {
    await tx.update(invoices).set({ amountPending: sql`${invoices.amountPending} - ${a.amount}`, updatedAt: sql`now()` }).where(eq(invoices.id, a.invoiceId));
  }
  const now = new Date();
  await tx
    .update(payments)
    .set({
      status: outcome,
      failureCode: failure.code ?? payment.failureCode,
      failureMessage: failure.message ?? payment.failureMessage,
      updatedAt: now,
      ...(outcome === "failed" ? { failedAt: now } : { canceledAt: now }),
    })
    .where(and(eq(payments.id, payment.id)));
  await recordEvent(tx, {
    type: outcome === "failed" ? "payment.failed" : "payment.canceled",
    accountId: payment.accountId,
    subjectType: "payment",
    subjectId: payment.id,
    data: { amount: payment.amount, currency: payment.currency, failureCode: failure.code, failureMessage: failure.message, invoices: allocations.map((a) => ({ invoiceId: a.invoiceId, amount: a.amount })) },
  });
  await recordAudit(tx, { actorUserId: actor.userId, actorType: actor.type, action: `payment.${outcome}`, subjectType: "payment", subjectId: payment.id, data: { failureCode: failure.code } });
  await settlePlanPayment(tx, payment, outcome, failure);
}
