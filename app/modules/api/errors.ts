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
