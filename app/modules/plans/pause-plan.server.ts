import { eq } from "drizzle-orm";
import { paymentPlans } from "#db/schema/plans";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { enqueueJob } from "~/modules/jobs/enqueue.server";
import { now } from "~/utils/clock";
import { lockPlan } from "./lock.server";

type Staff = { userId: string; ip: string | null };

/**
 * Staff pause a running plan (nothing is charged while paused) or resume it; on resuming,
 * installments that fell due meanwhile are charged at once.
 */
export async function setPlanPaused(planId: string, paused: boolean, staff: Staff): Promise<{ ok: true } | { ok: false; message: string }> {
  return db.transaction(async (tx) => {
    const plan = await lockPlan(tx, planId);
    if (!plan) return { ok: false, message: "That plan does not exist." };
    if (paused && plan.status !== "active") return { ok: false, message: "Only an active plan can be paused." };
    if (!paused && plan.status !== "paused") return { ok: false, message: "Only a paused plan can be resumed." };
    const at = now();
    await tx.update(paymentPlans).set({ status: paused ? "paused" : "active", pausedAt: paused ? at : null, updatedAt: at }).where(eq(paymentPlans.id, plan.id));
    await recordEvent(tx, { type: paused ? "plan.paused" : "plan.resumed", accountId: plan.accountId, subjectType: "payment_plan", subjectId: plan.id, data: { by: staff.userId } });
    await recordAudit(tx, { actorUserId: staff.userId, actorType: "user", action: paused ? "plan.paused" : "plan.resumed", subjectType: "payment_plan", subjectId: plan.id, ip: staff.ip });
    if (!paused) await enqueueJob(tx, "run_plan_schedule", {}, { jobKey: "run_plan_schedule", maxAttempts: 3 });
    return { ok: true };
  });
}
