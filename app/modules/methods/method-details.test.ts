import { describe, expect, it } from "vitest";
import { cardExpiresOn, cardExpiry } from "./method-details";

describe("card expiry", () => {
  it("a card works through the last day of its month", () => {
    expect(cardExpiresOn(2, 2028)).toBe("2028-02-29");
    expect(cardExpiresOn(12, 2034)).toBe("2034-12-31");
  });

  it("is expired the day after, 'expires soon' within 60 days, valid before", () => {
    expect(cardExpiry(12, 2034, "2035-01-01")).toBe("expired");
    expect(cardExpiry(12, 2034, "2034-12-31")).toBe("expires_soon");
    expect(cardExpiry(12, 2034, "2034-11-01")).toBe("expires_soon");
    expect(cardExpiry(12, 2034, "2034-11-01", 30)).toBe("valid");
    expect(cardExpiry(12, 2034, "2034-10-31")).toBe("valid");
    expect(cardExpiry(null, null, "2034-10-30")).toBeNull();
  });
});
