import { describe, expect, test } from "vitest";
import {
  agingBucketOf,
  averageDaysDelinquent,
  bestPossibleDso,
  collectionEffectivenessIndex,
  dsoCountback,
  dsoSimple,
  monthsBefore,
  monthsEnding,
  periodEnding,
  round2,
} from "./receivables-formulas";

describe("the published examples", () => {
  test("countback DSO: sales Jan 70,000, Feb 80,000, Mar 100,000 and AR 212,000 at Mar 31 → 31 + 28 + 32/70 × 31 = 73.17 days", () => {
    const months = monthsEnding("2026-03-31", 3);
    expect(months.map((m) => m.days)).toEqual([31, 28, 31]);
    const sales = [100_000_00, 80_000_00, 70_000_00];
    expect(dsoCountback(212_000_00, months.map((m, i) => ({ days: m.days, sales: sales[i]! })))).toBe(73.17);
  });

  test("simple DSO over the same 90 days is 76.32", () => {
    const period = periodEnding("2026-03-31", 3);
    expect(period).toEqual({ start: "2026-01-01", end: "2026-03-31", days: 90 });
    expect(dsoSimple(212_000_00, 250_000_00, period.days)).toBe(76.32);
  });

  test("AR 15,000, current AR 4,000, sales 10,000 in 30 days → DSO 45, best possible 12, ADD 33", () => {
    expect(dsoSimple(15_000_00, 10_000_00, 30)).toBe(45);
    expect(bestPossibleDso(4_000_00, 10_000_00, 30)).toBe(12);
    expect(averageDaysDelinquent(15_000_00, 4_000_00, 10_000_00, 30)).toBe(33);
  });

  test("beginning AR 6,200, sales 10,890, ending total 6,340, ending current 3,590 → CEI 79.63 %", () => {
    expect(collectionEffectivenessIndex(6_200_00, 10_890_00, 6_340_00, 3_590_00)).toBe(79.63);
  });
});

describe("edges a dashboard meets", () => {
  test("no sales in the period: the ratios are unknown (null), not zero or infinite", () => {
    expect(dsoSimple(100, 0, 30)).toBeNull();
    expect(bestPossibleDso(100, 0, 30)).toBeNull();
    expect(averageDaysDelinquent(100, 0, 0, 30)).toBeNull();
    expect(collectionEffectivenessIndex(0, 0, 0, 0)).toBeNull();
  });

  test("countback: no AR is 0 days; AR that ends exactly on a month boundary counts whole months; a month without sales counts its days", () => {
    expect(dsoCountback(0, [{ days: 31, sales: 10 }])).toBe(0);
    expect(dsoCountback(30, [{ days: 31, sales: 10 }, { days: 30, sales: 20 }])).toBe(61);
    expect(dsoCountback(5, [{ days: 31, sales: 0 }, { days: 30, sales: 10 }])).toBe(46);
    expect(dsoCountback(50, [{ days: 31, sales: 10 }])).toBeNull();
  });

  test("periods ending mid-month run from the day after the same date a month earlier", () => {
    expect(monthsEnding("2026-03-15", 2)).toEqual([
      { start: "2026-02-16", end: "2026-03-15", days: 28 },
      { start: "2026-01-16", end: "2026-02-15", days: 31 },
    ]);
    expect(monthsEnding("2026-04-30", 2).map((m) => m.start)).toEqual(["2026-04-01", "2026-03-01"]);
    expect(periodEnding("2026-12-31", 12)).toEqual({ start: "2026-01-01", end: "2026-12-31", days: 365 });
    expect(monthsBefore("2026-03-31", 1)).toBe("2026-02-28");
    expect(monthsBefore("2024-03-31", 1)).toBe("2024-02-29");
  });

  test("aging buckets by days past due at the as-of date", () => {
    expect(agingBucketOf("2026-03-31", "2026-03-31")).toBe("current");
    expect(agingBucketOf("2026-03-30", "2026-03-31")).toBe("days_1_30");
    expect(agingBucketOf("2026-03-01", "2026-03-31")).toBe("days_1_30");
    expect(agingBucketOf("2026-02-28", "2026-03-31")).toBe("days_31_60");
    expect(agingBucketOf("2026-01-30", "2026-03-31")).toBe("days_31_60");
    expect(agingBucketOf("2026-01-29", "2026-03-31")).toBe("days_61_90");
    expect(agingBucketOf("2025-12-31", "2026-03-31")).toBe("days_61_90");
    expect(agingBucketOf("2025-12-30", "2026-03-31")).toBe("days_over_90");
  });

  test("rounding is half away from zero at two decimals", () => {
    expect(round2(73.17142857)).toBe(73.17);
    expect(round2(1.005)).toBe(1.01);
    expect(round2(-2.345)).toBe(-2.35);
  });
});
