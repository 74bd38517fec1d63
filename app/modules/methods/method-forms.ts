import { z } from "zod";

const methodId = z.string({ error: "Choose a saved payment method." }).trim().min(1, "Choose a saved payment method.").max(64, "That payment method is not saved on this account.");

/** The two actions of the payer's saved methods page, one form each, told apart by `intent`. */
export const savedMethodActionForm = z.discriminatedUnion("intent", [z.object({ intent: z.literal("make_default"), methodId }), z.object({ intent: z.literal("remove"), methodId })], {
  error: "Choose what to do with the payment method.",
});
