import { describe, expect, it } from "vitest";
import { formatInstant } from "./dates";

describe("formatInstant", () => {
  const iso = "2026-11-24T18:05:00.000Z";
  it("shows an instant in the given zone, naming the zone", () => {
    expect(formatInstant(iso, { timeZone: "UTC" })).toBe("Nov 24, 2026, 6:05 PM UTC");
    expect(formatInstant(iso, { timeZone: "America/New_York" })).toBe("Nov 24, 2026, 1:05 PM EST");
    expect(formatInstant(iso, { timeZone: "Asia/Tokyo" })).toBe("Nov 25, 2026, 3:05 AM GMT+9");
  });
  it("gives the day in that zone for date-only text", () => {
    expect(formatInstant("2026-11-25T02:00:00Z", { timeZone: "UTC", dateOnly: true })).toBe("Nov 25, 2026");
    expect(formatInstant("2026-11-25T02:00:00Z", { timeZone: "America/Los_Angeles", dateOnly: true })).toBe("Nov 24, 2026");
  });
  it("leaves text that is not a timestamp as it is", () => {
    expect(formatInstant("soon", { timeZone: "UTC" })).toBe("soon");
  });
});
