import { describe, expect, it } from "vitest";
import { addMonths, currentPeriod, decideLateFee, percentOf, periodStart, type FeeFacts } from "./late-fee-rules";

// The issue's example: 1.5 % a month after 15 days' grace, on an invoice due 2026-01-10.
const policy = { enabled: true, kind: "percent" as const, rateBps: 150, fixedAmount: null, graceDays: 15, capPerInvoice: null, capPerAccount: null };
const invoice = {
  status: "open" as const,
  dueDate: "2026-01-10",
  balance: 1_000_00,
  amountPending: 0,
  amountDisputed: 0,
  isLateFee: false,
  onPlan: false,
  promised: false,
  feesPosted: 0,
  periodsPosted: [] as number[],
};
const facts = (over: { policy?: Partial<FeeFacts["policy"] & object> | null; invoice?: Partial<FeeFacts["invoice"]>; feesAllowed?: boolean; accountUnpaidFees?: number } = {}): FeeFacts => ({
  feesAllowed: over.feesAllowed ?? true,
  policy: over.policy === null ? null : { ...policy, ...over.policy },
  invoice: { ...invoice, ...over.invoice },
  accountUnpaidFees: over.accountUnpaidFees ?? 0,
});

describe("periods", () => {
  it("starts the first period the day after the grace, and each next one a calendar month later", () => {
    // Grace ends 2026-01-25.
    expect(currentPeriod("2026-01-10", 15, "2026-01-25")).toBe(0);
    expect(currentPeriod("2026-01-10", 15, "2026-01-26")).toBe(1);
    expect(currentPeriod("2026-01-10", 15, "2026-02-25")).toBe(1);
    expect(currentPeriod("2026-01-10", 15, "2026-02-26")).toBe(2);
    expect(currentPeriod("2026-01-10", 15, "2026-12-26")).toBe(12);
    expect(currentPeriod("2026-01-10", 15, "2027-01-26")).toBe(13);
    expect(periodStart("2026-01-10", 15, 1)).toBe("2026-01-26");
    expect(periodStart("2026-01-10", 15, 2)).toBe("2026-02-26");
  });

  it("keeps the day of the month, clamped to short months, without drifting", () => {
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addMonths("2026-01-31", 2)).toBe("2026-03-31");
    expect(addMonths("2024-01-31", 1)).toBe("2024-02-29");
    expect(addMonths("2026-11-15", 3)).toBe("2027-02-15");
    // Grace ends Jan 31: period 2 from Mar 1 (the day after Feb 28), period 3 from Apr 1.
    expect(currentPeriod("2026-01-31", 0, "2026-02-28")).toBe(1);
    expect(currentPeriod("2026-01-31", 0, "2026-03-01")).toBe(2);
    expect(currentPeriod("2026-01-31", 0, "2026-03-31")).toBe(2);
    expect(currentPeriod("2026-01-31", 0, "2026-04-01")).toBe(3);
  });
});

describe("the fee", () => {
  it("is 1.5 % of the balance, rounded half up, from the day after the grace", () => {
    expect(decideLateFee(facts(), "2026-01-25")).toEqual({ action: "skip", reason: "in_grace" });
    expect(decideLateFee(facts(), "2026-01-26")).toEqual({ action: "post", period: 1, periodStart: "2026-01-26", amount: 15_00, basis: 1_000_00, uncapped: 15_00 });
    expect(percentOf(333, 150)).toBe(5); // 4.995 → 5
    expect(percentOf(300, 150)).toBe(5); // 4.5 → 5
    expect(percentOf(299, 150)).toBe(4); // 4.485 → 4
  });

  it("is charged only on the undisputed part not already being paid", () => {
    const decision = decideLateFee(facts({ invoice: { balance: 1_000_00, amountDisputed: 400_00, amountPending: 100_00 } }), "2026-01-26");
    expect(decision).toMatchObject({ action: "post", basis: 500_00, amount: 7_50 });
    expect(decideLateFee(facts({ invoice: { balance: 500_00, amountDisputed: 500_00 } }), "2026-01-26")).toEqual({ action: "skip", reason: "nothing_overdue", period: 1 });
  });

  it("is a fixed amount when the policy says so", () => {
    expect(decideLateFee(facts({ policy: { kind: "fixed", rateBps: null, fixedAmount: 25_00 } }), "2026-03-01")).toMatchObject({ action: "post", period: 2, amount: 25_00 });
  });

  it("is posted once per period", () => {
    expect(decideLateFee(facts({ invoice: { periodsPosted: [1] } }), "2026-02-01")).toEqual({ action: "skip", reason: "period_posted", period: 1 });
    expect(decideLateFee(facts({ invoice: { periodsPosted: [1] } }), "2026-02-26")).toMatchObject({ action: "post", period: 2 });
  });

  it("stops at the cap on the invoice and at the cap on the account's unpaid fees", () => {
    const capped = facts({ policy: { capPerInvoice: 40_00 }, invoice: { feesPosted: 30_00, periodsPosted: [1, 2] } });
    expect(decideLateFee(capped, "2026-03-26")).toMatchObject({ action: "post", period: 3, amount: 10_00, uncapped: 15_00 });
    expect(decideLateFee(facts({ policy: { capPerInvoice: 40_00 }, invoice: { feesPosted: 40_00 } }), "2026-03-26")).toEqual({ action: "skip", reason: "invoice_cap_reached", period: 3 });
    expect(decideLateFee(facts({ policy: { capPerAccount: 50_00 }, accountUnpaidFees: 45_00 }), "2026-01-26")).toMatchObject({ action: "post", amount: 5_00 });
    expect(decideLateFee(facts({ policy: { capPerAccount: 50_00 }, accountUnpaidFees: 50_00 }), "2026-01-26")).toEqual({ action: "skip", reason: "account_cap_reached", period: 1 });
  });

  it("is never charged where the terms, the policy or the invoice's state rule it out", () => {
    const day = "2026-02-01";
    expect(decideLateFee(facts({ feesAllowed: false }), day)).toEqual({ action: "skip", reason: "fees_not_allowed" });
    expect(decideLateFee(facts({ policy: null }), day)).toEqual({ action: "skip", reason: "no_policy" });
    expect(decideLateFee(facts({ policy: { enabled: false } }), day)).toEqual({ action: "skip", reason: "no_policy" });
    expect(decideLateFee(facts({ invoice: { isLateFee: true } }), day)).toEqual({ action: "skip", reason: "is_late_fee" });
    expect(decideLateFee(facts({ invoice: { status: "void" } }), day)).toEqual({ action: "skip", reason: "not_open" });
    expect(decideLateFee(facts({ invoice: { status: "paid", balance: 0 } }), day)).toEqual({ action: "skip", reason: "not_open" });
    expect(decideLateFee(facts({ invoice: { onPlan: true } }), day)).toEqual({ action: "skip", reason: "on_plan" });
    expect(decideLateFee(facts({ invoice: { promised: true } }), day)).toEqual({ action: "skip", reason: "promised" });
  });
});
