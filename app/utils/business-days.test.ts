import { describe, expect, it } from "vitest";
import { addBusinessDays } from "./business-days";

describe("addBusinessDays", () => {
  it("skips weekends", () => {
    // Friday 2026-11-27 10:00 + 1 business day = Monday 2026-11-30 10:00
    expect(addBusinessDays(new Date("2026-11-27T10:00:00Z"), 1).toISOString()).toBe("2026-11-30T10:00:00.000Z");
    expect(addBusinessDays(new Date("2026-11-24T10:00:00Z"), 2).toISOString()).toBe("2026-11-26T10:00:00.000Z");
    // Saturday + 1 = Monday
    expect(addBusinessDays(new Date("2026-11-28T10:00:00Z"), 1).toISOString()).toBe("2026-11-30T10:00:00.000Z");
    expect(addBusinessDays(new Date("2026-11-27T10:00:00Z"), 5).toISOString()).toBe("2026-12-04T10:00:00.000Z");
  });
});
