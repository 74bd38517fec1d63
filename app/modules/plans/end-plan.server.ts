import { and, eq, inArray, sql } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { installments, paymentPlans, type PaymentPlan } from "#db/schema/plans";
import type { Tx } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { now } from "~/utils/clock";
import { planDefaultedEmail, planDefaultedStaffEmail, planEndedEmail } from "./plan-emails";
import { payerFacts, staffFacts } from "./plan-facts.server";

export type PlanEnding = "completed" | "defaulted" | "canceled" | "declined";
export type Actor = { userId: string | null; type: "user" | "system"; ip?: string | null };

/**
 * Ends a plan (caller holds its lock): installments not yet charged are canceled and the
 * invoices leave the plan, so whatever is still owed is due again on them and can be paid or
 * chased as usual. A charge already under way finishes and still counts.
 */
export async function endPlan(tx: Tx, plan: PaymentPlan, ending: PlanEnding, reason: string | null, actor: Actor): Promise<void> {
  const at = now();
  await tx.update(paymentPlans).set({ status: ending, endedAt: at, endedReason: reason, updatedAt: at }).where(eq(paymentPlans.id, plan.id));
  await tx.update(installments).set({ status: "canceled", updatedAt: at }).where(and(eq(installments.planId, plan.id), eq(installments.status, "scheduled")));
  // A failed installment keeps its failure on record, with no retry left.
  await tx.update(installments).set({ nextAttemptOn: null, updatedAt: at }).where(and(eq(installments.planId, plan.id), eq(installments.status, "failed")));
  const released = await tx
    .update(invoices)
    .set({ paymentPlanId: null, updatedAt: sql`now()` })
    .where(eq(invoices.paymentPlanId, plan.id))
    .returning({ id: invoices.id, balance: invoices.balance, amountPending: invoices.amountPending });
  const remaining = released.reduce((s, r) => s + Math.max(0, r.balance - r.amountPending), 0);
  await recordEvent(tx, {
    type: ending === "declined" ? "plan.declined" : `plan.${ending}`,
    accountId: plan.accountId,
    subjectType: "payment_plan",
    subjectId: plan.id,
    data: { reason, remaining, currency: plan.currency, invoices: released.map((r) => r.id) },
  });
  await recordAudit(tx, { actorUserId: actor.userId, actorType: actor.type, action: `plan.${ending}`, subjectType: "payment_plan", subjectId: plan.id, ip: actor.ip ?? null, data: { reason } });

  const payer = await payerFacts(tx, plan);
  if (ending === "defaulted") {
    if (payer) await queueEmail(tx, planDefaultedEmail({ ...payer, remaining }));
    for (const staff of await staffFacts(tx, plan)) await queueEmail(tx, planDefaultedStaffEmail({ ...staff, remaining }));
  } else if (payer) {
    await queueEmail(tx, planEndedEmail({ ...payer, outcome: ending, reason }));
  }
}

/** Completes the plan once nothing is left to charge (caller holds its lock). */
export async function completeIfDone(tx: Tx, plan: PaymentPlan): Promise<boolean> {
  if (!["active", "paused"].includes(plan.status)) return false;
  const [open] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(installments)
    .where(and(eq(installments.planId, plan.id), inArray(installments.status, ["scheduled", "paying", "processing", "failed"])));
  if ((open?.n ?? 0) > 0) return false;
  await endPlan(tx, plan, "completed", null, { userId: null, type: "system" });
  return true;
}
