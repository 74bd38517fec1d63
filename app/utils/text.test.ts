import { describe, expect, it } from "vitest";
import { freeTextProblem, singleLineProblem } from "./text";
import { isCalendarDate } from "./dates";

describe("text checks", () => {
  it("refuse bidi controls and control characters in identifiers, line breaks too", () => {
    for (const c of ["\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069", "\u200E", "\u200F", "\u0000", "\u0007", "\u001B", "\u007F", "\u0085"]) {
      expect(singleLineProblem(`INV-${c}1001`), JSON.stringify(c)).toMatch(/control characters/);
      expect(freeTextProblem(`Hello ${c} world`), JSON.stringify(c)).toMatch(/control characters/);
    }
    expect(singleLineProblem("INV-1001\n")).toMatch(/single line/);
    expect(singleLineProblem("Société Générale – 東京 🚚")).toBeNull();
  });

  it("keep tabs and line breaks in free text", () => {
    expect(freeTextProblem("Line one\r\n\tLine two")).toBeNull();
    expect(freeTextProblem("שלום world")).toBeNull();
  });
});

describe("isCalendarDate", () => {
  it("accepts days that exist only", () => {
    expect(["2024-02-29", "2026-12-31", "1000-01-01", "9999-12-31"].filter(isCalendarDate)).toHaveLength(4);
    expect(["2024-13-45", "9999-99-99", "2024-02-30", "2023-02-29", "0000-00-00", "2024-1-1", "+275760-09-14", "2024-04-31", ""].filter(isCalendarDate)).toEqual([]);
  });
});
