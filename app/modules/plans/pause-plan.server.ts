import { db } from "~/db.server";
import { isStaffActor, type Actor } from "~/modules/auth/actor";
import { enqueueJob } from "~/modules/jobs/enqueue.server";
import { now } from "~/utils/clock";
import { conflict, forbidden, isProblem, notFound, type Problem } from "~/utils/problem";
import { lockPlan } from "./lock.server";
import { canPausePlan, canResumePlan } from "./plan-states";
import { transitionPlan } from "./transition-plan.server";

/**
 * Staff pause a running plan (nothing is charged while paused) or resume it; on resuming,
 * installments that fell due meanwhile are charged at once.
 */
export async function setPlanPaused(actor: Actor, input: { planId: string; paused: boolean }): Promise<{ planId: string } | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team can pause or resume a plan.");
  return db.transaction(async (tx) => {
    const plan = await lockPlan(tx, input.planId);
    if (!plan) return notFound("That plan does not exist.");
    if (input.paused && !canPausePlan(plan.status)) return conflict("Only an active plan can be paused.");
    if (!input.paused && !canResumePlan(plan.status)) return conflict("Only a paused plan can be resumed.");
    const moved = await transitionPlan(tx, actor, plan, input.paused ? "paused" : "active", { set: { pausedAt: input.paused ? now() : null }, data: { by: actor.userId } });
    if (isProblem(moved)) return moved;
    if (!input.paused) await enqueueJob(tx, "run_plan_schedule", {}, { jobKey: "run_plan_schedule", maxAttempts: 3 });
    return { planId: plan.id };
  });
}
