import { describe, expect, it } from "vitest";
import { formatMoney, minorDigits } from "./money";

describe("money formatting", () => {
  it("formats integer minor units with the currency code", () => {
    expect(formatMoney(123456, "USD")).toBe("USD 1,234.56");
    expect(formatMoney(5, "CAD")).toBe("CAD 0.05");
    expect(formatMoney(-2500, "USD")).toBe("-USD 25.00");
  });
  it("knows currencies without minor units", () => {
    expect(minorDigits("JPY")).toBe(0);
    expect(formatMoney(1500, "JPY")).toBe("JPY 1,500");
  });
});
