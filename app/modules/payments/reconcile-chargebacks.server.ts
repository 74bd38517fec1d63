import { inArray, isNull } from "drizzle-orm";
import { chargebacks } from "#db/schema/payments";
import { db } from "~/db.server";
import { stripe } from "~/modules/stripe/client.server";
import type { SystemActor } from "~/modules/auth/actor";
import { syncChargeback } from "./sync-chargeback.server";
import { log } from "~/utils/log.server";

/** How far back new disputes are looked for; older ones arrived long ago or come by webhook. */
const LOOKBACK_SECONDS = 3 * 86_400;

/**
 * Repairs what missed charge.dispute.* webhooks left behind: every chargeback still open is
 * re-read (its withdrawal, reinstatement or decision may not have reached us), and disputes
 * Stripe opened in the last days that we have not recorded are synced (mapped to a payment, or
 * ignored when not ours). Returns how many disputes were looked at.
 */
export async function reconcileChargebacks(actor: SystemActor): Promise<number> {
  const open = await db.select({ id: chargebacks.stripeDisputeId }).from(chargebacks).where(isNull(chargebacks.closedAt)).limit(500);
  const ids = new Set(open.map((c) => c.id));
  const recent = await stripe().disputes.list({ created: { gte: Math.floor(Date.now() / 1000) - LOOKBACK_SECONDS }, limit: 100 });
  const recentIds = recent.data.map((d) => d.id);
  const known = recentIds.length ? await db.select({ id: chargebacks.stripeDisputeId }).from(chargebacks).where(inArray(chargebacks.stripeDisputeId, recentIds)) : [];
  for (const id of recentIds) if (!known.some((k) => k.id === id)) ids.add(id);
  for (const id of ids) {
    await syncChargeback(actor, id).catch((error: unknown) => log("error", "reconcile chargeback failed", { stripeDisputeId: id, error: String(error) }));
  }
  return ids.size;
}
