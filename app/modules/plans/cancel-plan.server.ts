import { db } from "~/db.server";
import { endPlan } from "./end-plan.server";
import { lockPlan } from "./lock.server";
import { freeTextProblem } from "~/utils/text";

/**
 * Cancels a plan. Staff may cancel any plan that has not ended; a payer may withdraw only
 * before charging starts (while authorizing or waiting for approval) — after that they pay it
 * off or ask the AR team.
 */
export async function cancelPlan(
  planId: string,
  actor: { userId: string; ip: string | null; staff: boolean; accountId?: string },
  reason: string | null,
): Promise<{ ok: true } | { ok: false; message: string }> {
  // A reason is optional, but one that cannot be kept as typed is refused, not cut or cleaned.
  if (reason && reason.trim().length > 1000) return { ok: false, message: "Keep the reason under 1,000 characters." };
  const badCharacters = reason ? freeTextProblem(reason) : null;
  if (badCharacters) return { ok: false, message: badCharacters };
  return db.transaction(async (tx) => {
    const plan = await lockPlan(tx, planId);
    if (!plan || (!actor.staff && plan.accountId !== actor.accountId)) return { ok: false, message: "That plan does not exist." };
    const cancelable = actor.staff ? ["authorizing", "awaiting_approval", "active", "paused"] : ["authorizing", "awaiting_approval"];
    if (!cancelable.includes(plan.status)) {
      return { ok: false, message: actor.staff ? "This plan has already ended." : "A running plan cannot be canceled here: pay off the rest, or contact us." };
    }
    const why = reason?.trim() || (actor.staff ? "Canceled by our accounts receivable team." : "Canceled by you before it started.");
    await endPlan(tx, plan, "canceled", why.slice(0, 1000), { userId: actor.userId, type: "user", ip: actor.ip });
    return { ok: true };
  });
}
