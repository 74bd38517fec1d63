/**
 * The receivables figures, as docs/analytics.md states them (and the dashboard beside each
 * figure). Pure: amounts in, days and percent out, so the published examples are unit tests.
 * A figure whose denominator is zero (no sales in the period) is null, never Infinity or 0.
 */
import { addDays, daysBetween } from "~/utils/dates";

/** Half away from zero to two decimals: 73.1714… → 73.17, 79.6296… → 79.63. */
export function round2(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value) * 100 + 1e-9) / 100;
}

/** DSO simple = AR / credit sales × days in the period. */
export function dsoSimple(ar: number, creditSales: number, days: number): number | null {
  return creditSales > 0 ? round2((ar / creditSales) * days) : null;
}

/** Best possible DSO = current AR / credit sales × days in the period. */
export function bestPossibleDso(currentAr: number, creditSales: number, days: number): number | null {
  return creditSales > 0 ? round2((currentAr / creditSales) * days) : null;
}

/** ADD = DSO (simple) − best possible DSO, from the unrounded figures. */
export function averageDaysDelinquent(ar: number, currentAr: number, creditSales: number, days: number): number | null {
  return creditSales > 0 ? round2(((ar - currentAr) / creditSales) * days) : null;
}

export interface MonthOfSales {
  days: number;
  sales: number;
}

/**
 * DSO countback: from the latest month back, each month's sales come off AR and its days count,
 * until what is left is smaller than a month's sales; that month adds (left / its sales) × its
 * days. `months` is latest first and long enough to exhaust AR (AR never exceeds the sales that
 * made it); a month without sales counts its whole days.
 */
export function dsoCountback(ar: number, months: MonthOfSales[]): number | null {
  if (ar <= 0) return ar === 0 ? 0 : null;
  let left = ar;
  let days = 0;
  for (const month of months) {
    if (left < month.sales) return round2(days + (left / month.sales) * month.days);
    left -= month.sales;
    days += month.days;
    if (left === 0) return round2(days);
  }
  // History ran out before AR did (only possible with data older than the months given).
  return null;
}

/**
 * CEI = (beginning AR + credit sales − ending total AR) / (beginning AR + credit sales − ending
 * current AR) × 100, with the whole period's sales (not divided by its months).
 */
export function collectionEffectivenessIndex(beginningAr: number, creditSales: number, endingAr: number, endingCurrentAr: number): number | null {
  const collectible = beginningAr + creditSales - endingCurrentAr;
  return collectible > 0 ? round2(((beginningAr + creditSales - endingAr) / collectible) * 100) : null;
}

export interface Period {
  /** First day of the period. */
  start: string;
  /** Last day (the as-of date). */
  end: string;
  days: number;
}

const lastDayOfMonth = (date: string) => {
  const [y, m] = date.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

/** The same day `months` months earlier, kept inside the month (Mar 31 − 1 month = Feb 28). */
export function monthsBefore(date: string, months: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 - months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last))).toISOString().slice(0, 10);
}

/**
 * The `months` months ending on `asOf`, latest first. Ending on a month's last day they are the
 * calendar months (Mar 31 × 3 = Jan, Feb, Mar: 90 days in 2026); ending mid-month each runs from
 * the day after the same date a month earlier (Mar 15 × 1 = Feb 16 – Mar 15).
 */
export function monthsEnding(asOf: string, months: number): Period[] {
  const monthEnd = lastDayOfMonth(asOf) === asOf;
  const periods: Period[] = [];
  let end = asOf;
  for (let i = 0; i < months; i += 1) {
    const previousEnd = monthEnd ? addDays(`${monthsBefore(end, 0).slice(0, 7)}-01`, -1) : monthsBefore(end, 1);
    const start = addDays(previousEnd, 1);
    periods.push({ start, end, days: daysBetween(start, end) + 1 });
    end = previousEnd;
  }
  return periods;
}

/** The whole period of `months` months ending on `asOf`. */
export function periodEnding(asOf: string, months: number): Period {
  const parts = monthsEnding(asOf, months);
  const start = parts[parts.length - 1]!.start;
  return { start, end: asOf, days: daysBetween(start, asOf) + 1 };
}

/** The aging buckets at `asOf` by days past due (due on `asOf` is still current). */
export const agingBuckets = ["current", "days_1_30", "days_31_60", "days_61_90", "days_over_90"] as const;
export type AgingBucket = (typeof agingBuckets)[number];

export function agingBucketOf(dueDate: string, asOf: string): AgingBucket {
  const late = daysBetween(dueDate, asOf);
  if (late <= 0) return "current";
  if (late <= 30) return "days_1_30";
  if (late <= 60) return "days_31_60";
  if (late <= 90) return "days_61_90";
  return "days_over_90";
}
