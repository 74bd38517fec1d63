import { amountInputValue, parseAmount } from "~/modules/payments/allocation-rules";
import { formatMoney } from "~/utils/money";

/**
 * Reads the credit amount exactly as the agent typed it. There is no default: a credit gives money
 * away, so an empty field is refused instead of meaning "the whole disputed amount".
 */
export function readCreditAmount(typed: string, disputed: number, currency: string): { ok: true; amount: number } | { ok: false; message: string } {
  const text = typed.trim();
  if (text === "") return { ok: false, message: `Type the amount to credit, up to the disputed ${formatMoney(disputed, currency)}.` };
  const amount = parseAmount(text, currency);
  if (amount === null || amount <= 0) return { ok: false, message: `Enter the credit amount, like ${amountInputValue(disputed, currency)}.` };
  if (amount > disputed) return { ok: false, message: `The credit can be at most the disputed ${formatMoney(disputed, currency)}.` };
  return { ok: true, amount };
}
