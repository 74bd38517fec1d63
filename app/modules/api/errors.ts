export type ApiErrorCode = "unauthorized" | "insufficient_scope" | "invalid_request" | "not_found";

/** The API's one error shape: `{ "error": { "code", "message" } }`, never cached. */
export function apiError(status: number, code: ApiErrorCode, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers },
  });
}
