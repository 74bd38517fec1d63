import { and, eq, inArray, sql } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { paymentAllocations, payments, refundAllocations, refunds, type Refund } from "#db/schema/payments";
import type { Tx } from "~/db.server";
import { auditActor, type SystemActor } from "~/modules/auth/actor";
import { refundIs } from "./payment-states";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { restorePaid } from "~/modules/invoices/paid-amount.server";
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
export async function failRefund(tx: Tx, actor: SystemActor, refund: Refund, failureReason: string | null): Promise<void> {
  if (!refundIs("canStillFail", refund.status)) return;
  const [payment] = await tx.select().from(payments).where(eq(payments.id, refund.paymentId)).for("update");
  const parts = await tx.select().from(refundAllocations).where(eq(refundAllocations.refundId, refund.id));
  let unapplied = 0;
  if (refund.status === "succeeded" && parts.length) {
    const locked = await tx.select().from(invoices).where(inArray(invoices.id, parts.map((p) => p.invoiceId).sort())).orderBy(invoices.id).for("update");
    for (const part of parts) {
      const restored = await restorePaid(tx, locked.find((i) => i.id === part.invoiceId)!, part.amount);
      unapplied += restored.unapplied;
      if (restored.closed) {
        await recordEvent(tx, { type: "invoice.paid", accountId: payment!.accountId, subjectType: "invoice", subjectId: restored.closed.id, data: { number: restored.closed.number, paymentId: payment!.id, refundId: refund.id } });
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
  await recordAudit(tx, { ...auditActor(actor), action: "refund.failed", subjectType: "payment", subjectId: payment!.id, data: { refundId: refund.id, failureReason } });
  const facts = await staffPaymentFacts(tx, payment!);
  for (const r of await arAdmins(tx)) await queueEmail(tx, refundFailedEmail(r, { ...facts, refunded: refund.amount, failureReason }));
}
