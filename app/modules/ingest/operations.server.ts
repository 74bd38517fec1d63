import { eq } from "drizzle-orm";
import { apiKeys } from "#db/schema/integrations";
import { db } from "~/db.server";
import { API_KEY_PATTERN } from "~/modules/api/api-key-format";
import { authenticateApiKey, type ApiKey } from "~/modules/api/authenticate-api-key.server";
import { BatchRequest } from "~/modules/api/schemas";
import type { ApiScope } from "~/modules/api/scopes";
import { sha256 } from "~/modules/auth/secrets.server";
import { findUnstorableText, hasNul, NUL_MESSAGE } from "~/utils/nul";
import { createCreditMemo } from "./create-credit-memo.server";
import { getInvoiceByExternalId } from "./get-invoice.server";
import { recordOfflinePayment } from "./record-offline-payment.server";
import { IngestError, parseBody, toResult, type IngestResult } from "./result";
import { upsertCustomer } from "./upsert-customer.server";
import { upsertInvoice } from "./upsert-invoice.server";
import { upsertInvoicesInBulk } from "./upsert-invoices-in-bulk.server";
import { voidInvoice } from "./void-invoice.server";

export type OperationName = "upsertCustomer" | "upsertInvoice" | "getInvoice" | "voidInvoice" | "recordOfflinePayment" | "createCreditMemo";

const OPERATIONS: Record<OperationName, { scope: ApiScope; run: (a: { key: ApiKey; externalId: string | undefined; body: unknown }) => Promise<IngestResult> }> = {
  upsertCustomer: { scope: "customers:write", run: upsertCustomer },
  upsertInvoice: { scope: "invoices:write", run: upsertInvoice },
  getInvoice: { scope: "invoices:read", run: getInvoiceByExternalId },
  voidInvoice: { scope: "invoices:write", run: voidInvoice },
  recordOfflinePayment: { scope: "invoices:write", run: recordOfflinePayment },
  createCreditMemo: { scope: "invoices:write", run: createCreditMemo },
};

/** Runs one operation for an authenticated key (checking its scope), as its own transaction. */
export async function runOperation(key: ApiKey, name: OperationName, externalId: string | undefined, body: unknown): Promise<IngestResult> {
  const op = OPERATIONS[name];
  if (!key.scopes.includes(op.scope)) return new IngestError(403, "insufficient_scope", `This API key lacks the "${op.scope}" scope.`).toResult();
  if (externalId !== undefined && hasNul(externalId)) {
    return new IngestError(422, "invalid_request", "The external id is invalid; see details.", [{ path: "external_id", message: `The external id ${NUL_MESSAGE}.` }]).toResult();
  }
  return toResult(() => op.run({ key, externalId, body }));
}

/** Maps a batch item's method and path ("/customers/X", "/api/v1/invoices/X/void", …) to an operation. */
export function routeOperation(method: string, path: string): { name: OperationName; externalId: string } | null {
  const m = /^(?:\/api\/v1)?\/(customers|invoices)\/([^/?#]+)(?:\/(void|payments|credit-memos))?\/?$/.exec(path);
  if (!m) return null;
  let externalId: string;
  try {
    externalId = decodeURIComponent(m[2]!);
  } catch {
    return null;
  }
  const [, collection, , sub] = m;
  if (collection === "customers" && !sub && method === "PUT") return { name: "upsertCustomer", externalId };
  if (collection === "invoices" && !sub && method === "PUT") return { name: "upsertInvoice", externalId };
  if (collection === "invoices" && !sub && method === "GET") return { name: "getInvoice", externalId };
  if (collection === "invoices" && method === "POST" && sub === "void") return { name: "voidInvoice", externalId };
  if (collection === "invoices" && method === "POST" && sub === "payments") return { name: "recordOfflinePayment", externalId };
  if (collection === "invoices" && method === "POST" && sub === "credit-memos") return { name: "createCreditMemo", externalId };
  return null;
}

/**
 * POST /batch: each operation runs on its own, in order; one failing rolls back nothing else.
 * A run of consecutive invoice upserts (a back office pushing a day's invoices) goes through the
 * bulk path, which answers item by item exactly as the single endpoint would.
 */
export async function runBatch(key: ApiKey, body: unknown): Promise<IngestResult> {
  return toResult(async () => {
    const { operations } = parseBody(BatchRequest, body);
    const routed = operations.map((op) => ({ op, route: routeOperation(op.method.toUpperCase(), op.path) }));
    const bulkable = (i: number) => routed[i]?.route?.name === "upsertInvoice" && key.scopes.includes(OPERATIONS.upsertInvoice.scope);
    const results: IngestResult[] = [];
    for (let i = 0; i < routed.length; ) {
      let end = i;
      while (bulkable(end)) end++;
      if (end - i > 1) {
        results.push(...(await upsertInvoicesInBulk(key, routed.slice(i, end).map(({ op, route }) => ({ externalId: route!.externalId, body: op.body })))));
        i = end;
        continue;
      }
      const { op, route } = routed[i]!;
      results.push(route ? await runOperation(key, route.name, route.externalId, op.body) : new IngestError(404, "not_found", `No operation ${op.method} ${op.path}.`).toResult());
      i++;
    }
    return { status: 200, body: { results } };
  });
}

/** Authenticates a key whatever its scopes (the batch checks each item's scope itself). */
export async function authenticateAnyScope(request: Request): Promise<ApiKey> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("Authorization") ?? "");
  let scope: ApiScope = "invoices:write";
  if (match && API_KEY_PATTERN.test(match[1]!)) {
    const [row] = await db.select({ scopes: apiKeys.scopes }).from(apiKeys).where(eq(apiKeys.keyHash, sha256(match[1]!)));
    if (row?.scopes[0]) scope = row.scopes[0] as ApiScope;
  }
  return authenticateApiKey(request, scope);
}

/** Reads a JSON request body; answers 400 `invalid_request` when it is not JSON. */
export async function readJson(request: Request): Promise<unknown> {
  let text: string;
  try {
    // Fatal: bytes that are not UTF-8 (a Latin-1 export) are refused, not stored as U+FFFD.
    text = new TextDecoder("utf-8", { fatal: true }).decode(await request.arrayBuffer());
  } catch {
    throw new IngestError(400, "invalid_request", "The request body is not valid UTF-8. Send JSON encoded as UTF-8.");
  }
  if (text.trim() === "") return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw new IngestError(400, "invalid_request", "The request body is not valid JSON.");
  }
  const unstorable = findUnstorableText(body);
  if (unstorable) throw new IngestError(422, "invalid_request", "The request body is invalid; see details.", [{ path: unstorable.path, message: `The value ${unstorable.problem}.` }]);
  return body;
}

/** The HTTP face of one operation: authenticate with its scope, check the method, read the body, answer JSON. */
export async function handleRequest(request: Request, expectedMethod: "GET" | "PUT" | "POST", name: OperationName, externalId: string | undefined): Promise<Response> {
  const key = await authenticateApiKey(request, OPERATIONS[name].scope);
  let result: IngestResult;
  if (request.method !== expectedMethod) result = new IngestError(405, "method_not_allowed", `Use ${expectedMethod}.`).toResult();
  else result = await toResult(async () => runOperation(key, name, externalId, expectedMethod === "GET" ? undefined : await readJson(request)));
  return jsonResponse(result, expectedMethod === "GET" ? {} : { Allow: expectedMethod });
}

export function jsonResponse(result: IngestResult, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(result.body), { status: result.status, headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers } });
}
