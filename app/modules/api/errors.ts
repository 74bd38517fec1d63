import type { Problem, ProblemKind } from "~/utils/problem";
import { PROBLEM_STATUS } from "~/utils/problem-response.server";
export type ApiErrorCode = "unauthorized" | "insufficient_scope" | "invalid_request" | "not_found" | "method_not_allowed";

/** The API's one error shape: `{ "error": { "code", "message" } }`, never cached. */
export function apiError(status: number, code: ApiErrorCode, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers },
  });
}

/** A method the endpoint does not take: the API's JSON error with `Allow`, not the HTML app's. */
export function methodNotAllowed(allow: "GET" | "PUT" | "POST"): Response {
  return apiError(405, "method_not_allowed", `Use ${allow}.`, { Allow: allow });
}

/**
 * A use case's Problem as the API's error: the kinds map to HTTP as everywhere else
 * (`PROBLEM_STATUS`), with the Problem's own code where the contract names one and its
 * fields as `details`.
 */
export function apiProblem(problem: Problem): Response {
  const fallback: Record<ProblemKind, string> = { not_found: "not_found", forbidden: "insufficient_scope", conflict: "invalid_request", invalid: "invalid_request", rate_limited: "rate_limited" };
  const details = Object.entries(problem.fields).map(([path, message]) => ({ path, message }));
  const headers: Record<string, string> = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };
  if (problem.retryAfterSeconds) headers["Retry-After"] = String(problem.retryAfterSeconds);
  return new Response(JSON.stringify({ error: { code: problem.code ?? fallback[problem.kind], message: problem.message, ...(details.length ? { details } : {}) } }), { status: PROBLEM_STATUS[problem.kind], headers });
}
