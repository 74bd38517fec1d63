import { describe, expect, it } from "vitest";
import { bankAccountLabel, payerFailureText } from "./payer-wording";

describe("payerFailureText", () => {
  it("rewrites Stripe's third-person ACH returns in the second person, with what to do next", () => {
    const text = payerFailureText({ code: "no_account", message: "The customer's bank account could not be located.", method: "us_bank_account" });
    expect(text).toBe("Your bank could not find this account. Check the routing and account numbers, or pay from another account or with a card.");
    for (const code of ["account_closed", "insufficient_funds", "debit_not_authorized"]) {
      const t = payerFailureText({ code, message: "The customer's account …", method: "us_bank_account" })!;
      expect(t, code).toMatch(/^Your bank/);
      expect(t, code).not.toMatch(/customer/i);
    }
  });

  it("tells card and bank insufficient funds apart by the method", () => {
    expect(payerFailureText({ code: "insufficient_funds", message: "Your card has insufficient funds.", method: "card" })).toMatch(/^Your card has insufficient funds\. Try another card/);
    expect(payerFailureText({ code: "insufficient_funds", message: "The customer's account has insufficient funds to cover this payment.", method: "us_bank_account" })).toMatch(/^Your bank account did not have enough money/);
  });

  it("never says a card was reported lost or stolen", () => {
    expect(payerFailureText({ code: "stolen_card", message: "Your card was declined.", method: "card" })).toBe(payerFailureText({ code: "generic_decline", message: "Your card was declined.", method: "card" }));
  });

  it("keeps an unknown second-person message, replaces a third-person one, and has nothing to say without a failure", () => {
    expect(payerFailureText({ code: "provider_unavailable", message: "The payment provider could not be reached.", method: null })).toBe("The payment provider could not be reached.");
    expect(payerFailureText({ code: "something_new", message: "The customer's bank declined.", method: "us_bank_account" })).toMatch(/^The payment did not go through/);
    expect(payerFailureText({ code: null, message: null, method: null })).toBeNull();
  });

  it("maps a known code when the method is not recorded", () => {
    expect(payerFailureText({ code: "expired_card", message: "Your card has expired.", method: null })).toBe("Your card has expired. Check the expiry date, or use another card.");
  });
});

describe("bankAccountLabel", () => {
  it("names Stripe's test bank as a plain bank account, and keeps real bank names", () => {
    expect(bankAccountLabel("STRIPE TEST BANK", "6789")).toBe("Bank account •••• 6789");
    expect(bankAccountLabel(null, "6789")).toBe("Bank account •••• 6789");
    expect(bankAccountLabel("WELLS FARGO BANK", "1234")).toBe("WELLS FARGO BANK •••• 1234");
  });
});
