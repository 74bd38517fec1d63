import { eq, inArray, sql } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { paymentAllocations, payments, type Payment, type PaymentStatus } from "#db/schema/payments";
import type { Tx } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { transitionPayment, type PaymentFailure, type PaymentTransitionResult } from "./transition-payment.server";

/** Locks a payment row for the rest of the transaction: state changes to one payment never interleave. */
export async function lockPayment(tx: Tx, paymentId: string): Promise<Payment | undefined> {
  const [payment] = await tx.select().from(payments).where(eq(payments.id, paymentId)).for("update");
  return payment;
}

export async function allocationsOf(tx: Tx, paymentId: string) {
  return tx.select().from(paymentAllocations).where(eq(paymentAllocations.paymentId, paymentId));
}

/**
 * Ends a payment that brought no money (failed, canceled) through the state machine: only when
 * the status change happens here are its reservations on the invoices released (so the balances
 * are payable again, once). When another path already ended or paid it, nothing is written and
 * the result says where it is.
 */
export async function releasePayment(tx: Tx, actor: Actor, paymentId: string, outcome: Extract<PaymentStatus, "failed" | "canceled">, failure: PaymentFailure = { code: null, message: null }): Promise<PaymentTransitionResult> {
  return transitionPayment(tx, actor, {
    paymentId,
    to: outcome,
    failure,
    audit: { failureCode: failure.code },
    effects: async (payment) => {
      const allocations = await allocationsOf(tx, payment.id);
      const ids = allocations.map((a) => a.invoiceId).sort();
      await tx.select({ id: invoices.id }).from(invoices).where(inArray(invoices.id, ids)).orderBy(invoices.id).for("update");
      for (const a of allocations) {
        await tx.update(invoices).set({ amountPending: sql`${invoices.amountPending} - ${a.amount + a.discount}`, updatedAt: sql`now()` }).where(eq(invoices.id, a.invoiceId));
      }
      return { amount: payment.amount, currency: payment.currency, failureCode: failure.code, failureMessage: failure.message, invoices: allocations.map((a) => ({ invoiceId: a.invoiceId, amount: a.amount })) };
    },
  });
}
