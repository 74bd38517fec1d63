/**
 * The data-in API called in-process (vitest): each route's own handler with a real Request and
 * an API key, as the back office calls it over HTTP, so a test builds a ledger "through the
 * ingest API" in a few lines. A refusal thrown as a Response is returned like any answer.
 */
import { action as customerAction } from "~/routes/api.v1.customers.$externalId";
import { action as invoicePut } from "~/routes/api.v1.invoices.$externalId";
import { action as creditMemoAction } from "~/routes/api.v1.invoices.$externalId_.credit-memos";
import { action as paymentAction } from "~/routes/api.v1.invoices.$externalId_.payments";
import { action as voidAction } from "~/routes/api.v1.invoices.$externalId_.void";
import { loader as metricsLoader } from "~/routes/api.v1.metrics.receivables";
import { setClock } from "~/utils/clock";

type Handler = (args: never) => Promise<Response>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON answers
export type Json = any;
export interface Answer {
  status: number;
  body: Json;
}

export async function callApi(handler: Handler, key: string, method: string, path: string, params: Record<string, string>, body?: unknown): Promise<Answer> {
  const request = new Request(`http://localhost:3999/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let res: Response;
  try {
    res = await handler({ request, params, context: {} } as never);
  } catch (error) {
    if (!(error instanceof Response)) throw error;
    res = error;
  }
  return { status: res.status, body: await res.json() };
}

/** The endpoints a ledger is built with, for the key `key()` returns (read when called). */
export function ingestApi(key: () => string) {
  const call = (handler: unknown, method: string, path: string, params: Record<string, string>, body?: unknown) => callApi(handler as Handler, key(), method, path, params, body);
  return {
    putCustomer: (externalId: string, body: unknown) => call(customerAction, "PUT", `/customers/${externalId}`, { externalId }, body),
    putInvoice: (externalId: string, body: unknown) => call(invoicePut, "PUT", `/invoices/${externalId}`, { externalId }, body),
    pay: (externalId: string, body: unknown) => call(paymentAction, "POST", `/invoices/${externalId}/payments`, { externalId }, body),
    credit: (externalId: string, body: unknown) => call(creditMemoAction, "POST", `/invoices/${externalId}/credit-memos`, { externalId }, body),
    voidInvoice: (externalId: string) => call(voidAction, "POST", `/invoices/${externalId}/void`, { externalId }, {}),
    metrics: (query: Record<string, string>) => call(metricsLoader, "GET", `/metrics/receivables?${new URLSearchParams(query).toString()}`, {}),
  };
}

/** An invoice body of one line of `amount` minor units. */
export function oneLineInvoice(input: { customer: string; number: string; issue: string; due: string; amount: number; currency?: string; terms?: string }) {
  return {
    customer_external_id: input.customer,
    number: input.number,
    currency: input.currency ?? "USD",
    issue_date: input.issue,
    due_date: input.due,
    terms: input.terms ?? "Net 30",
    tax_total: 0,
    lines: [{ description: "Goods", quantity: "1", unit_amount: input.amount }],
  };
}

/** Moves the portal's clock to `date` (mid-afternoon UTC): credits and voids are dated by it. */
export const onDate = (date: string) => setClock(() => new Date(`${date}T15:00:00Z`));

export const cents = (dollars: number) => Math.round(dollars * 100);
