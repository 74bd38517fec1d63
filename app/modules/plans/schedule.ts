import type { PlanFrequency, PlanPolicyRules } from "#db/schema/plan-values";
import { addDays, daysBetween, isCalendarDate } from "~/utils/dates";

/** Pure schedule maths, shared by the enrol preview (browser) and the server. */

export interface ScheduledInstallment {
  /** 0 is the down payment; installments count from 1. */
  sequence: number;
  dueDate: string;
  amount: number;
}

export interface ScheduleInput {
  total: number;
  installmentCount: number;
  frequency: PlanFrequency;
  /** Date of installment 1. */
  firstDate: string;
  /** Charged on `today`, before installment 1; 0 = none. */
  downPayment: number;
  today: string;
}

/**
 * Splits `total` into `parts` amounts that differ by at most one minor unit and sum exactly to
 * it; the extra units go to the first installments, so later ones never exceed earlier ones.
 */
export function splitAmount(total: number, parts: number): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`total must be a non-negative integer, got ${total}`);
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError(`parts must be a positive integer, got ${parts}`);
  const base = Math.floor(total / parts);
  const extra = total - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/**
 * The date `k` periods after `start`. Monthly dates keep the start's day of the month and fall
 * back to the month's last day when it is shorter (Jan 31 → Feb 28 or 29 → Mar 31), counting
 * from the start each time so one short month never drags the later ones.
 */
export function addPeriods(start: string, frequency: PlanFrequency, k: number): string {
  if (frequency === "weekly") return addDays(start, 7 * k);
  if (frequency === "biweekly") return addDays(start, 14 * k);
  const [y, m, d] = start.split("-").map(Number) as [number, number, number];
  const month0 = m - 1 + k;
  const year = y + Math.floor(month0 / 12);
  const month = ((month0 % 12) + 12) % 12;
  const day = Math.min(d, daysInMonth(year, month));
  return `${year}-${String(month + 1).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** The down payment the rules ask for on `total` (rounded up to the minor unit). */
export function downPaymentFor(total: number, percent: number): number {
  if (percent <= 0) return 0;
  return Math.min(total - 1, Math.ceil((total * percent) / 100));
}

export function buildSchedule(input: ScheduleInput): ScheduledInstallment[] {
  const rest = input.total - input.downPayment;
  const amounts = splitAmount(rest, input.installmentCount);
  const schedule: ScheduledInstallment[] = [];
  if (input.downPayment > 0) schedule.push({ sequence: 0, dueDate: input.today, amount: input.downPayment });
  amounts.forEach((amount, i) => schedule.push({ sequence: i + 1, dueDate: addPeriods(input.firstDate, input.frequency, i), amount }));
  return schedule;
}

export const frequencyLabels: Record<PlanFrequency, string> = { weekly: "Weekly", biweekly: "Every two weeks", monthly: "Monthly" };

/** Why a requested schedule breaks the rules, in words a payer can act on; empty when it fits. */
export function scheduleProblems(
  rules: PlanPolicyRules,
  request: { total: number; installmentCount: number; frequency: PlanFrequency; firstDate: string; today: string },
): Partial<Record<"installmentCount" | "frequency" | "firstDate", string>> {
  const problems: Partial<Record<"installmentCount" | "frequency" | "firstDate", string>> = {};
  if (!Number.isInteger(request.installmentCount) || request.installmentCount < 2 || request.installmentCount > rules.maxInstallments) {
    problems.installmentCount = `Choose between 2 and ${rules.maxInstallments} installments.`;
  } else if (request.total - downPaymentFor(request.total, rules.downPaymentPercent) < request.installmentCount) {
    problems.installmentCount = "This total is too small for that many installments.";
  }
  if (!rules.frequencies.includes(request.frequency)) {
    problems.frequency = `Choose ${rules.frequencies.map((f) => frequencyLabels[f].toLowerCase()).join(", ")}.`;
  }
  const lead = daysBetween(request.today, request.firstDate);
  if (!isCalendarDate(request.firstDate) || Number.isNaN(lead)) {
    problems.firstDate = "Enter the date of the first installment.";
  } else if (lead < 0) {
    problems.firstDate = "The first installment cannot be in the past.";
  } else if (lead > rules.firstInstallmentWithinDays) {
    problems.firstDate = `The first installment must fall within ${rules.firstInstallmentWithinDays} days.`;
  } else if (!problems.installmentCount && !problems.frequency) {
    const last = addPeriods(request.firstDate, request.frequency, request.installmentCount - 1);
    if (daysBetween(request.today, last) > rules.maxTermDays) {
      problems.installmentCount = `The plan must end within ${rules.maxTermDays} days; choose fewer installments or a shorter frequency.`;
    }
  }
  return problems;
}
