import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, daysBetween } from "~/utils/dates";
import { defaultPlanRules } from "./policy.server";
import { addPeriods, buildSchedule, downPaymentFor, scheduleProblems, splitAmount } from "./schedule";

const isoDate = fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const frequency = fc.constantFrom("weekly" as const, "biweekly" as const, "monthly" as const);
const daysInMonth = (iso: string) => new Date(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), 0)).getUTCDate();

describe("splitAmount", () => {
  it("sums exactly to the total, in parts that differ by at most one cent, largest first", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), fc.integer({ min: 1, max: 60 }), (total, parts) => {
        const amounts = splitAmount(total, parts);
        expect(amounts).toHaveLength(parts);
        expect(amounts.reduce((a, b) => a + b, 0)).toBe(total);
        expect(Math.max(...amounts) - Math.min(...amounts)).toBeLessThanOrEqual(1);
        for (let i = 1; i < amounts.length; i++) expect(amounts[i]!).toBeLessThanOrEqual(amounts[i - 1]!);
        for (const a of amounts) expect(Number.isInteger(a)).toBe(true);
      }),
    );
  });

  it("refuses fractions and non-positive part counts", () => {
    expect(() => splitAmount(10.5, 2)).toThrow(RangeError);
    expect(() => splitAmount(100, 0)).toThrow(RangeError);
  });

  it("splits $100.00 in 3 as 33.34 + 33.33 + 33.33", () => {
    expect(splitAmount(10_000, 3)).toEqual([3334, 3333, 3333]);
  });
});

describe("addPeriods", () => {
  it("keeps the start's day of month, or the month's last day when shorter", () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: 0, max: 120 }), (start, k) => {
        const next = addPeriods(start, "monthly", k);
        const startDay = Number(start.slice(8, 10));
        expect(Number(next.slice(8, 10))).toBe(Math.min(startDay, daysInMonth(next)));
        const months = (Number(next.slice(0, 4)) - Number(start.slice(0, 4))) * 12 + Number(next.slice(5, 7)) - Number(start.slice(5, 7));
        expect(months).toBe(k);
      }),
    );
  });

  it("handles month ends and leap years", () => {
    expect([0, 1, 2, 3].map((k) => addPeriods("2027-01-31", "monthly", k))).toEqual(["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"]);
    expect(addPeriods("2028-01-31", "monthly", 1)).toBe("2028-02-29");
    expect(addPeriods("2028-02-29", "monthly", 12)).toBe("2029-02-28");
    expect(addPeriods("2026-11-30", "monthly", 3)).toBe("2027-02-28");
    expect(addPeriods("2026-12-31", "weekly", 1)).toBe("2027-01-07");
    expect(addPeriods("2028-02-22", "biweekly", 1)).toBe("2028-03-07");
  });

  it("weekly and biweekly dates are 7 and 14 days apart", () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: 0, max: 200 }), (start, k) => {
        expect(daysBetween(start, addPeriods(start, "weekly", k))).toBe(7 * k);
        expect(daysBetween(start, addPeriods(start, "biweekly", k))).toBe(14 * k);
      }),
    );
  });
});

describe("buildSchedule", () => {
  it("sums to the total with strictly increasing dates, the down payment first and today", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 200, max: 1_000_000_000 }),
        fc.integer({ min: 2, max: 60 }),
        frequency,
        isoDate,
        fc.integer({ min: 0, max: 90 }),
        fc.integer({ min: 0, max: 90 }),
        (total, count, freq, today, lead, percent) => {
          const downPayment = downPaymentFor(total, percent);
          // scheduleProblems refuses a remainder smaller than one cent per installment.
          fc.pre(total - downPayment >= count);
          const schedule = buildSchedule({ total, installmentCount: count, frequency: freq, firstDate: addDays(today, lead), downPayment, today });
          expect(schedule.reduce((s, i) => s + i.amount, 0)).toBe(total);
          for (const i of schedule) expect(i.amount).toBeGreaterThan(0);
          expect(schedule.filter((i) => i.sequence > 0)).toHaveLength(count);
          if (downPayment > 0) expect(schedule[0]).toEqual({ sequence: 0, dueDate: today, amount: downPayment });
          const dated = schedule.filter((i) => i.sequence > 0);
          for (let i = 1; i < dated.length; i++) expect(dated[i]!.dueDate > dated[i - 1]!.dueDate).toBe(true);
        },
      ),
    );
  });
});

describe("scheduleProblems", () => {
  const base = { total: 50_000, installmentCount: 3, frequency: "monthly" as const, firstDate: "2026-11-24", today: "2026-11-24" };
  it("accepts a schedule inside the rules", () => {
    expect(scheduleProblems(defaultPlanRules, base)).toEqual({});
  });
  it("names each broken rule", () => {
    expect(scheduleProblems(defaultPlanRules, { ...base, installmentCount: 1 }).installmentCount).toBe("Choose between 2 and 12 installments.");
    expect(scheduleProblems({ ...defaultPlanRules, frequencies: ["monthly"] }, { ...base, frequency: "weekly" }).frequency).toBe("Choose monthly.");
    expect(scheduleProblems(defaultPlanRules, { ...base, firstDate: "2026-11-23" }).firstDate).toBe("The first installment cannot be in the past.");
    // A day that does not exist (V8 would read 2026-12-32 as January 1) is no date at all.
    for (const firstDate of ["2026-12-32", "2027-02-29", "2026-13-01", "9999-99-99"]) {
      expect(scheduleProblems(defaultPlanRules, { ...base, firstDate }).firstDate, firstDate).toBe("Enter the date of the first installment.");
    }
    expect(scheduleProblems({ ...defaultPlanRules, maxTermDays: 60 }, { ...base, installmentCount: 4 }).installmentCount).toMatch(/must end within 60 days/);
    expect(scheduleProblems(defaultPlanRules, { ...base, total: 2, installmentCount: 3 }).installmentCount).toMatch(/too small/);
  });
});
