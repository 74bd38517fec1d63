import { describe, expect, it } from "vitest";
import { newId } from "./ids";

describe("newId", () => {
  it("is prefixed, URL-safe and sorts by creation time", () => {
    const a = newId("inv", 1_700_000_000_000);
    const b = newId("inv", 1_700_000_000_001);
    expect(a).toMatch(/^inv_[0-9a-z]{26}$/);
    expect(a < b).toBe(true);
  });
  it("does not repeat", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId("x")));
    expect(ids.size).toBe(10_000);
  });
});
