import { inArray, or } from "drizzle-orm";
import { payments, refunds } from "#db/schema/payments";
import { paymentPlans } from "#db/schema/plans";
import { db } from "~/db.server";
import { syncPlanSetup } from "~/modules/plans/setup-checkout.server";
import { stripe } from "~/modules/stripe/client.server";
import { syncRefund } from "./refund-payment.server";
import { syncChargeback } from "./sync-chargeback.server";
import { syncPayment } from "./sync-payment.server";
import type { SystemActor } from "~/modules/auth/actor";

/** A recorded Stripe event as the drain claims it: only a pointer to what changed. */
export interface RecordedStripeEvent {
  id: string;
  type: string;
  objectId: string | null;
  paymentId: string | null;
  refundId: string | null;
}

/** What an event asks the portal to re-read from Stripe. */
export type SyncTarget = { kind: "payment" | "refund" | "plan_setup" | "chargeback" | "setup_intent"; id: string };

const isRefundEvent = (type: string) => type.startsWith("refund.") || type === "charge.refunded" || type === "charge.refund.updated";
/** A dispute (dp_) carries no metadata of ours: its target is the dispute, mapped to a payment after re-reading it. */
const isDisputeEvent = (type: string) => type.startsWith("charge.dispute.");

/**
 * Finds which payment, refund or plan setup each event concerns (null: nothing of ours), with
 * a few queries for the whole batch rather than one per event.
 */
export async function resolveTargets(events: RecordedStripeEvent[]): Promise<Map<string, SyncTarget | null>> {
  const refundEvents = events.filter((e) => isRefundEvent(e.type));
  const disputeEvents = events.filter((e) => isDisputeEvent(e.type));
  const paymentEvents = events.filter((e) => !isRefundEvent(e.type) && !isDisputeEvent(e.type));

  const refundIds = refundEvents.flatMap((e) => (e.refundId ? [e.refundId] : []));
  const refundObjects = refundEvents.flatMap((e) => (!e.refundId && e.objectId ? [e.objectId] : []));
  const refundRows =
    refundIds.length + refundObjects.length > 0
      ? await db
          .select({ id: refunds.id, stripeRefundId: refunds.stripeRefundId })
          .from(refunds)
          .where(or(refundIds.length ? inArray(refunds.id, refundIds) : undefined, refundObjects.length ? inArray(refunds.stripeRefundId, refundObjects) : undefined))
      : [];

  // Our own payment id in the metadata is enough; otherwise find the payment by Stripe's ids.
  const paymentObjects = paymentEvents.flatMap((e) => (!e.paymentId && e.objectId ? [e.objectId] : []));
  const paymentRows = paymentObjects.length
    ? await db
        .select({ id: payments.id, session: payments.stripeCheckoutSessionId, intent: payments.stripePaymentIntentId, charge: payments.stripeChargeId })
        .from(payments)
        .where(or(inArray(payments.stripeCheckoutSessionId, paymentObjects), inArray(payments.stripePaymentIntentId, paymentObjects), inArray(payments.stripeChargeId, paymentObjects)))
    : [];
  const paymentByObject = new Map<string, string>();
  for (const p of paymentRows) for (const key of [p.session, p.intent, p.charge]) if (key) paymentByObject.set(key, p.id);

  // A setup-mode session is a payer authorizing (or replacing) a plan's payment method.
  const setupSessions = paymentObjects.filter((o) => o.startsWith("cs_") && !paymentByObject.has(o));
  const planRows = setupSessions.length
    ? await db.select({ id: paymentPlans.id, session: paymentPlans.setupCheckoutSessionId }).from(paymentPlans).where(inArray(paymentPlans.setupCheckoutSessionId, setupSessions))
    : [];

  const targets = new Map<string, SyncTarget | null>();
  for (const e of refundEvents) {
    const row = refundRows.find((r) => (e.refundId ? r.id === e.refundId : r.stripeRefundId === e.objectId));
    targets.set(e.id, row ? { kind: "refund", id: row.id } : null);
  }
  for (const e of disputeEvents) targets.set(e.id, e.objectId?.startsWith("dp_") ? { kind: "chargeback", id: e.objectId } : null);
  for (const e of paymentEvents) {
    const paymentId = e.paymentId ?? (e.objectId ? paymentByObject.get(e.objectId) : undefined);
    const plan = !paymentId && e.objectId ? planRows.find((p) => p.session === e.objectId) : undefined;
    // A SetupIntent's later outcome (microdeposits verified or given up) names its plan only in its metadata: re-read it.
    const setupIntent = !paymentId && !plan && e.type.startsWith("setup_intent.") && e.type !== "setup_intent.created" && e.objectId?.startsWith("seti_");
    targets.set(e.id, paymentId ? { kind: "payment", id: paymentId } : plan ? { kind: "plan_setup", id: plan.id } : setupIntent ? { kind: "setup_intent", id: e.objectId! } : null);
  }
  return targets;
}

/** Brings one payment, refund, chargeback or plan in line with Stripe's current state (safe to repeat). */
export async function syncTarget(actor: SystemActor, target: SyncTarget): Promise<void> {
  // A Problem here (a row gone, a dispute not ours) is an answer, not a failure: the event is done.
  if (target.kind === "payment") await syncPayment(actor, target.id);
  else if (target.kind === "refund") await syncRefund(actor, target.id);
  else if (target.kind === "chargeback") await syncChargeback(actor, target.id);
  else if (target.kind === "setup_intent") {
    const planId = (await stripe().setupIntents.retrieve(target.id)).metadata?.plan_id;
    if (planId) await syncPlanSetup(planId);
  } else await syncPlanSetup(target.id);
}
