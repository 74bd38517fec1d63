import { eq, or, sql } from "drizzle-orm";
import { payments, refunds, stripeEvents } from "#db/schema/payments";
import { db } from "~/db.server";
import type { JobPayloads } from "~/modules/jobs/enqueue.server";
import { paymentPlans } from "#db/schema/plans";
import { syncPlanSetup } from "~/modules/plans/setup-checkout.server";
import { syncRefund } from "./refund-payment.server";
import { syncPayment } from "./sync-payment.server";

/**
 * The job behind each recorded Stripe event: find which payment (or refund) it concerns and
 * bring it in line with Stripe's current state. The event's own payload is only a pointer.
 */
export async function processStripeEvent(job: JobPayloads["process_stripe_event"]): Promise<void> {
  if (job.type.startsWith("refund.") || job.type === "charge.refunded") {
    const [refund] = job.refundId
      ? await db.select({ id: refunds.id }).from(refunds).where(eq(refunds.id, job.refundId))
      : job.objectId
        ? await db.select({ id: refunds.id }).from(refunds).where(eq(refunds.stripeRefundId, job.objectId))
        : [];
    if (refund) await syncRefund(refund.id);
  } else {
    const paymentId = job.paymentId ?? (await paymentIdFor(job.objectId));
    if (paymentId) await syncPayment(paymentId);
    else if (job.objectId?.startsWith("cs_")) {
      // A setup-mode session: a payer authorizing (or replacing) a plan's payment method.
      const [plan] = await db.select({ id: paymentPlans.id }).from(paymentPlans).where(eq(paymentPlans.setupCheckoutSessionId, job.objectId));
      if (plan) await syncPlanSetup(plan.id);
    }
  }
  await db.update(stripeEvents).set({ processedAt: sql`now()` }).where(eq(stripeEvents.id, job.eventId));
}

async function paymentIdFor(objectId: string | null): Promise<string | null> {
  if (!objectId) return null;
  const [payment] = await db
    .select({ id: payments.id })
    .from(payments)
    .where(or(eq(payments.stripeCheckoutSessionId, objectId), eq(payments.stripePaymentIntentId, objectId), eq(payments.stripeChargeId, objectId)))
    .limit(1);
  return payment?.id ?? null;
}
