import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { chargebackAllocations, chargebacks, paymentAllocations, payments, type Chargeback, type Payment } from "#db/schema/payments";
import type { Tx } from "~/db.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { takeBackPaid } from "~/modules/invoices/paid-amount.server";

/**
 * Stripe took `amount` of the payment back: reverse that much of the payment off its invoices,
 * reopening their balances. A partial chargeback is taken from the invoices with the latest due
 * date first (then the latest issue date, then the highest number): payments are applied oldest
 * first, so the last-applied money is the first reversed, and as few invoices as possible reopen.
 * Only what is neither refunded nor already charged back on each allocation can be reversed.
 * The caller holds the payment's row lock. Returns what each invoice reopened by.
 */
export async function withdrawChargeback(tx: Tx, payment: Payment, chargeback: Chargeback, amount: number): Promise<Array<{ invoiceId: string; number: string; amount: number }>> {
  const allocations = await tx
    .select({ invoiceId: paymentAllocations.invoiceId, amount: paymentAllocations.amount, refunded: paymentAllocations.amountRefunded, chargedBack: paymentAllocations.amountChargedBack })
    .from(paymentAllocations)
    .innerJoin(invoices, eq(invoices.id, paymentAllocations.invoiceId))
    .where(eq(paymentAllocations.paymentId, payment.id))
    .orderBy(desc(invoices.dueDate), desc(invoices.issueDate), desc(invoices.number));
  let left = amount;
  const parts: Array<{ invoiceId: string; amount: number }> = [];
  for (const a of allocations) {
    const take = Math.min(left, a.amount - a.refunded - a.chargedBack);
    if (take <= 0) continue;
    parts.push({ invoiceId: a.invoiceId, amount: take });
    left -= take;
    if (left === 0) break;
  }
  if (parts.length === 0) return [];
  // Invoices are locked in id order, as every other writer of balances does.
  await tx.select({ id: invoices.id }).from(invoices).where(inArray(invoices.id, parts.map((p) => p.invoiceId).sort())).orderBy(invoices.id).for("update");
  const reopened: Array<{ invoiceId: string; number: string; amount: number }> = [];
  for (const part of parts) {
    const invoice = await takeBackPaid(tx, part.invoiceId, part.amount);
    await tx
      .update(paymentAllocations)
      .set({ amountChargedBack: sql`${paymentAllocations.amountChargedBack} + ${part.amount}` })
      .where(and(eq(paymentAllocations.paymentId, payment.id), eq(paymentAllocations.invoiceId, part.invoiceId)));
    await tx
      .insert(chargebackAllocations)
      .values({ chargebackId: chargeback.id, invoiceId: part.invoiceId, amount: part.amount })
      .onConflictDoUpdate({ target: [chargebackAllocations.chargebackId, chargebackAllocations.invoiceId], set: { amount: sql`${chargebackAllocations.amount} + ${part.amount}` } });
    await recordEvent(tx, {
      type: "invoice.reopened",
      accountId: payment.accountId,
      subjectType: "invoice",
      subjectId: invoice.id,
      data: { number: invoice.number, paymentId: payment.id, chargebackId: chargeback.id, stripeDisputeId: chargeback.stripeDisputeId, amount: part.amount },
    });
    reopened.push({ invoiceId: invoice.id, number: invoice.number, amount: part.amount });
  }
  const total = parts.reduce((s, p) => s + p.amount, 0);
  await tx.update(payments).set({ amountChargedBack: sql`${payments.amountChargedBack} + ${total}`, updatedAt: new Date() }).where(eq(payments.id, payment.id));
  await tx.update(chargebacks).set({ amountWithdrawn: sql`${chargebacks.amountWithdrawn} + ${total}`, updatedAt: new Date() }).where(eq(chargebacks.id, chargeback.id));
  return reopened;
}
