import { sql } from "drizzle-orm";
import { db } from "~/db.server";
import { addDays } from "~/utils/dates";
import {
  averageDaysDelinquent,
  bestPossibleDso,
  collectionEffectivenessIndex,
  dsoCountback,
  dsoSimple,
  monthsEnding,
  periodEnding,
  type AgingBucket,
  type Period,
} from "./receivables-formulas";
import { receivablesRows, type ReceivablesScope } from "./receivables-source.server";

export interface ReceivablesFigures {
  asOf: string;
  months: number;
  currency: string;
  period: Period;
  /** Invoices issued in the period (void ones excluded from their void date), minor units. */
  creditSales: number;
  arTotal: number;
  arCurrent: number;
  /** AR at the end of the day before the period. */
  arBeginning: number;
  dsoSimpleDays: number | null;
  dsoCountbackDays: number | null;
  bestPossibleDsoDays: number | null;
  /** ADD from the simple DSO: DSO simple − best possible DSO. */
  addDays: number | null;
  ceiPercent: number | null;
  aging: Record<AgingBucket, number>;
}

/** How far back countback may look for sales (AR older than this gives no countback figure). */
const COUNTBACK_MONTHS = 60;

interface Position {
  current: number;
  days_1_30: number;
  days_31_60: number;
  days_61_90: number;
}

/**
 * The figures at each of `asOfDates` for periods of `months` months, in three statements whatever
 * the number of dates (the dashboard asks for 13: twelve month ends and the previous period):
 * AR by effective date (a running sum gives AR at any date), the buckets near each date, and
 * sales by issue date. Every figure is as of its own date: a fact dated later (a payment, a void)
 * does not change it, whenever it was recorded.
 */
export async function receivablesFigures(scope: ReceivablesScope, asOfDates: string[], months: number): Promise<ReceivablesFigures[]> {
  if (asOfDates.length === 0) return [];
  const rows = receivablesRows(scope);
  const latest = asOfDates.reduce((a, b) => (a > b ? a : b));
  const earliest = asOfDates.reduce((a, b) => (a < b ? a : b));
  const beginnings = asOfDates.map((d) => addDays(periodEnding(d, months).start, -1));
  const positionDates = [...new Set([...asOfDates, ...beginnings])];
  const salesFrom = monthsEnding(earliest, COUNTBACK_MONTHS).at(-1)!.start;

  const [daily, positions, sales] = await Promise.all([
    db.execute<{ on: string; amount: string }>(sql`
      select effective_on::text as on, sum(amount)::text as amount from ${rows} r
      where measure = 'ar' and effective_on <= ${latest}::date group by effective_on order by effective_on`),
    db.execute<{ d: string } & Record<keyof Position, string | null>>(sql`
      select p.d::text as d,
        sum(r.amount) filter (where r.bucket_on >= p.d)::text as current,
        sum(r.amount) filter (where r.bucket_on between p.d - 30 and p.d - 1)::text as days_1_30,
        sum(r.amount) filter (where r.bucket_on between p.d - 60 and p.d - 31)::text as days_31_60,
        sum(r.amount) filter (where r.bucket_on between p.d - 90 and p.d - 61)::text as days_61_90
      from unnest(${`{${positionDates.join(",")}}`}::date[]) as p(d)
      join ${rows} r on r.measure = 'ar' and r.bucket_on >= p.d - 90 and r.effective_on <= p.d
      group by p.d`),
    db.execute<{ issued: string; on: string; amount: string }>(sql`
      select bucket_on::text as issued, effective_on::text as on, sum(amount)::text as amount from ${rows} r
      where measure = 'sales' and bucket_on >= ${salesFrom}::date and bucket_on <= ${latest}::date and effective_on <= ${latest}::date
      group by bucket_on, effective_on`),
  ]);

  const arAt = runningTotal(daily.map((r) => ({ on: r.on, amount: Number(r.amount) })));
  const near = new Map(positions.map((p) => [p.d, { current: num(p.current), days_1_30: num(p.days_1_30), days_31_60: num(p.days_31_60), days_61_90: num(p.days_61_90) }]));
  const saleRows = sales.map((s) => ({ issued: s.issued, on: s.on, amount: Number(s.amount) }));

  return asOfDates.map((asOf, i) => {
    const period = periodEnding(asOf, months);
    const salesAsOf = salesIndex(saleRows.filter((s) => s.on <= asOf));
    const creditSales = salesAsOf(period.start, asOf);
    const arTotal = arAt(asOf);
    const arBeginning = arAt(beginnings[i]!);
    const p = near.get(asOf) ?? { current: 0, days_1_30: 0, days_31_60: 0, days_61_90: 0 };
    const countbackMonths = monthsEnding(asOf, COUNTBACK_MONTHS).map((m) => ({ days: m.days, sales: salesAsOf(m.start, m.end) }));
    return {
      asOf,
      months,
      currency: scope.currency,
      period,
      creditSales,
      arTotal,
      arCurrent: p.current,
      arBeginning,
      dsoSimpleDays: dsoSimple(arTotal, creditSales, period.days),
      dsoCountbackDays: dsoCountback(arTotal, countbackMonths),
      bestPossibleDsoDays: bestPossibleDso(p.current, creditSales, period.days),
      addDays: averageDaysDelinquent(arTotal, p.current, creditSales, period.days),
      ceiPercent: collectionEffectivenessIndex(arBeginning, creditSales, arTotal, p.current),
      aging: { ...p, days_over_90: arTotal - p.current - p.days_1_30 - p.days_31_60 - p.days_61_90 },
    };
  });
}

/** The figures at one date. */
export async function receivablesFiguresAt(scope: ReceivablesScope, asOf: string, months: number): Promise<ReceivablesFigures> {
  return (await receivablesFigures(scope, [asOf], months))[0]!;
}

const num = (value: string | null) => (value === null ? 0 : Number(value));

/** AR at any date from the amounts by effective date (sorted): a binary search into running sums. */
function runningTotal(byDate: Array<{ on: string; amount: number }>): (date: string) => number {
  const sums: number[] = [];
  let total = 0;
  for (const row of byDate) sums.push((total += row.amount));
  return (date) => {
    let lo = 0;
    let hi = byDate.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byDate[mid]!.on <= date) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : sums[lo - 1]!;
  };
}

/** Sales issued within [from, to] among the given rows. */
function salesIndex(rows: Array<{ issued: string; amount: number }>): (from: string, to: string) => number {
  const byDay = new Map<string, number>();
  for (const r of rows) byDay.set(r.issued, (byDay.get(r.issued) ?? 0) + r.amount);
  const days = [...byDay.keys()].sort();
  const at = runningTotal(days.map((on) => ({ on, amount: byDay.get(on)! })));
  return (from, to) => at(to) - at(addDays(from, -1));
}
