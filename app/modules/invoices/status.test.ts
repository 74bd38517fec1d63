import { describe, expect, it } from "vitest";
import { agingBucket, daysPastDue, displayStatus, displayStatusLabels } from "./status";

const base = { status: "open" as const, dueDate: "2026-03-31", balance: 1000, amountPaid: 0, amountCredited: 0 };

describe("displayStatus", () => {
  it("is open before and on the due date", () => {
    expect(displayStatus(base, "2026-03-30")).toBe("open");
    expect(displayStatus(base, "2026-03-31")).toBe("open");
  });
  it("is overdue the day after the due date, even when partly paid", () => {
    expect(displayStatus(base, "2026-04-01")).toBe("overdue");
    expect(displayStatus({ ...base, amountPaid: 400, balance: 600 }, "2026-04-01")).toBe("overdue");
  });
  it("is partially paid when money came in and it is not yet due, with or without credits", () => {
    expect(displayStatus({ ...base, amountPaid: 400, balance: 600 }, "2026-03-01")).toBe("partially_paid");
    expect(displayStatus({ ...base, amountPaid: 400, amountCredited: 100, balance: 500 }, "2026-03-01")).toBe("partially_paid");
  });
  it("says credited, not paid, when only credits reduced it", () => {
    expect(displayStatus({ ...base, amountCredited: 100, balance: 900 }, "2026-03-01")).toBe("partly_credited");
    expect(displayStatus({ ...base, status: "paid", amountCredited: 1000, balance: 0 }, "2026-03-01")).toBe("credited");
    expect(displayStatus({ ...base, status: "paid", amountPaid: 1, amountCredited: 999, balance: 0 }, "2026-03-01")).toBe("paid");
    expect(displayStatusLabels[displayStatus({ ...base, amountCredited: 100, balance: 900 }, "2026-03-01")]).toBe("Partly credited");
    expect(displayStatusLabels.credited).toBe("Credited");
  });
  it("is on a payment plan instead of overdue, open or partially paid while a plan holds it", () => {
    const onPlan = { ...base, paymentPlanId: "pln_1" };
    expect(displayStatus(onPlan, "2026-04-01")).toBe("on_plan");
    expect(displayStatus(onPlan, "2026-03-01")).toBe("on_plan");
    expect(displayStatus({ ...onPlan, amountPaid: 400, balance: 600 }, "2026-05-01")).toBe("on_plan");
    expect(displayStatus({ ...base, paymentPlanId: null }, "2026-04-01")).toBe("overdue");
  });
  it("is paid or void even when a plan held it", () => {
    expect(displayStatus({ ...base, status: "paid", balance: 0, paymentPlanId: "pln_1" }, "2027-01-01")).toBe("paid");
    expect(displayStatus({ ...base, status: "void", paymentPlanId: "pln_1" }, "2027-01-01")).toBe("void");
  });
  it("is paid or void whatever the date", () => {
    expect(displayStatus({ ...base, status: "paid", balance: 0 }, "2027-01-01")).toBe("paid");
    expect(displayStatus({ ...base, status: "void" }, "2027-01-01")).toBe("void");
  });
});

describe("aging", () => {
  it("counts days past due across month ends and leap days", () => {
    expect(daysPastDue("2028-02-28", "2028-03-01")).toBe(2);
    expect(daysPastDue("2026-02-28", "2026-03-01")).toBe(1);
    expect(daysPastDue("2026-05-01", "2026-04-01")).toBe(0);
  });
  it("puts each day count in the right bucket at the edges", () => {
    expect([0, 1, 30, 31, 60, 61, 90, 91].map(agingBucket)).toEqual([
      "current", "days1to30", "days1to30", "days31to60", "days31to60", "days61to90", "days61to90", "over90",
    ]);
  });
});
