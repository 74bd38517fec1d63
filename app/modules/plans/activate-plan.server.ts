import { eq } from "drizzle-orm";
import { paymentPlans, type PaymentPlan } from "#db/schema/plans";
import type { Tx } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { enqueueJob } from "~/modules/jobs/enqueue.server";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { now } from "~/utils/clock";
import { planActiveEmail } from "./plan-emails";
import { payerFacts, scheduleOf } from "./plan-facts.server";

/**
 * Starts charging an authorized (and, above the threshold, approved) plan. Installments already
 * due — the down payment, a first installment dated today, or dates that passed while the plan
 * waited for approval — are charged at once by the schedule job.
 */
export async function activatePlan(tx: Tx, plan: PaymentPlan, actor: { userId: string | null; type: "user" | "system" }): Promise<void> {
  const at = now();
  await tx.update(paymentPlans).set({ status: "active", activatedAt: at, updatedAt: at }).where(eq(paymentPlans.id, plan.id));
  const schedule = await scheduleOf(tx, plan.id);
  await recordEvent(tx, {
    type: "plan.activated",
    accountId: plan.accountId,
    subjectType: "payment_plan",
    subjectId: plan.id,
    data: { total: plan.total, currency: plan.currency, method: plan.method, schedule: schedule.map((s) => ({ sequence: s.sequence, dueDate: s.dueDate, amount: s.amount })) },
  });
  await recordAudit(tx, { actorUserId: actor.userId, actorType: actor.type, action: "plan.activated", subjectType: "payment_plan", subjectId: plan.id });
  const payer = await payerFacts(tx, plan);
  if (payer) await queueEmail(tx, planActiveEmail({ ...payer, total: plan.total, methodLabel: plan.methodLabel ?? "your payment method", schedule }));
  await enqueueJob(tx, "run_plan_schedule", {}, { jobKey: "run_plan_schedule", maxAttempts: 3 });
}
