import { z } from "zod";
import { taskOutcomes } from "#db/schema/collection-values";
import { isCalendarDate } from "~/utils/dates";
import { freeTextProblem, singleLineProblem } from "~/utils/text";

/**
 * The collections forms, one zod schema each (pure: pages may import them; actions import them
 * through collections-forms.server.ts). Rules that need the database (which invoices may be
 * promised, the date limit, who is on the team) stay in the use cases, which answer field Problems.
 */

const freeText = (max: number, tooLong: string) =>
  z
    .string()
    .trim()
    .max(max, tooLong)
    .refine((text) => freeTextProblem(text) === null, { error: (issue) => freeTextProblem(String(issue.input)) ?? "" });
const singleLine = (max: number, tooLong: string) =>
  z
    .string()
    .trim()
    .max(max, tooLong)
    .refine((text) => singleLineProblem(text) === null, { error: (issue) => singleLineProblem(String(issue.input)) ?? "" });
const id = (message: string) => z.string({ error: message }).trim().min(1, message).max(40, message);
const optionalId = (message: string) => z.string().trim().max(40, message).optional();
const calendarDate = (message: string) => z.string({ error: message }).trim().refine(isCalendarDate, message);

/** A promise to pay, the payer's or staff's: the invoices, how much (empty = all that is due), by when. */
export const promiseFields = {
  invoice: z.array(z.string().max(40, "Choose the invoices you promise to pay.")).min(1, "Choose the invoices you promise to pay.").max(100, "Choose at most 100 invoices."),
  /** As typed; read in the invoices' currency by the use case (empty = the total due). */
  amount: z.string().trim().max(40, "Enter an amount like 125.00.").optional(),
  promisedFor: calendarDate("Enter the date you will pay by."),
  note: freeText(1000, "Keep the note under 1,000 characters.").optional(),
};
export const payerPromiseForm = z.object(promiseFields);

const CHOOSE_OUTCOME = "Choose what came of it.";

/** Every form of the Collections section of an account's admin page, told apart by `intent`. */
export const accountCollectionsForm = z.discriminatedUnion(
  "intent",
  [
    z.object({
      intent: z.literal("profile"),
      segment: singleLine(60, "Keep the segment name under 60 characters.").optional(),
      cadenceId: optionalId("Choose a cadence."),
      collectorId: optionalId("Choose a member of the AR team."),
      onHold: z.literal("on", { error: "Tick the box to put the account on hold, or leave it empty." }).optional(),
      holdReason: freeText(500, "Keep the reason under 500 characters.").optional(),
    }),
    z.object({ intent: z.literal("promise"), ...promiseFields, note: freeText(1000, "Keep the note under 1,000 characters.").optional() }),
    z.object({ intent: z.literal("note"), body: freeText(5000, "Keep the note under 5,000 characters.").pipe(z.string().min(2, "Write the note (at least 2 characters).")) }),
    z.object({
      intent: z.literal("complete_task"),
      taskId: id("That task is not open on this account."),
      outcome: z.enum(taskOutcomes, { error: CHOOSE_OUTCOME }),
      taskNote: freeText(2000, "Keep the note under 2,000 characters.").optional(),
    }),
    z.object({
      intent: z.literal("follow_up"),
      dueOn: calendarDate("Enter the date to follow up on."),
      title: singleLine(200, "Keep the title under 200 characters.").optional(),
      assigneeId: optionalId("Choose a member of the AR team."),
    }),
  ],
  { error: "Choose what to do." },
);
export type AccountCollectionsIntent = z.infer<typeof accountCollectionsForm>["intent"];
