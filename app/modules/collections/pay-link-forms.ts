import { z } from "zod";
import { isCalendarDate } from "~/utils/dates";
import { moneyAmount } from "~/utils/money-field";

/**
 * The pay link page's forms (pure; the route reads them through pay-link-forms.server.ts so zod
 * stays out of the page's JavaScript). Schemas are made by functions, not module constants, for
 * the same reason. The pay form names invoices only: amounts are the database's.
 */

export const PAY_LINK_FORM_EXPIRED = "This form has expired. Reload the page and try again.";

/** Pay the ticked invoices, each in full of what is due now. */
export function payLinkPaySchema() {
  return z.object({
    intent: z.literal("pay"),
    attemptId: z.string({ error: PAY_LINK_FORM_EXPIRED }).regex(/^[\w-]{16,64}$/, PAY_LINK_FORM_EXPIRED),
    invoice: z.array(z.string().max(100), { error: "Choose at least one invoice to pay." }).min(1, "Choose at least one invoice to pay.").max(100),
    /** The quote the page showed: amounts that changed since are shown again, not charged. */
    quoteBasis: z.string().max(4000).optional(),
  });
}

/** A promise to pay `amount` (in the invoices' currency) by `promisedFor`. */
export function payLinkPromiseSchema(currency: string) {
  return z.object({
    intent: z.literal("promise"),
    amount: moneyAmount(currency, "Enter the amount you will pay, like 250.00."),
    promisedFor: z.string({ error: "Enter the date you will pay by." }).refine(isCalendarDate, "Enter the date you will pay by."),
  });
}

/** "Cancel it and start again" for a payment left open in Checkout. */
export function payLinkCancelSchema() {
  return z.object({
    intent: z.literal("cancel_payment"),
    paymentId: z.string({ error: "Choose the payment to cancel." }).max(100),
  });
}

/** Staff's Revoke button on a pay link: only its own intent revokes (any other body is refused). */
export function revokePayLinkSchema() {
  return z.object({
    intent: z.literal("revoke", { error: "Use the Revoke button to revoke a pay link." }),
  });
}
