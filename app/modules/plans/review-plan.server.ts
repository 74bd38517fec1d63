import { eq } from "drizzle-orm";
import { paymentPlans } from "#db/schema/plans";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { now } from "~/utils/clock";
import { activatePlan } from "./activate-plan.server";
import { endPlan } from "./end-plan.server";
import { lockPlan } from "./lock.server";
import { freeTextProblem } from "~/utils/text";

export type ReviewResult = { ok: true } | { ok: false; message: string };
type Staff = { userId: string; ip: string | null };

/** Staff approve a plan above the approval threshold: it starts charging at once. */
export async function approvePlan(planId: string, staff: Staff): Promise<ReviewResult> {
  return db.transaction(async (tx) => {
    const plan = await lockPlan(tx, planId);
    if (!plan) return { ok: false, message: "That plan does not exist." };
    if (plan.status !== "awaiting_approval") return { ok: false, message: "Only a plan waiting for approval can be approved." };
    const at = now();
    await tx.update(paymentPlans).set({ approvedAt: at, reviewedByUserId: staff.userId, updatedAt: at }).where(eq(paymentPlans.id, plan.id));
    await recordEvent(tx, { type: "plan.approved", accountId: plan.accountId, subjectType: "payment_plan", subjectId: plan.id, data: { total: plan.total, currency: plan.currency, approvedBy: staff.userId } });
    await recordAudit(tx, { actorUserId: staff.userId, actorType: "user", action: "plan.approved", subjectType: "payment_plan", subjectId: plan.id, ip: staff.ip });
    await activatePlan(tx, plan, { userId: staff.userId, type: "user" });
    return { ok: true };
  });
}

/** Staff decline a plan waiting for approval; the reason is sent to the payer. */
export async function declinePlan(planId: string, staff: Staff, reason: string): Promise<ReviewResult> {
  const why = reason.trim();
  if (why.length < 3) return { ok: false, message: "Give the payer a reason for declining (at least 3 characters)." };
  if (why.length > 1000) return { ok: false, message: "Keep the reason under 1000 characters." };
  const badCharacters = freeTextProblem(why);
  if (badCharacters) return { ok: false, message: badCharacters };
  return db.transaction(async (tx) => {
    const plan = await lockPlan(tx, planId);
    if (!plan) return { ok: false, message: "That plan does not exist." };
    if (plan.status !== "awaiting_approval") return { ok: false, message: "Only a plan waiting for approval can be declined." };
    await tx.update(paymentPlans).set({ reviewedByUserId: staff.userId }).where(eq(paymentPlans.id, plan.id));
    await endPlan(tx, plan, "declined", why, { userId: staff.userId, type: "user", ip: staff.ip });
    return { ok: true };
  });
}
