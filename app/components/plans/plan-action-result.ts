import type { SubmissionResult } from "@conform-to/react";

/**
 * What a plan page's action answers when something went wrong (success redirects): the Conform
 * submission result, whose `initialValue.intent` says which of the page's forms it belongs to.
 */
export type PlanActionResult = SubmissionResult<string[]>;

export function submittedIntent(result: PlanActionResult | undefined): string | null {
  const intent = result?.initialValue?.intent;
  return typeof intent === "string" ? intent : null;
}

export function submittedValue(result: PlanActionResult | undefined, name: string): string | undefined {
  const value = result?.initialValue?.[name];
  return typeof value === "string" ? value : undefined;
}

/** Every message in the result (the form's own, then each field's), for a one-line summary. */
export function resultMessages(result: PlanActionResult | undefined): string[] {
  if (!result?.error) return [];
  const { "": own, ...fields } = result.error;
  return [...(own ?? []), ...Object.values(fields).flatMap((messages) => messages ?? [])];
}

/** The result, if it belongs to the form of `intent` (each form shows only its own errors). */
export function resultFor(result: PlanActionResult | undefined, ...intents: string[]): PlanActionResult | undefined {
  const intent = submittedIntent(result);
  return intent !== null && intents.includes(intent) ? result : undefined;
}
