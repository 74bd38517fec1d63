import { BatchRequest } from "~/modules/api/schemas";
import type { Actor } from "~/modules/auth/actor";
import { isProblem, Problem } from "~/utils/problem";
import { createAccountCredit } from "~/modules/credits/create-credit.server";
import { listAccountCredits } from "~/modules/credits/list-credits.server";
import { createCreditMemo } from "./create-credit-memo.server";
import { getInvoiceByExternalId } from "./get-invoice.server";
import { recordOfflinePayment } from "./record-offline-payment.server";
import { parseBody, refusableSync, type Ingested } from "./result";
import { upsertCustomer } from "./upsert-customer.server";
import { upsertInvoice } from "./upsert-invoice.server";
import { upsertInvoicesInBulk } from "./upsert-invoices-in-bulk.server";
import { voidInvoice } from "./void-invoice.server";

export type OperationName = "upsertCustomer" | "upsertInvoice" | "getInvoice" | "voidInvoice" | "recordOfflinePayment" | "createCreditMemo" | "createAccountCredit" | "listAccountCredits";

/** What one operation answers: the record (and whether it was created), or why not. */
export type OperationResult = Ingested<unknown> | Problem;

type Input = { externalId: string | undefined; body: unknown };

// Each use case checks the actor's scope itself.
const OPERATIONS: Record<OperationName, (actor: Actor, input: Input) => Promise<OperationResult>> = {
  upsertCustomer,
  upsertInvoice,
  getInvoice: getInvoiceByExternalId,
  voidInvoice,
  recordOfflinePayment,
  createCreditMemo,
  createAccountCredit,
  listAccountCredits,
};

/** Runs one operation, as its own transaction. */
export async function runOperation(actor: Actor, name: OperationName, externalId: string | undefined, body: unknown): Promise<OperationResult> {
  return OPERATIONS[name](actor, { externalId, body });
}

/** Maps a batch item's method and path ("/customers/X", "/api/v1/invoices/X/void", …) to an operation. */
export function routeOperation(method: string, path: string): { name: OperationName; externalId: string } | null {
  const m = /^(?:\/api\/v1)?\/(customers|invoices)\/([^/?#]+)(?:\/(void|payments|credit-memos|credits))?\/?$/.exec(path);
  if (!m) return null;
  let externalId: string;
  try {
    externalId = decodeURIComponent(m[2]!);
  } catch {
    return null;
  }
  const [, collection, , sub] = m;
  if (collection === "customers" && !sub && method === "PUT") return { name: "upsertCustomer", externalId };
  if (collection === "customers" && sub === "credits" && method === "POST") return { name: "createAccountCredit", externalId };
  if (collection === "customers" && sub === "credits" && method === "GET") return { name: "listAccountCredits", externalId };
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
 * bulk path, which answers item by item exactly as the single endpoint would. A body that is not
 * a batch is the Problem; otherwise one result per operation.
 */
export async function runBatch(actor: Actor, body: unknown): Promise<OperationResult[] | Problem> {
  const request = refusableSync(() => parseBody(BatchRequest, body));
  if (isProblem(request)) return request;
  const routed = request.operations.map((op) => ({ op, route: routeOperation(op.method.toUpperCase(), op.path) }));
  const bulkable = (i: number) => routed[i]?.route?.name === "upsertInvoice";
  const results: OperationResult[] = [];
  for (let i = 0; i < routed.length; ) {
    let end = i;
    while (bulkable(end)) end++;
    if (end - i > 1) {
      results.push(...(await upsertInvoicesInBulk(actor, routed.slice(i, end).map(({ op, route }) => ({ externalId: route!.externalId, body: op.body })))));
      i = end;
      continue;
    }
    const { op, route } = routed[i]!;
    results.push(route ? await runOperation(actor, route.name, route.externalId, op.body) : new Problem("not_found", `No operation ${op.method} ${op.path}.`, { code: "not_found" }));
    i++;
  }
  return results;
}
