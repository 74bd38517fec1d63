import type { PaymentPlan } from "#db/schema/plans";
import type { Tx } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { enqueueJob } from "~/modules/jobs/enqueue.server";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { now } from "~/utils/clock";
import { isProblem, type Problem } from "~/utils/problem";
import { planActiveEmail } from "./plan-emails";
import { payerFacts, scheduleOf } from "./plan-facts.server";
import { transitionPlan } from "./transition-plan.server";

/**
 * Starts charging an authorized (and, above the threshold, approved) plan. Installments already
 * due — the down payment, a first installment dated today, or dates that passed while the plan
 * waited for approval — are charged at once by the schedule job.
 */
export async function activatePlan(tx: Tx, actor: Actor, plan: PaymentPlan, set: { approvedAt?: Date; reviewedByUserId?: string } = {}): Promise<PaymentPlan | Problem> {
  const schedule = await scheduleOf(tx, plan.id);
  const active = await transitionPlan(tx, actor, plan, "active", {
    set: { ...set, activatedAt: now() },
    data: { total: plan.total, currency: plan.currency, method: plan.method, schedule: schedule.map((s) => ({ sequence: s.sequence, dueDate: s.dueDate, amount: s.amount })) },
  });
  if (isProblem(active)) return active;
  const payer = await payerFacts(tx, plan);
  if (payer) await queueEmail(tx, planActiveEmail({ ...payer, total: plan.total, methodLabel: plan.methodLabel ?? "your payment method", schedule }));
  await enqueueJob(tx, "run_plan_schedule", {}, { jobKey: "run_plan_schedule", maxAttempts: 3 });
  return active;
}
