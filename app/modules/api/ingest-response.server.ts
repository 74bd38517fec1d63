import { runBatch, runOperation, type OperationName, type OperationResult } from "~/modules/ingest/operations.server";
import type { ApiScope } from "./scopes";
import { invalid, isProblem } from "~/utils/problem";
import { findUnstorableText } from "~/utils/nul";
import { authenticateApiKey } from "./authenticate-api-key.server";
import { apiError, apiProblem, apiProblemAnswer, methodNotAllowed } from "./errors";

/**
 * The HTTP face of the data-in API (app/modules/ingest): authenticate, check the method, read the
 * JSON body, run the use case, answer JSON — a Problem through `apiProblem`, a record with 201
 * when the call created it, 200 otherwise.
 */

const SCOPE: Record<OperationName, ApiScope> = {
  upsertCustomer: "customers:write",
  upsertInvoice: "invoices:write",
  getInvoice: "invoices:read",
  voidInvoice: "invoices:write",
  recordOfflinePayment: "invoices:write",
  createCreditMemo: "invoices:write",
  createAccountCredit: "invoices:write",
  listAccountCredits: "invoices:read",
};

const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };

/** One operation's answer as the endpoint alone would give it (also each item of a batch). */
export function operationAnswer(result: OperationResult): { status: number; body: unknown } {
  return isProblem(result) ? apiProblemAnswer(result) : { status: result.created ? 201 : 200, body: result.record };
}

function jsonResponse(answer: { status: number; body: unknown }, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { ...JSON_HEADERS, ...headers } });
}

/** Reads a JSON request body: the body, or the API's error Response (400 not JSON, 422 text PostgreSQL cannot store). */
export async function readJson(request: Request): Promise<{ body: unknown } | Response> {
  let text: string;
  try {
    // Fatal: bytes that are not UTF-8 (a Latin-1 export) are refused, not stored as U+FFFD.
    text = new TextDecoder("utf-8", { fatal: true }).decode(await request.arrayBuffer());
  } catch {
    return apiError(400, "invalid_request", "The request body is not valid UTF-8. Send JSON encoded as UTF-8.");
  }
  if (text.trim() === "") return { body: undefined };
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    return apiError(400, "invalid_request", "The request body is not valid JSON.");
  }
  const unstorable = findUnstorableText(body);
  if (unstorable) return apiProblem(invalid("The request body is invalid; see details.", { code: "invalid_request", fields: { [unstorable.path]: `The value ${unstorable.problem}.` } }));
  return { body };
}

/** One endpoint: authenticate with its scope, check the method, read the body, answer JSON. */
export async function handleRequest(request: Request, expectedMethod: "GET" | "PUT" | "POST", name: OperationName, externalId: string | undefined): Promise<Response> {
  const actor = await authenticateApiKey(request, SCOPE[name]);
  const allow: Record<string, string> = expectedMethod === "GET" ? {} : { Allow: expectedMethod };
  if (request.method !== expectedMethod) return apiError(405, "method_not_allowed", `Use ${expectedMethod}.`, allow);
  let body: unknown;
  if (expectedMethod !== "GET") {
    const read = await readJson(request);
    if (read instanceof Response) return withHeaders(read, allow);
    body = read.body;
  }
  return jsonResponse(operationAnswer(await runOperation(actor, name, externalId, body)), allow);
}

/** POST /batch: any valid key (each item is checked against its own scope), one answer per item. */
export async function handleBatch(request: Request): Promise<Response> {
  const actor = await authenticateApiKey(request);
  if (request.method !== "POST") return methodNotAllowed("POST");
  const read = await readJson(request);
  if (read instanceof Response) return read;
  const results = await runBatch(actor, read.body);
  if (isProblem(results)) return apiProblem(results);
  return jsonResponse({ status: 200, body: { results: results.map(operationAnswer) } });
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}
