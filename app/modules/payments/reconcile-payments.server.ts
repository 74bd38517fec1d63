import { and, eq, inArray, lt, or, sql } from "drizzle-orm";
import { payments, refunds } from "#db/schema/payments";
import { db } from "~/db.server";
import { reconcileChargebacks } from "./reconcile-chargebacks.server";
import { syncRefund } from "./refund-payment.server";
import type { SystemActor } from "~/modules/auth/actor";
import { isProblem } from "~/utils/problem";
import { REFUND_GROUPS } from "./payment-states";
import { releasePayment } from "./reserve.server";
import { syncPayment } from "./sync-payment.server";
import { log } from "~/utils/log.server";

/**
 * Repairs what missed webhooks left behind: every payment still pending (older than a couple of
 * minutes) or processing, and every pending refund, is re-read from Stripe and settled. A
 * payment whose Checkout Session was never created (the provider was down) is released. Open
 * and recent chargebacks are re-read too.
 */
export async function reconcilePayments(actor: SystemActor, options: { olderThanSeconds?: number } = {}): Promise<{ checked: number; changed: number }> {
  const age = sql`now() - make_interval(secs => ${options.olderThanSeconds ?? 120})`;
  const open = await db
    .select()
    .from(payments)
    // Processing ones always, pending ones once their Checkout had a couple of minutes (two conditions, for the status index).
    .where(or(eq(payments.status, "processing"), and(eq(payments.status, "pending"), lt(payments.updatedAt, age))))
    .limit(500);
  let changed = 0;
  for (const payment of open) {
    try {
      if (!payment.stripeCheckoutSessionId && !payment.stripePaymentIntentId) {
        const released = await db.transaction((tx) => releasePayment(tx, actor, payment.id, "canceled", { code: "checkout_not_started", message: "The checkout was never opened." }));
        if (released.moved) changed++;
        continue;
      }
      const status = await syncPayment(actor, payment.id);
      if (!isProblem(status) && status !== payment.status) changed++;
    } catch (error) {
      log("error", "reconcile payment failed", { paymentId: payment.id, error: String(error) });
    }
  }
  const pendingRefunds = await db.select({ id: refunds.id }).from(refunds).where(and(inArray(refunds.status, REFUND_GROUPS.open), lt(refunds.createdAt, age))).limit(500);
  for (const r of pendingRefunds) await syncRefund(actor, r.id).catch((error) => log("error", "reconcile refund failed", { refundId: r.id, error: String(error) }));
  const disputes = await reconcileChargebacks(actor).catch((error: unknown) => {
    log("error", "reconcile chargebacks failed", { error: String(error) });
    return 0;
  });
  return { checked: open.length + pendingRefunds.length + disputes, changed };
}

