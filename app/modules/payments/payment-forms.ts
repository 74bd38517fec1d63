import { z } from "zod";
import { amountInputValue } from "~/utils/money";
import { moneyAmount, optionalMoneyAmount } from "~/utils/money-field";
import { payAmountField, payCreditField, refundAmountField } from "./payment-form-fields";

export { payAmountField, payCreditField, refundAmountField };

/**
 * The payments forms' schemas, one per form (pure: the pages import them too). Amounts are typed
 * text turned into minor units once, by `moneyAmount`; whether an amount may be paid or refunded
 * is the use case's to say, from the database's balances.
 */

export const FORM_EXPIRED = "This form has expired. Reload the page and try again.";


export interface PayFormInvoice {
  id: string;
  currency: string;
  payable: number;
}

/**
 * The pay form for these invoices (read from the database by the ids the form names): every
 * amount in its invoice's currency; 0 on an invoice means "not this one now". `method` is
 * "checkout" or the id of a saved card.
 */
export function payFormSchema(invoices: PayFormInvoice[], credits: Array<{ id: string; currency: string }> = []) {
  const amounts = Object.fromEntries(invoices.map((inv) => [payAmountField(inv.id), moneyAmount(inv.currency, `Enter an amount like ${amountInputValue(inv.payable || 12500, inv.currency)}.`)]));
  // Each credit's field: how much of it to use (empty = none).
  const creditAmounts = Object.fromEntries(credits.map((c) => [payCreditField(c.id), optionalMoneyAmount(c.currency, "Enter the credit to use, like 25.00, or leave it empty.")]));
  return z
    .object({
      attemptId: z.string({ error: FORM_EXPIRED }).regex(/^[\w-]{16,64}$/, FORM_EXPIRED),
      invoice: z.array(z.string()).optional(),
      save: z.string().optional(),
      method: z.string().max(200).optional(),
      quoteBasis: z.string().max(4000).optional(),
      ...amounts,
      ...creditAmounts,
    })
    .transform((form) => ({
      attemptId: form.attemptId,
      // The page always sends the quote it showed; a form without one is checked against today's amounts only.
      quoteBasis: form.quoteBasis ?? null,
      savePaymentMethod: form.save === "on",
      savedMethodId: !form.method || form.method === "checkout" ? null : form.method,
      amounts: invoices
        .map((inv) => ({ invoiceId: inv.id, amount: (form as Record<string, unknown>)[payAmountField(inv.id)] as number }))
        .filter((a) => a.amount !== 0),
      credits: credits.flatMap((c) => {
        const amount = (form as Record<string, unknown>)[payCreditField(c.id)] as number | undefined;
        return amount ? [{ creditId: c.id, amount }] : [];
      }),
    }));
}

// Schemas are made by functions, not module constants: a page importing this file then ships no zod
// (a top-level z.object() call would keep zod in the browser bundle, past the payer pages' 100 kB).

/** "Cancel it and start again" on the pay page: the payment left open in Checkout. */
export function cancelAndRestartSchema() {
  return z.object({
    intent: z.literal("cancel_payment"),
    paymentId: z.string({ error: "Choose the payment to cancel." }).max(100),
  });
}

/** The payment page's cancel button: only its own intent cancels (any other body is refused, not read as "cancel"). */
export function cancelPaymentSchema() {
  return z.object({
    intent: z.literal("cancel", { error: "Use the Cancel this payment button to cancel the payment." }),
  });
}

/** The staff refund form: an amount per invoice of the payment (`refund_<invoiceId>`, empty = none), and a reason. */
export function refundFormSchema(payment: { currency: string; allocations: Array<{ invoiceId: string; number: string }> }) {
  const amounts = Object.fromEntries(
    payment.allocations.map((a) => [refundAmountField(a.invoiceId), optionalMoneyAmount(payment.currency, `Enter a refund amount like 10.00 for ${a.number}.`)]),
  );
  return z
    .object({
      // Kept as typed or refused by the use case (length, control characters): never cut short here.
      reason: z.string().optional(),
      ...amounts,
    })
    .transform((form) => ({
      reason: form.reason?.trim() || null,
      parts: payment.allocations.flatMap((a) => {
        const amount = (form as Record<string, unknown>)[refundAmountField(a.invoiceId)] as number | undefined;
        return amount === undefined ? [] : [{ invoiceId: a.invoiceId, amount }];
      }),
    }));
}
