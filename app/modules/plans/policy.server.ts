import { eq } from "drizzle-orm";
import { planPolicies, type PlanPolicyRules } from "#db/schema/plans";
import { db, type Executor } from "~/db.server";
import { auditActor, isAdmin, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { forbidden, invalid, type Problem } from "~/utils/problem";
import { defaultPlanRules, planRulesLimits } from "./plan-rules-limits";

export { defaultPlanRules } from "./plan-rules-limits";

export async function getPlanRules(executor: Executor = db): Promise<PlanPolicyRules> {
  const [row] = await executor.select().from(planPolicies).where(eq(planPolicies.id, "default"));
  return row ? { ...defaultPlanRules, ...row.rules } : defaultPlanRules;
}

/** Saves new rules; running plans keep the copy they were created with. */
export async function updatePlanRules(actor: Actor, input: unknown): Promise<{ rules: PlanPolicyRules } | Problem> {
  // The rules bind every payer's plans: only an AR admin changes them, checked here and not only by the page.
  if (!isAdmin(actor)) return forbidden("Only an AR admin can change the payment plan rules.");
  const parsed = planRulesLimits.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.message;
    return invalid(Object.values(fields)[0] ?? "Check the rules.", { fields });
  }
  const rules = parsed.data;
  await db.transaction(async (tx) => {
    const before = await getPlanRules(tx);
    await tx
      .insert(planPolicies)
      .values({ id: "default", rules, updatedByUserId: actor.userId })
      .onConflictDoUpdate({ target: planPolicies.id, set: { rules, updatedByUserId: actor.userId, updatedAt: new Date() } });
    await recordAudit(tx, { ...auditActor(actor), action: "plan_policy.updated", subjectType: "plan_policy", subjectId: "default", data: { before, after: rules } });
  });
  return { rules };
}
