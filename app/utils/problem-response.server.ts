import { json } from "@remix-run/node";
import { isProblem, type Problem, type ProblemKind } from "./problem";

/** The one mapping from a Problem to an HTTP status. */
export const PROBLEM_STATUS: Record<ProblemKind, number> = { not_found: 404, forbidden: 403, conflict: 409, invalid: 422, rate_limited: 429 };

function headersOf(problem: Problem): HeadersInit {
  return problem.retryAfterSeconds ? { "Retry-After": String(problem.retryAfterSeconds) } : {};
}

/** For loaders: a Problem becomes the error page (404 for not_found…); data passes through. */
export function orThrow<T>(value: T | Problem): T {
  if (isProblem(value)) throw new Response(value.kind === "not_found" ? "Not found" : value.message, { status: PROBLEM_STATUS[value.kind], headers: headersOf(value) });
  return value;
}

/**
 * For actions that re-render their form: the Problem as action data with its status. Forms built
 * with Conform use `replyWithProblem` (app/components/forms/submission.server.ts) instead.
 */
export function problemJson(problem: Problem, extra: Record<string, unknown> = {}) {
  return json({ ...extra, problem: { kind: problem.kind, message: problem.message, fields: problem.fields } }, { status: PROBLEM_STATUS[problem.kind], headers: headersOf(problem) });
}
