import { and, eq, inArray, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { invoices } from "#db/schema/invoices";
import { paymentAllocations, payments, refundAllocations, refunds, type Refund } from "#db/schema/payments";
import { db, type Tx } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { refundEmail } from "~/modules/notifications/payment-emails";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { stripe } from "~/modules/stripe/client.server";
import { formatMoney } from "~/utils/money";
import { failRefund } from "./fail-refund.server";
import { emailFacts } from "./sync-payment.server";
import { freeTextProblem } from "~/utils/text";
import { takeBackPaid } from "~/modules/invoices/paid-amount.server";

export interface RefundInput {
  staff: { userId: string; ip: string | null };
  paymentId: string;
  /** How much of each invoice's allocation to give back; those balances reopen. */
  parts: Array<{ invoiceId: string; amount: number }>;
  reason: string | null;
}

export type RefundResult = { ok: true; refundId: string; status: Refund["status"] } | { ok: false; message: string };

/**
 * Refunds all or part of a succeeded payment. The amounts are reserved on the payment and its
 * allocations first (so two clerks can never refund the same cent), then Stripe is asked with an
 * idempotency key from our refund id; balances reopen when Stripe says the refund succeeded.
 */
export async function refundPayment(input: RefundInput): Promise<RefundResult> {
  const parts = input.parts.filter((p) => p.amount !== 0);
  if (parts.length === 0) return { ok: false, message: "Enter an amount to refund on at least one invoice." };
  if (parts.some((p) => !Number.isSafeInteger(p.amount) || p.amount < 0)) return { ok: false, message: "Refund amounts must be positive." };
  // The reason is kept as typed or refused: never cut short or cleaned silently.
  if (input.reason && input.reason.length > 500) return { ok: false, message: "Keep the reason under 500 characters." };
  const badCharacters = input.reason ? freeTextProblem(input.reason) : null;
  if (badCharacters) return { ok: false, message: `Reason: ${badCharacters}` };
  // Each part is checked against its allocation's refundable amount on its own: an invoice twice would add up past it.
  if (new Set(parts.map((p) => p.invoiceId)).size !== parts.length) return { ok: false, message: "Each invoice can appear only once." };

  const reserved = await db.transaction(async (tx): Promise<RefundResult & { total?: number; intent?: string | null }> => {
    const [payment] = await tx.select().from(payments).where(eq(payments.id, input.paymentId)).for("update");
    if (!payment) return { ok: false, message: "Payment not found." };
    if (payment.status !== "succeeded") return { ok: false, message: "Only a succeeded payment can be refunded." };
    // Stripe refuses to refund a disputed charge: the dispute decides where the money goes.
    if (payment.chargebackState) return { ok: false, message: "This payment was charged back; it cannot be refunded. Handle it through the dispute in Stripe." };
    const allocations = await tx.select().from(paymentAllocations).where(eq(paymentAllocations.paymentId, payment.id));
    for (const part of parts) {
      const a = allocations.find((x) => x.invoiceId === part.invoiceId);
      if (!a) return { ok: false, message: "That invoice is not part of this payment." };
      const left = a.amount - a.amountRefunded - a.amountChargedBack;
      if (part.amount > left) return { ok: false, message: `At most ${formatMoney(left, payment.currency)} of this payment can still be refunded on that invoice.` };
    }
    const total = parts.reduce((s, p) => s + p.amount, 0);
    const [refund] = await tx.insert(refunds).values({ paymentId: payment.id, amount: total, reason: input.reason, createdByUserId: input.staff.userId }).returning();
    await tx.insert(refundAllocations).values(parts.map((p) => ({ refundId: refund!.id, invoiceId: p.invoiceId, amount: p.amount })));
    await tx.update(payments).set({ amountRefunded: sql`${payments.amountRefunded} + ${total}`, updatedAt: new Date() }).where(eq(payments.id, payment.id));
    for (const p of parts) {
      await tx
        .update(paymentAllocations)
        .set({ amountRefunded: sql`${paymentAllocations.amountRefunded} + ${p.amount}` })
        .where(and(eq(paymentAllocations.paymentId, payment.id), eq(paymentAllocations.invoiceId, p.invoiceId)));
    }
    await recordAudit(tx, { actorUserId: input.staff.userId, actorType: "user", action: "refund.requested", subjectType: "payment", subjectId: payment.id, ip: input.staff.ip, data: { refundId: refund!.id, amount: total, reason: input.reason } });
    return { ok: true, refundId: refund!.id, status: "pending", total, intent: payment.stripePaymentIntentId };
  });
  if (!reserved.ok) return reserved;

  const stripeRefund = await createStripeRefund(reserved.refundId, input.paymentId, reserved.intent ?? null, reserved.total!);
  if (!stripeRefund.ok) {
    await db.transaction((tx) => undoRefund(tx, reserved.refundId, "failed"));
    return { ok: false, message: `Stripe refused the refund: ${stripeRefund.message}` };
  }
  return { ok: true, refundId: reserved.refundId, status: (await syncRefund(reserved.refundId)) ?? "pending" };
}

async function createStripeRefund(refundId: string, paymentId: string, intent: string | null, amount: number): Promise<{ ok: true; refund: Stripe.Refund } | { ok: false; message: string }> {
  if (!intent) return { ok: false, message: "the payment has no Stripe PaymentIntent" };
  try {
    const refund = await stripe().refunds.create(
      { payment_intent: intent, amount, metadata: { refund_id: refundId, payment_id: paymentId } },
      { idempotencyKey: `refund-${refundId}` },
    );
    await db.update(refunds).set({ stripeRefundId: refund.id }).where(eq(refunds.id, refundId));
    return { ok: true, refund };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Brings a refund in line with Stripe: on success the invoices' balances reopen; a refund that
 * fails (even after it succeeded: Stripe's refund.failed) undoes that. Idempotent.
 */
export async function syncRefund(refundId: string): Promise<Refund["status"] | null> {
  const [current] = await db.select().from(refunds).where(eq(refunds.id, refundId));
  if (!current || (current.status !== "pending" && !(current.status === "succeeded" && current.stripeRefundId))) return current?.status ?? null;
  let observed: Stripe.Refund;
  if (current.stripeRefundId) {
    observed = await stripe().refunds.retrieve(current.stripeRefundId);
  } else {
    // Created but not recorded (a crash in between): the same idempotency key returns it.
    const [payment] = await db.select().from(payments).where(eq(payments.id, current.paymentId));
    const created = await createStripeRefund(current.id, current.paymentId, payment?.stripePaymentIntentId ?? null, current.amount);
    if (!created.ok) return "pending";
    observed = created.refund;
  }
  return db.transaction(async (tx) => {
    const [refund] = await tx.select().from(refunds).where(eq(refunds.id, refundId)).for("update");
    if (!refund) return null;
    if (observed.status === "failed" && (refund.status === "pending" || refund.status === "succeeded")) {
      await failRefund(tx, refund, observed.failure_reason ?? null);
      return "failed";
    }
    if (refund.status !== "pending") return refund.status;
    if (observed.status === "succeeded") {
      await settleRefund(tx, refund);
      return "succeeded";
    }
    if (observed.status === "canceled") {
      await undoRefund(tx, refund.id, observed.status);
      return observed.status;
    }
    return "pending";
  });
}

async function settleRefund(tx: Tx, refund: Refund) {
  const [payment] = await tx.select().from(payments).where(eq(payments.id, refund.paymentId));
  const parts = await tx.select().from(refundAllocations).where(eq(refundAllocations.refundId, refund.id));
  await tx.select({ id: invoices.id }).from(invoices).where(inArray(invoices.id, parts.map((p) => p.invoiceId).sort())).orderBy(invoices.id).for("update");
  for (const part of parts) {
    const invoice = await takeBackPaid(tx, part.invoiceId, part.amount);
    await recordEvent(tx, { type: "invoice.reopened", accountId: payment!.accountId, subjectType: "invoice", subjectId: invoice.id, data: { number: invoice.number, refundId: refund.id, amount: part.amount } });
  }
  await tx.update(refunds).set({ status: "succeeded", settledAt: new Date() }).where(eq(refunds.id, refund.id));
  await recordEvent(tx, {
    type: "payment.refunded",
    accountId: payment!.accountId,
    subjectType: "payment",
    subjectId: payment!.id,
    data: { refundId: refund.id, amount: refund.amount, currency: payment!.currency, reason: refund.reason, invoices: parts.map((p) => ({ invoiceId: p.invoiceId, amount: p.amount })) },
  });
  await recordAudit(tx, { actorUserId: null, actorType: "system", action: "refund.succeeded", subjectType: "payment", subjectId: payment!.id, data: { refundId: refund.id, amount: refund.amount } });
  await queueEmail(tx, refundEmail({ ...(await emailFacts(tx, payment!)), refunded: refund.amount }));
}

/** Gives a failed refund's reservation back to the payment, so it can be refunded again. */
async function undoRefund(tx: Tx, refundId: string, status: "failed" | "canceled") {
  const [refund] = await tx.select().from(refunds).where(eq(refunds.id, refundId)).for("update");
  if (!refund || refund.status !== "pending") return;
  const parts = await tx.select().from(refundAllocations).where(eq(refundAllocations.refundId, refund.id));
  await tx.update(payments).set({ amountRefunded: sql`${payments.amountRefunded} - ${refund.amount}` }).where(eq(payments.id, refund.paymentId));
  for (const p of parts) {
    await tx
      .update(paymentAllocations)
      .set({ amountRefunded: sql`${paymentAllocations.amountRefunded} - ${p.amount}` })
      .where(and(eq(paymentAllocations.paymentId, refund.paymentId), eq(paymentAllocations.invoiceId, p.invoiceId)));
  }
  await tx.update(refunds).set({ status, settledAt: new Date() }).where(eq(refunds.id, refund.id));
  await recordAudit(tx, { actorUserId: null, actorType: "system", action: `refund.${status}`, subjectType: "payment", subjectId: refund.paymentId, data: { refundId: refund.id } });
}
