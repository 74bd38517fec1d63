import { and, eq, inArray, sql } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { installments, type PaymentPlan } from "#db/schema/plans";
import type { Tx } from "~/db.server";
import { systemActor, type Actor } from "~/modules/auth/actor";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { now } from "~/utils/clock";
import { isProblem, type Problem } from "~/utils/problem";
import { OPEN_INSTALLMENT_STATUSES } from "./installment-states";
import { isChargingPlan, type PlanEnding } from "./plan-states";
import { planDefaultedEmail, planDefaultedStaffEmail, planEndedEmail } from "./plan-emails";
import { payerFacts, staffFacts } from "./plan-facts.server";
import { transitionInstallments } from "./transition-installments.server";
import { transitionPlan } from "./transition-plan.server";

export type { PlanEnding } from "./plan-states";

/**
 * Ends a plan (caller holds its lock): installments not yet charged are canceled and the
 * invoices leave the plan, so whatever is still owed is due again on them and can be paid or
 * chased as usual. A charge already under way finishes and still counts.
 */
export async function endPlan(tx: Tx, actor: Actor, plan: PaymentPlan, ending: PlanEnding, reason: string | null, set: { reviewedByUserId?: string } = {}): Promise<PaymentPlan | Problem> {
  const at = now();
  const held = await tx
    .select({ id: invoices.id, balance: invoices.balance, amountPending: invoices.amountPending })
    .from(invoices)
    .where(eq(invoices.paymentPlanId, plan.id))
    .orderBy(invoices.id)
    .for("update");
  const remaining = held.reduce((s, r) => s + Math.max(0, r.balance - r.amountPending), 0);
  const ended = await transitionPlan(tx, actor, plan, ending, {
    reason,
    set: { ...set, endedAt: at, endedReason: reason },
    data: { reason, remaining, currency: plan.currency, invoices: held.map((r) => r.id) },
  });
  if (isProblem(ended)) return ended;
  const scheduled = await tx.select().from(installments).where(and(eq(installments.planId, plan.id), eq(installments.status, "scheduled")));
  const canceled = await transitionInstallments(tx, actor, plan, scheduled, "canceled");
  if (isProblem(canceled)) throw new Error(`plan ${plan.id}: scheduled installments moved while the plan was locked`);
  // A failed installment keeps its failure on record, with no retry left.
  await tx.update(installments).set({ nextAttemptOn: null, updatedAt: at }).where(and(eq(installments.planId, plan.id), eq(installments.status, "failed")));
  // The invoices leave the plan: what is still owed is due on them again.
  await tx.update(invoices).set({ paymentPlanId: null, updatedAt: sql`now()` }).where(eq(invoices.paymentPlanId, plan.id));

  const payer = await payerFacts(tx, plan);
  if (ending === "defaulted") {
    if (payer) await queueEmail(tx, planDefaultedEmail({ ...payer, remaining }));
    for (const staff of await staffFacts(tx, plan)) await queueEmail(tx, planDefaultedStaffEmail({ ...staff, remaining }));
  } else if (payer) {
    await queueEmail(tx, planEndedEmail({ ...payer, outcome: ending, reason }));
  }
  return ended;
}

/** Completes the plan once nothing is left to charge (caller holds its lock). */
export async function completeIfDone(tx: Tx, plan: PaymentPlan): Promise<boolean> {
  if (!isChargingPlan(plan.status)) return false;
  const [open] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(installments)
    .where(and(eq(installments.planId, plan.id), inArray(installments.status, [...OPEN_INSTALLMENT_STATUSES])));
  if ((open?.n ?? 0) > 0) return false;
  return !isProblem(await endPlan(tx, systemActor("job"), plan, "completed", null));
}
