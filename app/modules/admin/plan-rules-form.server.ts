import { planFrequencies, type PlanFrequency, type PlanPolicyRules } from "#db/schema/plan-values";
import { amountInputValue, parseAmount } from "~/modules/payments/allocation-rules";
import { defaultPlanRules, planRulesSchema, type PlanRulesProblems } from "~/modules/plans/policy.server";

/** The rules' money amounts are shown and typed in this currency (the portal bills in USD). */
export const PLAN_RULES_CURRENCY = "USD";

/** The rules form as typed: strings, so whatever the clerk typed comes back unchanged on an error. */
export interface PlanRulesFormValues {
  enabled: boolean;
  minTotal: string;
  maxInstallments: string;
  frequencies: string[];
  downPaymentPercent: string;
  maxTermDays: string;
  firstInstallmentWithinDays: string;
  approvalThreshold: string;
}

export function planRulesFormValues(rules: PlanPolicyRules): PlanRulesFormValues {
  return {
    enabled: rules.enabled,
    minTotal: amountInputValue(rules.minTotal, PLAN_RULES_CURRENCY),
    maxInstallments: String(rules.maxInstallments),
    frequencies: [...rules.frequencies],
    downPaymentPercent: String(rules.downPaymentPercent),
    maxTermDays: String(rules.maxTermDays),
    firstInstallmentWithinDays: String(rules.firstInstallmentWithinDays),
    approvalThreshold: rules.approvalThreshold === null ? "" : amountInputValue(rules.approvalThreshold, PLAN_RULES_CURRENCY),
  };
}

const wholeNumber = (typed: string): number | null => (/^-?\d{1,7}$/.test(typed.trim()) ? Number(typed.trim()) : null);

const typingHelp: Record<Exclude<keyof PlanPolicyRules, "enabled" | "frequencies">, string> = {
  minTotal: "Enter the minimum total in dollars, like 100.00.",
  maxInstallments: "Enter a whole number of installments, like 12.",
  downPaymentPercent: "Enter a whole percentage from 0 to 90, like 10 (0 for no down payment).",
  maxTermDays: "Enter the longest term as a whole number of days, like 365.",
  firstInstallmentWithinDays: "Enter a whole number of days, like 30 (0 means the first installment is today).",
  approvalThreshold: "Enter an amount in dollars, like 10000.00, or leave it empty so no plan waits for approval.",
};

/**
 * Reads the rules form: the typed values (to show again on an error) and either the rules to
 * save or, per field, what to fix. Typing mistakes are caught here; the limits are the domain's
 * (`planRulesSchema`), so both kinds are reported together.
 */
export function readPlanRulesForm(form: FormData): { values: PlanRulesFormValues; rules: PlanPolicyRules | null; problems: PlanRulesProblems } {
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : "";
  };
  const values: PlanRulesFormValues = {
    enabled: form.get("enabled") !== null,
    minTotal: text("minTotal"),
    maxInstallments: text("maxInstallments"),
    frequencies: form.getAll("frequencies").filter((f): f is string => typeof f === "string"),
    downPaymentPercent: text("downPaymentPercent"),
    maxTermDays: text("maxTermDays"),
    firstInstallmentWithinDays: text("firstInstallmentWithinDays"),
    approvalThreshold: text("approvalThreshold"),
  };

  const problems: PlanRulesProblems = {};
  const money = (key: "minTotal" | "approvalThreshold") => {
    const typed = values[key].trim();
    if (key === "approvalThreshold" && typed === "") return null;
    const amount = parseAmount(typed, PLAN_RULES_CURRENCY);
    if (amount === null) problems[key] = typingHelp[key];
    return amount;
  };
  const whole = (key: "maxInstallments" | "downPaymentPercent" | "maxTermDays" | "firstInstallmentWithinDays") => {
    const n = wholeNumber(values[key]);
    if (n === null) problems[key] = typingHelp[key];
    return n;
  };

  const minTotal = money("minTotal");
  const approvalThreshold = money("approvalThreshold");
  const maxInstallments = whole("maxInstallments");
  const downPaymentPercent = whole("downPaymentPercent");
  const maxTermDays = whole("maxTermDays");
  const firstInstallmentWithinDays = whole("firstInstallmentWithinDays");

  // A field that could not be read is checked no further: stand in a valid value so the
  // domain's limits are reported for every other field.
  const fallback = defaultPlanRules;
  const candidate: PlanPolicyRules = {
    enabled: values.enabled,
    minTotal: minTotal ?? fallback.minTotal,
    maxInstallments: maxInstallments ?? fallback.maxInstallments,
    frequencies: values.frequencies.filter((f): f is PlanFrequency => (planFrequencies as readonly string[]).includes(f)),
    downPaymentPercent: downPaymentPercent ?? fallback.downPaymentPercent,
    maxTermDays: maxTermDays ?? fallback.maxTermDays,
    firstInstallmentWithinDays: firstInstallmentWithinDays ?? fallback.firstInstallmentWithinDays,
    approvalThreshold: problems.approvalThreshold ? fallback.approvalThreshold : approvalThreshold,
  };
  const parsed = planRulesSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] as keyof PlanPolicyRules;
      problems[key] ??= issue.message;
    }
  }
  return { values, rules: Object.keys(problems).length === 0 && parsed.success ? parsed.data : null, problems };
}
