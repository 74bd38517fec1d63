import { and, eq, inArray, sql } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { paymentAllocations, payments, refundAllocations, refunds, type Refund } from "#db/schema/payments";
import type { Tx } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { arAdmins, refundFailedEmail, staffPaymentFacts } from "~/modules/notifications/staff-payment-emails";

/**
 * Stripe reports a refund failed (refund.failed: the card or bank account was closed): the money
 * is back with us, so whatever the refund did is undone. A refund that had succeeded had reopened
 * its invoices' balances: they close again (only as far as still open, the rest is reported as
 * unapplied). A pending one (ACH) had only reserved its amount on the payment, which is released
 * so it can be refunded again. Staff are told and `payment.refund_failed` goes out. The caller
 * holds the refund's row lock; a refund already failed is left alone.
 */
export async function failRefund(tx: Tx, refund: Refund, failureReason: string | null): Promise<void> {
  if (refund.status !== "pending" && refund.status !== "succeeded") return;
  const [payment] = await tx.select().from(payments).where(eq(payments.id, refund.paymentId)).for("update");
  const parts = await tx.select().from(refundAllocations).where(eq(refundAllocations.refundId, refund.id));
  let unapplied = 0;
  if (refund.status === "succeeded" && parts.length) {
    const locked = await tx.select().from(invoices).where(inArray(invoices.id, parts.map((p) => p.invoiceId).sort())).orderBy(invoices.id).for("update");
    for (const part of parts) {
      const invoice = locked.find((i) => i.id === part.invoiceId)!;
      const room = Math.max(0, invoice.total - invoice.amountPaid - invoice.amountCredited - invoice.amountPending - invoice.amountDisputed);
      const applied = Math.min(part.amount, room);
      unapplied += part.amount - applied;
      const [updated] = await tx
        .update(invoices)
        .set({
          amountPaid: sql`${invoices.amountPaid} + ${applied}`,
          status: sql`case when ${invoices.status} = 'open' and ${invoices.total} - ${invoices.amountPaid} - ${applied} - ${invoices.amountCredited} <= 0 then 'paid' else ${invoices.status} end`,
          updatedAt: sql`now()`,
        })
        .where(eq(invoices.id, part.invoiceId))
        .returning({ id: invoices.id, number: invoices.number, status: invoices.status });
      if (updated?.status === "paid" && invoice.status !== "paid") {
        await recordEvent(tx, { type: "invoice.paid", accountId: payment!.accountId, subjectType: "invoice", subjectId: updated.id, data: { number: updated.number, paymentId: payment!.id, refundId: refund.id } });
      }
    }
  }
  // The refunded amount is no longer refunded: the payment can be refunded again.
  await tx.update(payments).set({ amountRefunded: sql`${payments.amountRefunded} - ${refund.amount}`, updatedAt: new Date() }).where(eq(payments.id, refund.paymentId));
  for (const p of parts) {
    await tx
      .update(paymentAllocations)
      .set({ amountRefunded: sql`${paymentAllocations.amountRefunded} - ${p.amount}` })
      .where(and(eq(paymentAllocations.paymentId, refund.paymentId), eq(paymentAllocations.invoiceId, p.invoiceId)));
  }
  await tx.update(refunds).set({ status: "failed", failureReason, settledAt: new Date() }).where(eq(refunds.id, refund.id));
  await recordEvent(tx, {
    type: "payment.refund_failed",
    accountId: payment!.accountId,
    subjectType: "payment",
    subjectId: payment!.id,
    data: { refundId: refund.id, amount: refund.amount, currency: payment!.currency, failureReason, wasSucceeded: refund.status === "succeeded", unapplied, invoices: parts.map((p) => ({ invoiceId: p.invoiceId, amount: p.amount })) },
  });
  await recordAudit(tx, { actorUserId: null, actorType: "system", action: "refund.failed", subjectType: "payment", subjectId: payment!.id, data: { refundId: refund.id, failureReason } });
  const facts = await staffPaymentFacts(tx, payment!);
  for (const r of await arAdmins(tx)) await queueEmail(tx, refundFailedEmail(r, { ...facts, refunded: refund.amount, failureReason }));
}
