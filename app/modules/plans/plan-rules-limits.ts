import { z } from "zod";
import { planFrequencies, type PlanPolicyRules } from "#db/schema/plan-values";

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

/** The limits the AR team's plan rules must keep (checked by the rules form and by `updatePlanRules`). Pure. */
export const planRulesLimits = z
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
