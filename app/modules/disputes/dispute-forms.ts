import { z } from "zod";
import { disputeReasons, disputeStatuses } from "#db/schema/dispute-values";
import { CONTROL_CHARACTERS_MESSAGE, isFreeText } from "~/utils/text";

/**
 * The dispute forms' schemas, one per form (pure: the pages import them too). Conform reads an
 * empty field as missing, so optional text is `.optional()` and "required" messages are the
 * schema's own. Rules that need the database (amounts against the invoice, who is on the team)
 * stay in the use cases, which return them as field Problems.
 */

const freeText = (max: number, maxMessage: string) => z.string().trim().max(max, maxMessage).refine(isFreeText, CONTROL_CHARACTERS_MESSAGE);

/** A payer opens a dispute (multipart: files and one `line_<n>` checkbox per invoice line besides). */
export const openDisputeForm = z.object({
  reason: z.enum(disputeReasons, { error: "Choose the reason for the dispute." }),
  description: z
    .string({ error: "Describe the problem in a few words (at least 10 characters)." })
    .trim()
    .min(10, "Describe the problem in a few words (at least 10 characters).")
    .max(5000, "Keep the description under 5,000 characters.")
    .refine(isFreeText, CONTROL_CHARACTERS_MESSAGE),
  /** Major units as typed; empty = the whole disputable balance. */
  amount: z.string().trim().max(40, "Enter an amount like 125.00, or leave it empty to dispute the whole balance.").optional(),
});

/** The message body of a reply (payer or staff): files may stand in for words, so it is optional here. */
const messageBody = freeText(5000, "Keep the message under 5,000 characters.").optional();

/** The payer's dispute page: reply (multipart, with files) or withdraw. */
export const payerDisputeForm = z.discriminatedUnion("intent", [z.object({ intent: z.literal("reply"), body: messageBody }), z.object({ intent: z.literal("withdraw") })], {
  error: "Choose what to do with the dispute.",
});

const note = (message: string) => z.string({ error: message }).trim().min(5, message).max(2000, "Keep it under 2,000 characters.").refine(isFreeText, CONTROL_CHARACTERS_MESSAGE);

/** Every form on the AR team's dispute page, told apart by the button's `intent`. */
export const adminDisputeForm = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("reply"), body: messageBody }),
    z.object({ intent: z.literal("internal_note"), body: messageBody }),
    z.object({ intent: z.literal("info_request"), body: messageBody }),
    z.object({ intent: z.literal("claim") }),
    // "" (Unassigned) arrives as missing; the route refuses a form without the field at all.
    z.object({ intent: z.literal("assign"), assignee: z.string().trim().max(40, "Choose a member of the AR team.").optional() }),
    z.object({ intent: z.literal("move"), to: z.enum(disputeStatuses, { error: "Choose a status to move the dispute to." }) }),
    // The amount is read by the use case exactly as typed (no default: an empty field is refused there).
    z.object({ intent: z.literal("credit"), creditAmount: z.string().max(40).optional(), creditNote: note("Add a note for the customer about the credit (at least 5 characters).") }),
    z.object({ intent: z.literal("reject"), rejectNote: note("Explain to the customer why the dispute is rejected (at least 5 characters).") }),
  ],
  { error: "Choose what to do with the dispute." },
);
export type AdminDisputeIntent = z.infer<typeof adminDisputeForm>["intent"];
