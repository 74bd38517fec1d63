import { z } from "zod";
import { moneyAmount } from "~/utils/money-field";

/**
 * The autopay page's forms, told apart by `intent` (pure; the page reads them through
 * autopay-forms.server.ts so zod stays out of its JavaScript). Made by a function: the cap is
 * typed in the account's currency.
 */
export function autopayForm(currency: string) {
  return z.discriminatedUnion(
    "intent",
    [
      z
        .object({
          intent: z.literal("enrol"),
          savedMethodId: z.string({ error: "Choose the card or bank account to charge." }).min(1, "Choose the card or bank account to charge.").max(100),
          maxCharge: moneyAmount(currency, "Enter the most one charge may be, like 5000.00."),
          timing: z.enum(["due_date", "days_before"], { error: "Choose when to charge." }),
          daysBefore: z.coerce.number({ error: "Enter a number of days from 1 to 30." }).int("Enter a whole number of days.").min(1, "Enter at least 1 day.").max(30, "Enter at most 30 days.").optional(),
          agree: z.literal("on", { error: "Tick the box to authorize the charges." }),
        })
        .refine((f) => f.timing !== "days_before" || f.daysBefore !== undefined, { message: "Enter how many days before the due date.", path: ["daysBefore"] })
        .refine((f) => f.maxCharge > 0, { message: "Enter a limit above zero.", path: ["maxCharge"] }),
      z.object({ intent: z.literal("pause") }),
      z.object({ intent: z.literal("resume") }),
      z.object({ intent: z.literal("cancel") }),
    ],
    { error: "Use the buttons on this page." },
  );
}
