import { amountInputValue, parseAmount } from "~/modules/payments/allocation-rules";
import { formatMoney } from "~/utils/money";
import { invalidField, type Problem } from "~/utils/problem";

/**
 * Reads the credit amount exactly as the agent typed it. There is no default: a credit gives money
 * away, so an empty field is refused instead of meaning "the whole disputed amount".
 */
export function readCreditAmount(typed: string, disputed: number, currency: string): number | Problem {
  const text = typed.trim();
  if (text === "") return invalidField("creditAmount", `Type the amount to credit, up to the disputed ${formatMoney(disputed, currency)}.`);
  const amount = parseAmount(text, currency);
  if (amount === null || amount <= 0) return invalidField("creditAmount", `Enter the credit amount, like ${amountInputValue(disputed, currency)}.`);
  if (amount > disputed) return invalidField("creditAmount", `The credit can be at most the disputed ${formatMoney(disputed, currency)}.`);
  return amount;
}
