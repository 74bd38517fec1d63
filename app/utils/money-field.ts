import { z } from "zod";
import { parseAmount } from "./money";

/**
 * The one schema piece for a typed money amount: "1,234.56" (a leading "$" or currency code is
 * allowed) becomes integer minor units with the currency's own digits (2 for USD, 0 for JPY);
 * anything else, or nothing, is refused with `message`. Forms use it instead of slicing and
 * matching strings; the server still decides what may be paid or refunded.
 */
export function moneyAmount(currency: string, message: string) {
  return z.string({ error: message }).transform((text, ctx) => {
    const minor = parseAmount(text.trim(), currency);
    if (minor === null) {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    return minor;
  });
}

/** The same amount where the field may be left empty (empty → undefined: "not this one"). */
export function optionalMoneyAmount(currency: string, message: string) {
  return moneyAmount(currency, message).optional();
}
