import { z } from "zod";
import { isCalendarDate } from "~/utils/dates";
import { freeTextProblem } from "~/utils/text";

/**
 * The plans' forms, one zod schema each (read on the server with `parseForm`; the pages take
 * their field names from here). Pure, so a page may import it. The rules form's schema is in
 * plan-rules-form.ts.
 */

const EXPIRED = "This form has expired. Reload the page and try again.";
/** A form's one-time id: submitting it twice finds what the first submit made. */
const attemptId = z.string({ error: EXPIRED }).regex(/^[\w-]{16,64}$/, EXPIRED);
const CHOOSE = "Choose what to do with the plan.";

/** Free text kept as typed: one that cannot be stored or shown safely is refused, not cleaned. */
const freeText = (max: number, tooLong: string) =>
  z
    .string()
    .refine((text) => text.trim().length <= max, tooLong)
    .refine((text) => freeTextProblem(text) === null, { error: (issue) => freeTextProblem(String(issue.input)) ?? "" });

// ---- the payer's plan page: authorize, pay next, pay off the rest, cancel ----

export const payerPlanActionForm = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("authorize") }),
    // "Pay next" names the installment the payer saw: a stale page cannot pay a later one early.
    z.object({ intent: z.literal("pay_next"), attemptId, installmentId: z.string().max(64).optional() }),
    z.object({ intent: z.literal("pay_rest"), attemptId }),
    z.object({ intent: z.literal("cancel") }),
  ],
  { error: CHOOSE },
);
export type PayerPlanIntent = z.infer<typeof payerPlanActionForm>["intent"];

// ---- the AR team's plan page: approve, decline, pause, resume, cancel, retry ----

export const DECLINE_REASON_MISSING = "Give the payer a reason for declining (at least 3 characters).";

export const declineReason = z
  .string({ error: DECLINE_REASON_MISSING })
  .refine((text) => text.trim().length >= 3, DECLINE_REASON_MISSING)
  .pipe(freeText(1000, "Keep the reason under 1000 characters."));

export const cancelReason = freeText(1000, "Keep the reason under 1,000 characters.").optional();

export const adminPlanActionForm = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("approve") }),
    z.object({ intent: z.literal("decline"), reason: declineReason }),
    z.object({ intent: z.literal("pause") }),
    z.object({ intent: z.literal("resume") }),
    z.object({ intent: z.literal("cancel"), reason: cancelReason }),
    z.object({ intent: z.literal("retry"), installmentId: z.string({ error: "That installment is not part of this plan." }).max(64, "That installment is not part of this plan.") }),
  ],
  { error: CHOOSE },
);
export type AdminPlanIntent = z.infer<typeof adminPlanActionForm>["intent"];

/** What the AR team's plan page says after each action succeeds (a toast on the page it lands on). */
export const adminPlanNotices = {
  approved: "Plan approved. It is active now: installments already due are charged at once, and the payer is emailed the schedule.",
  declined: "Plan declined. Its invoices are payable again, and the payer is emailed the reason.",
  paused: "Plan paused. Nothing is charged until it is resumed.",
  resumed: "Plan resumed. Installments that fell due while it was paused are charged at once.",
  canceled: "Plan canceled. Its invoices are payable again, and the payer is emailed.",
  retry_succeeded: "The installment was charged successfully.",
  retry_processing: "The bank debit was started. It settles in a few business days; the installment shows as processing until then.",
  retry_nothing_owed: "Nothing was left to collect on the plan's invoices, so the installment was canceled.",
} as const;

// ---- enrolment ----

/**
 * The enrol form, read leniently: every value comes back as typed (strings), and the schedule
 * rules (`scheduleProblems`, shared with the browser's live preview) judge them, so a person sees
 * the same words before and after submitting.
 */
export const enrolForm = z.object({
  intent: z.enum(["preview", "enrol"]).catch("preview"),
  attemptId: z.string().max(200).optional(),
  agreed: z.string().max(10_000).optional(),
  invoice: z.array(z.string().max(64)).max(100).optional(),
  installmentCount: z.string().max(10).optional(),
  frequency: z.string().max(20).optional(),
  firstDate: z.string().max(20).optional(),
});
export const enrolAttemptId = attemptId;

// ---- the development clock (/dev/clock) ----

const DAYS = "Enter a whole number of days from 1 to 400.";
const DATE = "Enter a real date as YYYY-MM-DD.";

export const devClockForm = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("run") }),
    z.object({ intent: z.literal("reminders") }),
    z.object({ intent: z.literal("late_fees") }),
    z.object({ intent: z.literal("autopay") }),
    z.object({ intent: z.literal("expiring_cards") }),
    z.object({ intent: z.literal("reset") }),
    z.object({ intent: z.literal("next_due") }),
    z.object({
      intent: z.literal("advance"),
      days: z
        .string({ error: DAYS })
        .trim()
        .regex(/^\d{1,3}$/, DAYS)
        .transform(Number)
        .refine((n) => n >= 1 && n <= 400, DAYS),
    }),
    z.object({ intent: z.literal("set"), date: z.string({ error: DATE }).trim().refine(isCalendarDate, DATE) }),
  ],
  { error: "Choose what to do with the clock." },
);
