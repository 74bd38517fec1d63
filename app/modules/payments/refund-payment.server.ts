import { and, eq, inArray, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { invoices } from "#db/schema/invoices";
import { paymentAllocations, payments, refundAllocations, refunds, type Refund, type RefundStatus } from "#db/schema/payments";
import { auditActor, isStaffActor, systemActor, type Actor, type SystemActor } from "~/modules/auth/actor";
import { conflict, forbidden, invalid, invalidField, isProblem, notFound, type Problem } from "~/utils/problem";
import { paymentIs, refundIs, type REFUND_GROUPS } from "./payment-states";
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
  paymentId: string;
  /** How much of each invoice's allocation to give back; those balances reopen. */
  parts: Array<{ invoiceId: string; amount: number }>;
  reason: string | null;
}

export type RefundResult = { refundId: string; status: RefundStatus };

/**
 * Refunds all or part of a succeeded payment. The amounts are reserved on the payment and its
 * allocations first (so two clerks can never refund the same cent), then Stripe is asked with an
 * idempotency key from our refund id; balances reopen when Stripe says the refund succeeded.
 */
export async function refundPayment(actor: Actor, input: RefundInput): Promise<RefundResult | Problem> {
  // Staff only (agents and admins): the route's guard decides the page, this decides the money.
  if (!isStaffActor(actor)) return forbidden("Only AR staff can refund a payment.");
  const parts = input.parts.filter((p) => p.amount !== 0);
  if (parts.length === 0) return invalid("Enter an amount to refund on at least one invoice.");
  if (parts.some((p) => !Number.isSafeInteger(p.amount) || p.amount < 0)) return invalid("Refund amounts must be positive.");
  // The reason is kept as typed or refused: never cut short or cleaned silently.
  if (input.reason && input.reason.length > 500) return invalidField("reason", "Keep the reason under 500 characters.");
  const badCharacters = input.reason ? freeTextProblem(input.reason) : null;
  if (badCharacters) return invalidField("reason", `Reason: ${badCharacters}`);
  // Each part is checked against its allocation's refundable amount on its own: an invoice twice would add up past it.
  if (new Set(parts.map((p) => p.invoiceId)).size !== parts.length) return invalid("Each invoice can appear only once.");

  const reserved = await db.transaction(async (tx): Promise<(RefundResult & { total: number; intent: string | null }) | Problem> => {
    const [payment] = await tx.select().from(payments).where(eq(payments.id, input.paymentId)).for("update");
    if (!payment) return notFound("Payment not found.");
    if (!paymentIs("paid", payment.status)) return conflict("Only a succeeded payment can be refunded.");
    // Stripe refuses to refund a disputed charge: the dispute decides where the money goes.
    if (payment.chargebackState) return conflict("This payment was charged back; it cannot be refunded. Handle it through the dispute in Stripe.");
    const allocations = await tx.select().from(paymentAllocations).where(eq(paymentAllocations.paymentId, payment.id));
    for (const part of parts) {
      const a = allocations.find((x) => x.invoiceId === part.invoiceId);
      if (!a) return invalid("That invoice is not part of this payment.");
      const left = a.amount - a.amountRefunded - a.amountChargedBack;
      if (part.amount > left) return invalid(`At most ${formatMoney(left, payment.currency)} of this payment can still be refunded on that invoice.`);
    }
    const total = parts.reduce((s, p) => s + p.amount, 0);
    const [refund] = await tx.insert(refunds).values({ paymentId: payment.id, amount: total, reason: input.reason, createdByUserId: actor.userId }).returning();
    await tx.insert(refundAllocations).values(parts.map((p) => ({ refundId: refund!.id, invoiceId: p.invoiceId, amount: p.amount })));
    await tx.update(payments).set({ amountRefunded: sql`${payments.amountRefunded} + ${total}`, updatedAt: new Date() }).where(eq(payments.id, payment.id));
    for (const p of parts) {
      await tx
        .update(paymentAllocations)
        .set({ amountRefunded: sql`${paymentAllocations.amountRefunded} + ${p.amount}` })
        .where(and(eq(paymentAllocations.paymentId, payment.id), eq(paymentAllocations.invoiceId, p.invoiceId)));
    }
    await recordAudit(tx, { ...auditActor(actor), action: "refund.requested", subjectType: "payment", subjectId: payment.id, data: { refundId: refund!.id, amount: total, reason: input.reason } });
    return { refundId: refund!.id, status: "pending" as const, total, intent: payment.stripePaymentIntentId };
  });
  if (isProblem(reserved)) return reserved;

  const stripeRefund = await createStripeRefund(reserved.refundId, input.paymentId, reserved.intent, reserved.total);
  if (isProblem(stripeRefund)) {
    await db.transaction((tx) => undoRefund(tx, systemActor("stripe"), reserved.refundId, "failed"));
    return conflict(`Stripe refused the refund: ${stripeRefund.message}`);
  }
  const status = await syncRefund(systemActor("stripe"), reserved.refundId);
  return { refundId: reserved.refundId, status: isProblem(status) ? "pending" : status };
}

/** Asks Stripe for the refund (the idempotency key makes a retry return the same one); Stripe's refusal is a conflict. */
async function createStripeRefund(refundId: string, paymentId: string, intent: string | null, amount: number): Promise<Stripe.Refund | Problem> {
  if (!intent) return conflict("the payment has no Stripe PaymentIntent");
  try {
    const refund = await stripe().refunds.create(
      { payment_intent: intent, amount, metadata: { refund_id: refundId, payment_id: paymentId } },
      { idempotencyKey: `refund-${refundId}` },
    );
    await db.update(refunds).set({ stripeRefundId: refund.id }).where(eq(refunds.id, refundId));
    return refund;
  } catch (error) {
    return conflict(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Brings a refund in line with Stripe: on success the invoices' balances reopen; a refund that
 * fails (even after it succeeded: Stripe's refund.failed) undoes that. Idempotent.
 */
export async function syncRefund(actor: SystemActor, refundId: string): Promise<RefundStatus | Problem> {
  const [current] = await db.select().from(refunds).where(eq(refunds.id, refundId));
  if (!current) return notFound("Refund not found.");
  // Pending: Stripe decides; succeeded (and sent): Stripe may still report it failed.
  if (!refundIs("open", current.status) && !(refundIs("canStillFail", current.status) && current.stripeRefundId)) return current.status;
  let observed: Stripe.Refund;
  if (current.stripeRefundId) {
    observed = await stripe().refunds.retrieve(current.stripeRefundId);
  } else {
    // Created but not recorded (a crash in between): the same idempotency key returns it.
    const [payment] = await db.select().from(payments).where(eq(payments.id, current.paymentId));
    const created = await createStripeRefund(current.id, current.paymentId, payment?.stripePaymentIntentId ?? null, current.amount);
    if (isProblem(created)) return "pending";
    observed = created;
  }
  return db.transaction(async (tx) => {
    const [refund] = await tx.select().from(refunds).where(eq(refunds.id, refundId)).for("update");
    if (!refund) return notFound("Refund not found.");
    if (observed.status === "failed" && refundIs("canStillFail", refund.status)) {
      await failRefund(tx, actor, refund, observed.failure_reason ?? null);
      return "failed" as const;
    }
    if (!refundIs("open", refund.status)) return refund.status;
    if (observed.status === "succeeded") {
      await settleRefund(tx, actor, refund);
      return "succeeded" as const;
    }
    if (observed.status === "canceled") {
      await undoRefund(tx, actor, refund.id, observed.status);
      return observed.status;
    }
    return "pending" as const;
  });
}

async function settleRefund(tx: Tx, actor: SystemActor, refund: Refund) {
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
  await recordAudit(tx, { ...auditActor(actor), action: "refund.succeeded", subjectType: "payment", subjectId: payment!.id, data: { refundId: refund.id, amount: refund.amount } });
  await queueEmail(tx, refundEmail({ ...(await emailFacts(tx, payment!)), refunded: refund.amount }));
}

/** Gives a failed refund's reservation back to the payment, so it can be refunded again. */
async function undoRefund(tx: Tx, actor: SystemActor, refundId: string, status: (typeof REFUND_GROUPS.undone)[number]) {
  const [refund] = await tx.select().from(refunds).where(eq(refunds.id, refundId)).for("update");
  if (!refund || !refundIs("open", refund.status)) return;
  const parts = await tx.select().from(refundAllocations).where(eq(refundAllocations.refundId, refund.id));
  await tx.update(payments).set({ amountRefunded: sql`${payments.amountRefunded} - ${refund.amount}` }).where(eq(payments.id, refund.paymentId));
  for (const p of parts) {
    await tx
      .update(paymentAllocations)
      .set({ amountRefunded: sql`${paymentAllocations.amountRefunded} - ${p.amount}` })
      .where(and(eq(paymentAllocations.paymentId, refund.paymentId), eq(paymentAllocations.invoiceId, p.invoiceId)));
  }
  await tx.update(refunds).set({ status, settledAt: new Date() }).where(eq(refunds.id, refund.id));
  await recordAudit(tx, { ...auditActor(actor), action: `refund.${status}`, subjectType: "payment", subjectId: refund.paymentId, data: { refundId: refund.id } });
}
