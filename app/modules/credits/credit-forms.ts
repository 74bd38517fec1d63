import { z } from "zod";

/**
 * The staff form that applies a credit (pure: pages may import it; the action imports it through
 * credit-forms.server.ts). The amount stays text here: the use case reads it in the credit's
 * currency and decides how much may go on the invoice.
 */
const id = (message: string) => z.string({ error: message }).trim().min(1, message).max(40, message);

export const applyCreditForm = z.object({
  intent: z.literal("apply_credit", { error: "Use the Apply to invoice form." }),
  creditId: id("Choose one of this account's credits."),
  invoiceId: id("Choose one of this account's open invoices."),
  amount: z.string({ error: "Enter the amount to apply, like 50.00." }).trim().min(1, "Enter the amount to apply, like 50.00.").max(40, "Enter the amount to apply, like 50.00."),
});

export type ApplyCreditFields = z.input<typeof applyCreditForm>;
