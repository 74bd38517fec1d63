import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { chargebackAllocations, chargebacks, paymentAllocations, payments, type Chargeback, type Payment } from "#db/schema/payments";
import type { Tx } from "~/db.server";
import { restorePaid } from "~/modules/invoices/paid-amount.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { recordOverpaymentCredit } from "~/modules/credits/record-overpayment.server";

/**
 * Stripe gave `amount` of a chargeback back (funds reinstated, or the dispute won): put it back
 * on the invoices it was reversed from, oldest due date first, closing their balances again. If
 * an invoice was paid or credited again meanwhile, only what still fits is applied; the rest is
 * counted as unapplied on the chargeback and becomes an overpayment credit of the account (staff
 * apply or refund it) rather than ever paying an invoice past its total. The caller holds the
 * payment's row lock. Returns the unapplied part.
 */
export async function reinstateChargeback(tx: Tx, payment: Payment, chargeback: Chargeback, amount: number): Promise<number> {
  const parts = await tx
    .select({ invoiceId: chargebackAllocations.invoiceId, amount: chargebackAllocations.amount })
    .from(chargebackAllocations)
    .innerJoin(invoices, eq(invoices.id, chargebackAllocations.invoiceId))
    .where(and(eq(chargebackAllocations.chargebackId, chargeback.id), gt(chargebackAllocations.amount, 0)))
    .orderBy(asc(invoices.dueDate), asc(invoices.issueDate), asc(invoices.number));
  if (parts.length === 0) return 0;
  const locked = await tx
    .select()
    .from(invoices)
    .where(inArray(invoices.id, parts.map((p) => p.invoiceId).sort()))
    .orderBy(invoices.id)
    .for("update");
  let left = amount;
  let unapplied = 0;
  let restored = 0;
  for (const part of parts) {
    const give = Math.min(left, part.amount);
    if (give <= 0) break;
    left -= give;
    restored += give;
    const back = await restorePaid(tx, locked.find((i) => i.id === part.invoiceId)!, give);
    unapplied += back.unapplied;
    await tx
      .update(paymentAllocations)
      .set({ amountChargedBack: sql`${paymentAllocations.amountChargedBack} - ${give}` })
      .where(and(eq(paymentAllocations.paymentId, payment.id), eq(paymentAllocations.invoiceId, part.invoiceId)));
    await tx
      .update(chargebackAllocations)
      .set({ amount: sql`${chargebackAllocations.amount} - ${give}` })
      .where(and(eq(chargebackAllocations.chargebackId, chargeback.id), eq(chargebackAllocations.invoiceId, part.invoiceId)));
    if (back.closed) {
      await recordEvent(tx, { type: "invoice.paid", accountId: payment.accountId, subjectType: "invoice", subjectId: back.closed.id, data: { number: back.closed.number, paymentId: payment.id, chargebackId: chargeback.id } });
    }
  }
  await tx.update(payments).set({ amountChargedBack: sql`${payments.amountChargedBack} - ${restored}`, updatedAt: new Date() }).where(eq(payments.id, payment.id));
  await tx
    .update(chargebacks)
    .set({ amountWithdrawn: sql`${chargebacks.amountWithdrawn} - ${restored}`, amountUnapplied: sql`${chargebacks.amountUnapplied} + ${unapplied}`, updatedAt: new Date() })
    .where(eq(chargebacks.id, chargeback.id));
  if (unapplied > 0) {
    await recordOverpaymentCredit(tx, {
      accountId: payment.accountId,
      currency: payment.currency,
      amount: unapplied,
      reason: `Chargeback ${chargeback.stripeDisputeId} reversed after its invoices were paid again: money returned on payment ${payment.id} that no invoice could take.`,
      subject: { type: "chargeback", id: chargeback.id },
    });
  }
  return unapplied;
}
