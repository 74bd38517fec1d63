import { and, eq, inArray } from "drizzle-orm";
import { paymentPlans, type PaymentPlan, type PlanStatus } from "#db/schema/plans";
import type { Tx } from "~/db.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { now } from "~/utils/clock";
import { conflict, type Problem } from "~/utils/problem";
import { planStatusesBefore, planStatusLabels, planTransitionRecord } from "./plan-states";

type PlanColumns = Omit<Partial<typeof paymentPlans.$inferInsert>, "id" | "status" | "updatedAt">;

/**
 * The one way a plan's status changes (caller holds the plan's lock, lock.server.ts). The UPDATE
 * only matches a plan in a state the table in plan-states.ts allows the move from, so a plan that
 * moved on meanwhile is not overwritten: the caller gets a conflict Problem and nothing is written.
 * On success it writes the move's outbox event (with `data`) and its audit row (with `reason`).
 */
export async function transitionPlan(
  tx: Tx,
  actor: Actor,
  plan: PaymentPlan,
  to: PlanStatus,
  options: { reason?: string | null; data?: Record<string, unknown>; set?: PlanColumns; conflictMessage?: string } = {},
): Promise<PaymentPlan | Problem> {
  const [moved] = await tx
    .update(paymentPlans)
    .set({ ...options.set, status: to, updatedAt: now() })
    .where(and(eq(paymentPlans.id, plan.id), inArray(paymentPlans.status, planStatusesBefore(to))))
    .returning();
  if (!moved) return conflict(options.conflictMessage ?? `This plan is ${planStatusLabels[plan.status].toLowerCase()}: it cannot become ${planStatusLabels[to].toLowerCase()}.`);
  const record = planTransitionRecord(plan.status, to);
  if (record.event) await recordEvent(tx, { type: record.event, accountId: plan.accountId, subjectType: "payment_plan", subjectId: plan.id, data: options.data ?? {} });
  await recordAudit(tx, {
    ...auditActor(actor),
    action: record.audit,
    subjectType: "payment_plan",
    subjectId: plan.id,
    ...(options.reason !== undefined ? { data: { reason: options.reason } } : {}),
  });
  return moved;
}
