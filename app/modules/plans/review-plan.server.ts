import { db } from "~/db.server";
import { auditActor, isStaffActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { now } from "~/utils/clock";
import { conflict, forbidden, invalidField, isProblem, notFound, type Problem } from "~/utils/problem";
import { activatePlan } from "./activate-plan.server";
import { endPlan } from "./end-plan.server";
import { lockPlan } from "./lock.server";
import { declineReason } from "./plan-forms";
import { isAwaitingApproval } from "./plan-states";

/** Staff approve a plan above the approval threshold: it starts charging at once. */
export async function approvePlan(actor: Actor, input: { planId: string }): Promise<{ planId: string } | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team can approve a plan.");
  return db.transaction(async (tx) => {
    const plan = await lockPlan(tx, input.planId);
    if (!plan) return notFound("That plan does not exist.");
    if (!isAwaitingApproval(plan.status)) return conflict("Only a plan waiting for approval can be approved.");
    await recordEvent(tx, { type: "plan.approved", accountId: plan.accountId, subjectType: "payment_plan", subjectId: plan.id, data: { total: plan.total, currency: plan.currency, approvedBy: actor.userId } });
    await recordAudit(tx, { ...auditActor(actor), action: "plan.approved", subjectType: "payment_plan", subjectId: plan.id });
    const active = await activatePlan(tx, actor, plan, { approvedAt: now(), reviewedByUserId: actor.userId });
    return isProblem(active) ? active : { planId: plan.id };
  });
}

/**
 * Staff decline a plan waiting for approval; the reason (the form's rule, plan-forms.ts) is
 * sent to the payer.
 */
export async function declinePlan(actor: Actor, input: { planId: string; reason: string }): Promise<{ planId: string } | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team can decline a plan.");
  const reason = declineReason.safeParse(input.reason);
  if (!reason.success) return invalidField("reason", reason.error.issues[0]!.message);
  return db.transaction(async (tx) => {
    const plan = await lockPlan(tx, input.planId);
    if (!plan) return notFound("That plan does not exist.");
    if (!isAwaitingApproval(plan.status)) return conflict("Only a plan waiting for approval can be declined.");
    const ended = await endPlan(tx, actor, plan, "declined", reason.data.trim(), { reviewedByUserId: actor.userId });
    return isProblem(ended) ? ended : { planId: plan.id };
  });
}
