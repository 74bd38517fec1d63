import { z } from "zod";
import { planFrequencies, type PlanFrequency, type PlanPolicyRules } from "#db/schema/plan-values";
import { amountInputValue, parseAmount } from "~/modules/payments/allocation-rules";
import { defaultPlanRules, planRulesLimits } from "./plan-rules-limits";

/** The rules' money amounts are shown and typed in this currency (the portal bills in USD). */
export const PLAN_RULES_CURRENCY = "USD";

/** The rules form as typed: strings, so whatever the clerk typed comes back unchanged on an error. */
export type PlanRulesFormValues = {
  enabled?: "on";
  minTotal: string;
  maxInstallments: string;
  frequencies: string[];
  downPaymentPercent: string;
  maxTermDays: string;
  firstInstallmentWithinDays: string;
  approvalThreshold: string;
};

export function planRulesFormValues(rules: PlanPolicyRules): PlanRulesFormValues {
  return {
    ...(rules.enabled ? { enabled: "on" as const } : {}),
    minTotal: amountInputValue(rules.minTotal, PLAN_RULES_CURRENCY),
    maxInstallments: String(rules.maxInstallments),
    frequencies: [...rules.frequencies],
    downPaymentPercent: String(rules.downPaymentPercent),
    maxTermDays: String(rules.maxTermDays),
    firstInstallmentWithinDays: String(rules.firstInstallmentWithinDays),
    approvalThreshold: rules.approvalThreshold === null ? "" : amountInputValue(rules.approvalThreshold, PLAN_RULES_CURRENCY),
  };
}

type Typed = Exclude<keyof PlanPolicyRules, "enabled" | "frequencies">;

const typingHelp: Record<Typed, string> = {
  minTotal: "Enter the minimum total in dollars, like 100.00.",
  maxInstallments: "Enter a whole number of installments, like 12.",
  downPaymentPercent: "Enter a whole percentage from 0 to 90, like 10 (0 for no down payment).",
  maxTermDays: "Enter the longest term as a whole number of days, like 365.",
  firstInstallmentWithinDays: "Enter a whole number of days, like 30 (0 means the first installment is today).",
  approvalThreshold: "Enter an amount in dollars, like 10000.00, or leave it empty so no plan waits for approval.",
};

const wholeNumber = (typed: string): number | null => (/^-?\d{1,7}$/.test(typed.trim()) ? Number(typed.trim()) : null);
const text = z.string().max(200).optional();

/**
 * The rules form: typing mistakes (a field that is not an amount or a whole number) and the
 * domain's limits (`planRulesLimits`, which the use case checks again) are reported together,
 * each at its field; the output is the rules to save.
 */
export const planRulesForm = z
  .object({
    enabled: z.string().max(10).optional(),
    minTotal: text,
    maxInstallments: text,
    frequencies: z.array(z.string().max(40)).max(10).optional(),
    downPaymentPercent: text,
    maxTermDays: text,
    firstInstallmentWithinDays: text,
    approvalThreshold: text,
  })
  .transform((form, ctx): PlanPolicyRules => {
    const unreadable = new Set<Typed>();
    const money = (key: "minTotal" | "approvalThreshold") => {
      const typed = (form[key] ?? "").trim();
      if (key === "approvalThreshold" && typed === "") return null;
      const amount = parseAmount(typed, PLAN_RULES_CURRENCY);
      if (amount === null) unreadable.add(key);
      return amount;
    };
    const whole = (key: "maxInstallments" | "downPaymentPercent" | "maxTermDays" | "firstInstallmentWithinDays") => {
      const n = wholeNumber(form[key] ?? "");
      if (n === null) unreadable.add(key);
      return n;
    };
    const minTotal = money("minTotal");
    const approvalThreshold = money("approvalThreshold");
    const maxInstallments = whole("maxInstallments");
    const downPaymentPercent = whole("downPaymentPercent");
    const maxTermDays = whole("maxTermDays");
    const firstInstallmentWithinDays = whole("firstInstallmentWithinDays");
    for (const key of unreadable) ctx.addIssue({ code: "custom", path: [key], message: typingHelp[key] });

    // A field that could not be read is checked no further: a valid stand-in lets the limits of every other field be reported.
    const fallback = defaultPlanRules;
    const candidate: PlanPolicyRules = {
      enabled: form.enabled !== undefined,
      minTotal: minTotal ?? fallback.minTotal,
      maxInstallments: maxInstallments ?? fallback.maxInstallments,
      frequencies: (form.frequencies ?? []).filter((f): f is PlanFrequency => (planFrequencies as readonly string[]).includes(f)),
      downPaymentPercent: downPaymentPercent ?? fallback.downPaymentPercent,
      maxTermDays: maxTermDays ?? fallback.maxTermDays,
      firstInstallmentWithinDays: firstInstallmentWithinDays ?? fallback.firstInstallmentWithinDays,
      approvalThreshold: unreadable.has("approvalThreshold") ? fallback.approvalThreshold : approvalThreshold,
    };
    const limits = planRulesLimits.safeParse(candidate);
    if (!limits.success) {
      const seen = new Set<string>(unreadable);
      for (const issue of limits.error.issues) {
        const key = String(issue.path[0]);
        if (seen.has(key)) continue;
        seen.add(key);
        ctx.addIssue({ code: "custom", path: [key], message: issue.message });
      }
      return z.NEVER;
    }
    return limits.data;
  });
