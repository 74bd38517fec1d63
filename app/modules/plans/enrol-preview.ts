import type { PlanFrequency, PlanPolicyRules } from "#db/schema/plan-values";
import { selectionIneligibility } from "./eligibility";
import { buildSchedule, downPaymentFor, frequencyLabels, scheduleProblems, type ScheduledInstallment } from "./schedule";

/**
 * The schedule an enrol form's values make, with the same pure rules the server applies when
 * enrolling: computed live in the browser and, for the no-JavaScript "Preview schedule" and to
 * check what the payer agreed to, in the action.
 */

/** The form as entered, kept as text so a re-rendered form shows exactly what was typed. */
export interface EnrolValues {
  invoiceIds: string[];
  installmentCount: string;
  frequency: string;
  firstDate: string;
}

export type EnrolField = "installmentCount" | "frequency" | "firstDate";

export interface EnrolCandidateInvoice {
  id: string;
  number: string;
  currency: string;
  balance: number;
  ineligible: string | null;
}

export interface EnrolPreview {
  /** The chosen invoices that can go on a plan. */
  chosen: number;
  currency: string | null;
  total: number;
  downPayment: number;
  /** Empty until the selection and the schedule fit the rules. */
  schedule: ScheduledInstallment[];
  /** Why the chosen invoices cannot go on a plan together (minimum total, mixed currencies…). */
  selection: string | null;
  fields: Partial<Record<EnrolField, string>>;
}

export const isFrequency = (value: string): value is PlanFrequency => Object.hasOwn(frequencyLabels, value);

/** The installment count as typed, or NaN (which the rules refuse in words). */
export const typedCount = (typed: string) => (/^\d{1,3}$/.test(typed) ? Number(typed) : Number.NaN);

export function previewPlan(rules: PlanPolicyRules, today: string, invoices: EnrolCandidateInvoice[], values: EnrolValues): EnrolPreview {
  const chosen = invoices.filter((i) => !i.ineligible && values.invoiceIds.includes(i.id));
  const total = chosen.reduce((s, i) => s + i.balance, 0);
  const currency = chosen[0]?.currency ?? null;
  const empty: EnrolPreview = { chosen: chosen.length, currency, total, downPayment: 0, schedule: [], selection: null, fields: {} };
  if (chosen.length === 0) return empty;
  const selection = selectionIneligibility(rules, chosen);
  const installmentCount = typedCount(values.installmentCount);
  // An unknown frequency is reported by scheduleProblems ("Choose weekly, monthly…").
  const frequency = values.frequency as PlanFrequency;
  const fields = scheduleProblems(rules, { total, installmentCount, frequency, firstDate: values.firstDate, today });
  if (selection || Object.keys(fields).length > 0 || !isFrequency(values.frequency)) return { ...empty, selection, fields };
  const downPayment = downPaymentFor(total, rules.downPaymentPercent);
  const schedule = buildSchedule({ total, installmentCount, frequency, firstDate: values.firstDate, downPayment, today });
  return { ...empty, downPayment, schedule };
}

/** What the payer agreed to: the values the schedule they saw was made from. */
export function agreementKey(values: EnrolValues): string {
  return [[...values.invoiceIds].sort().join(","), values.installmentCount, values.frequency, values.firstDate].join("|");
}

/** The enrol form's values from its parsed (lenient) submission. */
export function enrolValues(form: { invoice?: string[]; installmentCount?: string; frequency?: string; firstDate?: string }): EnrolValues {
  return {
    invoiceIds: [...new Set(form.invoice ?? [])].slice(0, 100),
    installmentCount: (form.installmentCount ?? "").trim(),
    frequency: form.frequency ?? "",
    firstDate: (form.firstDate ?? "").trim(),
  };
}

/** Field name of one invoice's own problem (in a Problem's `fields` and the form's errors). */
export const invoiceField = (invoiceId: string) => `invoice.${invoiceId}`;
