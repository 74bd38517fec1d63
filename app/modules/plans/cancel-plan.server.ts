import { db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { isContactOf } from "~/modules/invoices/scope.server";
import { conflict, forbidden, invalidField, isProblem, notFound, type Problem } from "~/utils/problem";
import { endPlan } from "./end-plan.server";
import { lockPlan } from "./lock.server";
import { cancelReason } from "./plan-forms";
import { payerMayCancelPlan, staffMayCancelPlan } from "./plan-states";

/**
 * Cancels a plan. Staff may cancel any plan that has not ended; a payer may withdraw only
 * before charging starts (while authorizing or waiting for approval) — after that they pay it
 * off or ask the AR team.
 */
export async function cancelPlan(actor: Actor, input: { planId: string; reason?: string | null }): Promise<{ planId: string } | Problem> {
  if (actor.kind !== "payer" && actor.kind !== "staff") return forbidden("Only the payer or the AR team can cancel a plan.");
  const staff = actor.kind === "staff";
  // A reason is optional, but one that cannot be kept as typed is refused, not cut or cleaned.
  const reason = cancelReason.safeParse(input.reason ?? undefined);
  if (!reason.success) return invalidField("reason", reason.error.issues[0]!.message);
  return db.transaction(async (tx) => {
    const plan = await lockPlan(tx, input.planId);
    // Another account's plan is as absent as one that does not exist.
    if (!plan || (!staff && !(await isContactOf(tx, actor.userId, plan.accountId)))) return notFound("That plan does not exist.");
    if (!(staff ? staffMayCancelPlan(plan.status) : payerMayCancelPlan(plan.status))) {
      return conflict(staff ? "This plan has already ended." : "A running plan cannot be canceled here: pay off the rest, or contact us.");
    }
    const why = reason.data?.trim() || (staff ? "Canceled by our accounts receivable team." : "Canceled by you before it started.");
    const ended = await endPlan(tx, actor, plan, "canceled", why.slice(0, 1000));
    return isProblem(ended) ? ended : { planId: plan.id };
  });
}
