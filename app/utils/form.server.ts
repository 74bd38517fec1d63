import { parseWithZod } from "@conform-to/zod/v4";
import type { SubmissionResult } from "@conform-to/react";
import { json } from "@remix-run/node";
import type { z } from "zod";
import type { Problem } from "./problem";
import { PROBLEM_STATUS } from "./problem-response.server";
import { readForm } from "./read-form.server";

/**
 * Reads and validates a form with its schema (one zod schema per form, kept in the form's
 * module so the page can reuse it). The body is read by `readForm` (size cap, content type, NUL
 * and file-in-text-field refusals answer 4xx before the schema sees anything).
 */
export async function parseForm<Schema extends z.ZodType>(request: Request, schema: Schema, options: { maxBytes?: number } = {}) {
  return parseWithZod(await readForm(request, options), { schema });
}

/** Parses an already-read form (multipart uploads read their fields themselves). */
export function parseFormData<Schema extends z.ZodType>(form: FormData | URLSearchParams, schema: Schema) {
  return parseWithZod(form, { schema });
}

/** The submission's own errors (a field the schema refused), with what was typed kept: 422. */
export function invalidReply(submission: { reply: (options?: object) => SubmissionResult<string[]> }) {
  return json(submission.reply(), { status: 422 });
}

/**
 * A use case's Problem shown in the form: its message as the form's error, its field messages at
 * the fields, what was typed kept, and the Problem's status (409 conflict, 403 forbidden…).
 */
export function replyWithProblem(submission: { reply: (options?: { formErrors?: string[]; fieldErrors?: Record<string, string[]> }) => SubmissionResult<string[]> }, problem: Problem) {
  const fieldErrors = Object.fromEntries(Object.entries(problem.fields).map(([name, message]) => [name, [message]]));
  const formErrors = Object.keys(fieldErrors).length > 0 && Object.values(problem.fields).includes(problem.message) ? [] : [problem.message];
  // A rate limit says when to try again (Retry-After), as problemJson does.
  const headers: HeadersInit | undefined = problem.retryAfterSeconds ? { "Retry-After": String(problem.retryAfterSeconds) } : undefined;
  return json(submission.reply({ formErrors, fieldErrors }), { status: PROBLEM_STATUS[problem.kind], headers });
}
