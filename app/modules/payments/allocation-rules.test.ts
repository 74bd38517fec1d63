import { describe, expect, it } from "vitest";
import { amountInputValue, checkAllocations, parseAmount, type RequestedAllocation } from "./allocation-rules";

const inv = (over: Partial<RequestedAllocation> = {}): RequestedAllocation => ({
  invoiceId: "inv_1",
  number: "INV-1",
  currency: "USD",
  payable: 10_000,
  amount: 10_000,
  ...over,
});

describe("parseAmount", () => {
  it("reads what people type into integer minor units without floating-point drift", () => {
    expect(parseAmount("1,234.56", "USD")).toBe(123456);
    expect(parseAmount("0.1", "USD")).toBe(10);
    expect(parseAmount("19.99", "USD")).toBe(1999);
    expect(parseAmount("1500", "JPY")).toBe(1500);
  });
  it("refuses what is not an amount", () => {
    for (const bad of ["", "-5", "1.234", "abc", "1e3", "12.", "1.2.3"]) expect(parseAmount(bad, "USD")).toBeNull();
  });
  it("round-trips through the input value", () => {
    for (const minor of [1, 99, 100, 123456, 9_999_999_99]) expect(parseAmount(amountInputValue(minor, "USD"), "USD")).toBe(minor);
  });
});

describe("checkAllocations", () => {
  it("accepts full and partial payments within the payable balance", () => {
    expect(checkAllocations([inv(), inv({ invoiceId: "inv_2", number: "INV-2", amount: 2_500 })])).toEqual([]);
  });
  it("never allows more than the payable balance", () => {
    expect(checkAllocations([inv({ amount: 10_001 })])[0]!.message).toBe("You can pay at most USD 100.00 on INV-1.");
  });
  it("refuses an invoice whose balance is already reserved by a payment under way", () => {
    expect(checkAllocations([inv({ payable: 0, amount: 100 })])[0]!.message).toMatch(/already under way/);
  });
  it("refuses tiny part payments but allows clearing a tiny balance", () => {
    expect(checkAllocations([inv({ amount: 50 })])[0]!.message).toMatch(/at least USD 1.00/);
    expect(checkAllocations([inv({ payable: 60, amount: 60 })])).toEqual([]);
  });
  it("refuses a total below Stripe's minimum", () => {
    expect(checkAllocations([inv({ payable: 20, amount: 20 })])[0]!.message).toMatch(/total must be at least USD 0.50/);
  });
  it("refuses mixing currencies", () => {
    const problems = checkAllocations([inv(), inv({ invoiceId: "inv_2", currency: "CAD" })]);
    expect(problems.some((p) => /different currencies/.test(p.message))).toBe(true);
  });
  it("asks for at least one invoice", () => {
    expect(checkAllocations([])[0]!.message).toBe("Choose at least one invoice to pay.");
  });
});
