import { eq } from "drizzle-orm";
import { z } from "zod";
import { users } from "#db/schema/accounts";
import { planFrequencies, planPolicies, type PlanPolicyRules } from "#db/schema/plans";
import { db, type Executor } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";

/** The rules until the AR team saves their own. */
export const defaultPlanRules: PlanPolicyRules = {
  enabled: true,
  minTotal: 10_000,
  maxInstallments: 12,
  frequencies: ["weekly", "biweekly", "monthly"],
  downPaymentPercent: 0,
  maxTermDays: 365,
  firstInstallmentWithinDays: 30,
  approvalThreshold: 1_000_000,
};

export async function getPlanRules(executor: Executor = db): Promise<PlanPolicyRules> {
  const [row] = await executor.select().from(planPolicies).where(eq(planPolicies.id, "default"));
  return row ? { ...defaultPlanRules, ...row.rules } : defaultPlanRules;
}

export const planRulesSchema = z
  .object({
    enabled: z.boolean(),
    minTotal: z.number().int("Enter a whole amount in cents.").min(0, "The minimum total cannot be negative."),
    maxInstallments: z.number().int().min(2, "Allow at least 2 installments.").max(60, "Allow at most 60 installments."),
    frequencies: z.array(z.enum(planFrequencies)).min(1, "Allow at least one frequency."),
    downPaymentPercent: z.number().int().min(0, "The down payment cannot be negative.").max(90, "The down payment can be at most 90%."),
    maxTermDays: z.number().int().min(7, "The longest term must be at least 7 days.").max(1830, "The longest term can be at most 5 years (1830 days)."),
    firstInstallmentWithinDays: z.number().int().min(0, "Enter 0 or more days.").max(90, "The first installment must fall within 90 days."),
    approvalThreshold: z.number().int().min(0, "The approval threshold cannot be negative.").nullable(),
  })
  .strict();

export type PlanRulesProblems = Partial<Record<keyof PlanPolicyRules, string>>;

/** Saves new rules; running plans keep the copy they were created with. */
export async function updatePlanRules(
  input: unknown,
  actor: { userId: string; ip: string | null },
): Promise<{ ok: true; rules: PlanPolicyRules } | { ok: false; forbidden?: undefined; problems: PlanRulesProblems } | { ok: false; forbidden: true; message: string }> {
  // The rules bind every payer's plans: only an AR admin changes them, checked here and not only by the page.
  const [who] = await db.select({ role: users.role }).from(users).where(eq(users.id, actor.userId));
  if (who?.role !== "ar_admin") return { ok: false, forbidden: true, message: "Only an AR admin can change the payment plan rules." };
  const parsed = planRulesSchema.safeParse(input);
  if (!parsed.success) {
    const problems: PlanRulesProblems = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] as keyof PlanPolicyRules;
      problems[key] ??= issue.message;
    }
    return { ok: false, problems };
  }
  const rules = parsed.data;
  await db.transaction(async (tx) => {
    const before = await getPlanRules(tx);
    await tx
      .insert(planPolicies)
      .values({ id: "default", rules, updatedByUserId: actor.userId })
      .onConflictDoUpdate({ target: planPolicies.id, set: { rules, updatedByUserId: actor.userId, updatedAt: new Date() } });
    await recordAudit(tx, { actorUserId: actor.userId, actorType: "user", action: "plan_policy.updated", subjectType: "plan_policy", subjectId: "default", ip: actor.ip, data: { before, after: rules } });
  });
  return { ok: true, rules };
}
