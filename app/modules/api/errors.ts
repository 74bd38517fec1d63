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
 * fields as `details`. `status` only where the API documents another one (400 for a malformed
 * query string, which no body was sent with).
 */
export function apiProblem(problem: Problem, options: { status?: 400; headers?: Record<string, string> } = {}): Response {
  const answer = apiProblemAnswer(problem);
  const status = options.status ?? answer.status;
  const body = answer.body;
  const extraHeaders = options.headers ?? {};
  const headers: Record<string, string> = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...extraHeaders };
  if (problem.retryAfterSeconds) headers["Retry-After"] = String(problem.retryAfterSeconds);
  return new Response(JSON.stringify(body), { status, headers });
}

/** The status and JSON body of a Problem, for answers collected in a body (the batch's results). */
export function apiProblemAnswer(problem: Problem): { status: number; body: { error: { code: string; message: string; details?: Array<{ path: string; message: string }> } } } {
  const fallback: Record<ProblemKind, string> = { not_found: "not_found", forbidden: "insufficient_scope", conflict: "invalid_request", invalid: "invalid_request", rate_limited: "rate_limited" };
  const details = Object.entries(problem.fields).map(([path, message]) => ({ path, message }));
  return { status: PROBLEM_STATUS[problem.kind], body: { error: { code: problem.code ?? fallback[problem.kind], message: problem.message, ...(details.length ? { details } : {}) } } };
}
