import { z } from "zod";
import { stepChannels, type CollectionRules } from "#db/schema/collection-values";
import { CONTROL_CHARACTERS_MESSAGE, isFreeText, singleLineProblem } from "~/utils/text";
import { templatePlaceholders } from "./steps";

/**
 * The forms of the collections set-up in /admin/collections (cadences, their steps, segments,
 * collection rules), one schema per form (pure: the use cases check their input again with the
 * same field schemas, so a script and the page get the same answers). Conform reads an empty field
 * as missing, so optional text is `.optional()` and "required" messages are the schema's own.
 */

const singleLine = (required: string, max: number) =>
  z
    .string({ error: required })
    .trim()
    .min(1, required)
    .max(max, `Keep it under ${max} characters.`)
    .superRefine((value, ctx) => {
      const problem = singleLineProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });

const description = z
  .string()
  .trim()
  .max(500, "Keep the description under 500 characters.")
  .superRefine((value, ctx) => {
    const problem = singleLineProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .optional();

// ---------------------------------------------------------------------------------------------
// Cadences and steps.

export const STEP_OFFSET_MIN = -90;
export const STEP_OFFSET_MAX = 365;
const OFFSET_MESSAGE = `Enter the step's day as a whole number of days from the due date, from ${STEP_OFFSET_MIN} (before) to +${STEP_OFFSET_MAX} (after), like -3, 0 or 14.`;

/** "−3" (with the minus sign the page shows), "-3", "+7", "0" → a whole number of days in range. */
export const offsetDaysField = z
  .string({ error: OFFSET_MESSAGE })
  .trim()
  .transform((typed, ctx) => {
    const normalised = typed.replace(/^[\u2212\u2013]/, "-");
    if (!/^[+-]?\d{1,3}$/.test(normalised)) {
      ctx.addIssue({ code: "custom", message: OFFSET_MESSAGE });
      return z.NEVER;
    }
    const days = Number(normalised);
    if (days < STEP_OFFSET_MIN || days > STEP_OFFSET_MAX) {
      ctx.addIssue({ code: "custom", message: OFFSET_MESSAGE });
      return z.NEVER;
    }
    return days;
  });

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders written in a template that `fillTemplate` does not know. */
export function unknownPlaceholders(template: string): string[] {
  const known = templatePlaceholders as string[];
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((name) => !known.includes(name)))];
}

const placeholderProblem = (template: string): string | null => {
  const unknown = unknownPlaceholders(template);
  if (unknown.length === 0) return null;
  return `Unknown placeholder ${unknown.map((u) => `{{${u}}}`).join(", ")}: use ${templatePlaceholders.map((p) => `{{${p}}}`).join(", ")}.`;
};

const subjectField = singleLine("Enter the subject of the email (for a call, what the task says).", 200).superRefine((value, ctx) => {
  const problem = placeholderProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const bodyField = z
  .string()
  .max(5000, "Keep the message under 5,000 characters.")
  .refine(isFreeText, CONTROL_CHARACTERS_MESSAGE)
  .superRefine((value, ctx) => {
    const problem = placeholderProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .transform((value) => value.replace(/\r\n?/g, "\n").trim())
  .optional();

export const cadenceFields = z.object({
  name: singleLine("Give the cadence a name, like Gentle or Firm.", 100),
  description,
});
export type CadenceFields = z.output<typeof cadenceFields>;

/**
 * One step as typed. An email needs a message (checked by `saveCadenceStep`, which knows the
 * channel); a call step's message is the collector's script and may stay empty.
 */
export const stepFields = z.object({
  offsetDays: offsetDaysField,
  channel: z.enum(stepChannels, { error: "Choose email or call task." }),
  subject: subjectField,
  body: bodyField,
});
export type StepFields = z.output<typeof stepFields>;

const id = (message: string) => z.string({ error: message }).trim().min(1, message).max(100, message);

/** /admin/collections/cadences: create a cadence (optionally with the steps of another). */
export const newCadenceForm = cadenceFields.extend({
  intent: z.literal("create"),
  // "" (start empty) arrives as missing.
  copyFrom: z.string().trim().max(100, "Choose a cadence to copy the steps of.").optional(),
});

/** /admin/collections/cadences/:cadenceId: every form on the page, told apart by `intent`. */
export const cadencePageForm = z.discriminatedUnion(
  "intent",
  [
    cadenceFields.extend({ intent: z.literal("save") }),
    z.object({ intent: z.enum(["make_default", "delete"]) }),
    // stepId "" (a new step) arrives as missing.
    stepFields.extend({ intent: z.literal("save_step"), stepId: z.string().trim().max(100, "Choose a step to edit.").optional() }),
    z.object({ intent: z.literal("delete_step"), stepId: id("Choose a step to remove.") }),
    // The step form's "Preview" button: the draft as typed, for the account chosen in the preview below. Saves nothing.
    stepFields.extend({
      intent: z.literal("preview_step"),
      stepId: z.string().trim().max(100, "Choose a step to edit.").optional(),
      previewAccount: id("Find an account under “Preview with a real account” first, then preview the draft."),
    }),
  ],
  { error: "Choose what to do with the cadence." },
);

// ---------------------------------------------------------------------------------------------
// Segments.

export const segmentName = singleLine("Give the segment a name, like Enterprise or Risky.", 60);

export const segmentsPageForm = z.discriminatedUnion(
  "intent",
  [
    // cadenceId "" (the default cadence) arrives as missing.
    z.object({ intent: z.literal("create"), name: segmentName, cadenceId: z.string().trim().max(100).optional() }),
    z.object({ intent: z.literal("update"), segment: id("Choose a segment."), name: segmentName, cadenceId: z.string().trim().max(100).optional() }),
    z.object({ intent: z.literal("delete"), segment: id("Choose a segment to delete.") }),
  ],
  { error: "Choose what to do with the segments." },
);

// ---------------------------------------------------------------------------------------------
// Collection rules.

export const collectionRulesLimits = {
  promiseMaxDays: { min: 1, max: 365, label: "Longest promise" },
  promiseGraceDays: { min: 0, max: 60, label: "Grace after a promise" },
  payLinkDays: { min: 1, max: 365, label: "Pay links work for" },
} as const satisfies Record<keyof CollectionRules, { min: number; max: number; label: string }>;

const days = (key: keyof CollectionRules) => {
  const { min, max } = collectionRulesLimits[key];
  const message = `Enter a whole number of days from ${min} to ${max}.`;
  return z
    .string({ error: message })
    .trim()
    .regex(/^\d{1,3}$/, message)
    .transform(Number)
    .refine((n) => n >= min && n <= max, message);
};

/** The rules as typed (strings) → the rules to save. `updateCollectionRules` checks them again. */
export const collectionRulesForm = z.object({
  promiseMaxDays: days("promiseMaxDays"),
  promiseGraceDays: days("promiseGraceDays"),
  payLinkDays: days("payLinkDays"),
});

/** The same limits over numbers (the use case's check: a script may call it without the form). */
export const collectionRulesSchema = z.object({
  promiseMaxDays: z.int().min(collectionRulesLimits.promiseMaxDays.min).max(collectionRulesLimits.promiseMaxDays.max),
  promiseGraceDays: z.int().min(collectionRulesLimits.promiseGraceDays.min).max(collectionRulesLimits.promiseGraceDays.max),
  payLinkDays: z.int().min(collectionRulesLimits.payLinkDays.min).max(collectionRulesLimits.payLinkDays.max),
});

export const collectionRulesFormValues = (rules: CollectionRules) => ({
  promiseMaxDays: String(rules.promiseMaxDays),
  promiseGraceDays: String(rules.promiseGraceDays),
  payLinkDays: String(rules.payLinkDays),
});
