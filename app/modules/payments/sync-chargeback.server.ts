import { eq, or } from "drizzle-orm";
import type Stripe from "stripe";
import { chargebacks, payments, type Chargeback, type Payment } from "#db/schema/payments";
import { db, type Tx } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { arAdmins, chargebackClosedEmail, chargebackOpenedEmail, staffPaymentFacts } from "~/modules/notifications/staff-payment-emails";
import { stripe } from "~/modules/stripe/client.server";
import { CLOSED_DISPUTE_STATUSES, chargebackStateOf, stripeDisputeUrl } from "./chargeback-links";
import { reinstateChargeback } from "./reinstate-chargeback.server";
import { lockPayment } from "./reserve.server";
import { syncPayment } from "./sync-payment.server";
import { auditActor, type SystemActor } from "~/modules/auth/actor";
import { conflict, notFound, type Problem } from "~/utils/problem";
import { paymentIs } from "./payment-states";
import { withdrawChargeback } from "./withdraw-chargeback.server";
import { log } from "~/utils/log.server";

/** The payment is not succeeded yet in the portal: the drain retries the event later. */
export class ChargebackTooEarlyError extends Error {}

const idOf = (v: string | { id: string } | null) => (v === null ? null : typeof v === "string" ? v : v.id);

/**
 * How much Stripe holds back right now. A dispute has at most two balance transactions: the
 * withdrawal (negative) and the reinstatement (positive). Their amounts are in the settlement
 * currency (a CAD charge on a USD account settles in USD), so only their direction is used; the
 * amount is the dispute's own, in the payment's currency. A won dispute holds nothing back.
 */
export function heldBack(dispute: Stripe.Dispute): number {
  if (dispute.status === "won") return 0;
  const withdrawn = dispute.balance_transactions.some((t) => t.amount < 0);
  const reinstated = dispute.balance_transactions.some((t) => t.amount > 0);
  return withdrawn && !reinstated ? dispute.amount : 0;
}

/** The portal payment a dispute's charge belongs to: our id in the PaymentIntent's metadata, else Stripe's ids. */
async function findPayment(dispute: Stripe.Dispute): Promise<Payment | undefined> {
  const pi = typeof dispute.payment_intent === "object" ? dispute.payment_intent : null;
  const piId = idOf(dispute.payment_intent);
  const chargeId = idOf(dispute.charge);
  const byMetadata = pi?.metadata?.payment_id;
  if (byMetadata) {
    const [row] = await db.select().from(payments).where(eq(payments.id, byMetadata));
    // Trust our own id only if the payment is the one Stripe charged (or not yet linked to any).
    if (row && (!row.stripePaymentIntentId || row.stripePaymentIntentId === piId)) return row;
  }
  const conditions = [piId ? eq(payments.stripePaymentIntentId, piId) : undefined, chargeId ? eq(payments.stripeChargeId, chargeId) : undefined].filter((c) => c !== undefined);
  if (conditions.length === 0) return undefined;
  const [row] = await db.select().from(payments).where(or(...conditions)).limit(1);
  return row;
}

/**
 * Brings a payment's chargeback in line with Stripe's dispute (a card chargeback or an ACH
 * unauthorized return). Webhooks are hints: the dispute is re-read, mapped to the payment through
 * its PaymentIntent, and what Stripe holds back right now decides how much is reversed off the
 * invoices, so duplicates and any order of charge.dispute.* events end in the same state.
 * Returns null when the dispute is not about one of our payments.
 */
export async function syncChargeback(actor: SystemActor, stripeDisputeId: string): Promise<Chargeback | Problem> {
  const dispute = await stripe().disputes.retrieve(stripeDisputeId, { expand: ["payment_intent"] });
  let payment = await findPayment(dispute);
  if (!payment) return notFound("The dispute is not about one of our payments.");
  if (!paymentIs("paid", payment.status)) {
    // The dispute can overtake the payment's own events: settle the payment first.
    await syncPayment(actor, payment.id);
    [payment] = await db.select().from(payments).where(eq(payments.id, payment.id));
    if (!payment || !paymentIs("paid", payment.status)) {
      if (payment && paymentIs("withoutMoney", payment.status)) {
        log("error", "dispute on a payment that did not succeed; ignored", { paymentId: payment.id, stripeDisputeId });
        return conflict("The disputed payment did not succeed; the dispute is ignored.");
      }
      throw new ChargebackTooEarlyError(`payment ${payment?.id ?? "?"} has not succeeded yet; dispute ${stripeDisputeId} waits`);
    }
  }
  const paymentId = payment.id;
  return db.transaction(async (tx) => {
    const locked = (await lockPayment(tx, paymentId))!;
    const { chargeback, isNew } = await upsertChargeback(tx, locked, dispute);
    const target = heldBack(dispute);
    const evidenceDueBy = dispute.evidence_details?.due_by ? new Date(dispute.evidence_details.due_by * 1000) : null;
    const closing = CLOSED_DISPUTE_STATUSES.has(dispute.status) && !chargeback.closedAt;
    // Reconciliation re-reads open disputes every few minutes: a re-read that finds nothing new
    // writes nothing (no row churn, no updated_at moving for no reason).
    const unchanged =
      !isNew &&
      !closing &&
      target === chargeback.amountWithdrawn &&
      chargeback.stripeStatus === dispute.status &&
      chargeback.reason === dispute.reason &&
      chargeback.amount === dispute.amount &&
      (chargeback.evidenceDueBy?.getTime() ?? null) === (evidenceDueBy?.getTime() ?? null) &&
      locked.chargebackState === chargebackStateOf(dispute.status);
    if (unchanged) return chargeback;
    let reopened: Array<{ number: string; amount: number }> = [];
    let unapplied = 0;
    if (target > chargeback.amountWithdrawn) reopened = await withdrawChargeback(tx, locked, chargeback, target - chargeback.amountWithdrawn);
    else if (target < chargeback.amountWithdrawn) unapplied = await reinstateChargeback(tx, locked, chargeback, chargeback.amountWithdrawn - target);

    const [fresh] = await tx
      .update(chargebacks)
      .set({
        stripeStatus: dispute.status,
        reason: dispute.reason,
        amount: dispute.amount,
        evidenceDueBy,
        updatedAt: new Date(),
        ...(closing ? { closedAt: new Date() } : {}),
      })
      .where(eq(chargebacks.id, chargeback.id))
      .returning();
    await tx.update(payments).set({ chargebackState: chargebackStateOf(dispute.status), updatedAt: new Date() }).where(eq(payments.id, paymentId));

    const facts = await staffPaymentFacts(tx, locked);
    const dashboardUrl = stripeDisputeUrl(dispute.id, dispute.livemode);
    const summary = { chargebackId: chargeback.id, stripeDisputeId: dispute.id, amount: dispute.amount, currency: dispute.currency, reason: dispute.reason, status: dispute.status };
    if (isNew) {
      const ach = dispute.payment_method_details?.type === "us_bank_account";
      await recordEvent(tx, {
        type: "payment.disputed",
        accountId: locked.accountId,
        subjectType: "payment",
        subjectId: paymentId,
        data: { ...summary, method: ach ? "us_bank_account" : "card", evidenceDueBy: fresh!.evidenceDueBy?.toISOString() ?? null, amountWithdrawn: fresh!.amountWithdrawn },
      });
      await recordAudit(tx, { ...auditActor(actor), action: "payment.disputed", subjectType: "payment", subjectId: paymentId, data: summary });
      for (const r of await arAdmins(tx)) {
        await queueEmail(tx, chargebackOpenedEmail(r, { ...facts, disputeAmount: dispute.amount, reason: dispute.reason, ach, evidenceDueBy: fresh!.evidenceDueBy, dashboardUrl, reopened }));
      }
    }
    if (closing) {
      const totalUnapplied = fresh!.amountUnapplied;
      await recordEvent(tx, {
        type: "payment.dispute_closed",
        accountId: locked.accountId,
        subjectType: "payment",
        subjectId: paymentId,
        data: { ...summary, outcome: chargebackStateOf(dispute.status), amountWithdrawn: fresh!.amountWithdrawn, amountUnapplied: totalUnapplied },
      });
      await recordAudit(tx, { ...auditActor(actor), action: "payment.dispute_closed", subjectType: "payment", subjectId: paymentId, data: { ...summary, unapplied } });
      for (const r of await arAdmins(tx)) {
        await queueEmail(tx, chargebackClosedEmail(r, { ...facts, disputeAmount: dispute.amount, outcome: dispute.status, unapplied: totalUnapplied, dashboardUrl }));
      }
    }
    return fresh!;
  });
}

/** The chargeback row of this dispute, created on first sight (unique by Stripe's id), locked. */
async function upsertChargeback(tx: Tx, payment: Payment, dispute: Stripe.Dispute): Promise<{ chargeback: Chargeback; isNew: boolean }> {
  const inserted = await tx
    .insert(chargebacks)
    .values({
      paymentId: payment.id,
      stripeDisputeId: dispute.id,
      amount: dispute.amount,
      currency: dispute.currency,
      stripeStatus: dispute.status,
      reason: dispute.reason,
      method: dispute.payment_method_details?.type === "us_bank_account" ? "us_bank_account" : "card",
      livemode: dispute.livemode,
    })
    .onConflictDoNothing()
    .returning();
  const [chargeback] = await tx.select().from(chargebacks).where(eq(chargebacks.stripeDisputeId, dispute.id)).for("update");
  return { chargeback: chargeback!, isNew: inserted.length > 0 };
}
