import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "~/modules/api/create-api-key.server";
import { buildOpenApiDocument } from "~/modules/api/openapi";
import { REMINDER_CALENDAR_MAX_DAYS } from "~/modules/api/schemas";
import type { ApiScope } from "~/modules/api/scopes";
import { loader, action } from "~/routes/api.v1.customers.$externalId_.reminders";
import { today } from "~/utils/clock";
import { addDays } from "~/utils/dates";
import { isProblem } from "~/utils/problem";
import { testData } from "../../../test/helpers";
import { MAX_CALENDAR_DAYS } from "./reminder-calendar.server";

// GET /api/v1/customers/{external_id}/reminders through its HTTP handler, as an integrator calls it.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read arbitrary JSON answers
type Json = any;

let readKey: string;
let otherKey: string;
let account: Awaited<ReturnType<Awaited<ReturnType<typeof testData>>["account"]>>;
let invoice: Awaited<ReturnType<Awaited<ReturnType<typeof testData>>["invoice"]>>;

async function newKey(scopes: ApiScope[]): Promise<string> {
  const admin = await (await testData()).staff("ar_admin");
  const result = await createApiKey({ kind: "staff", userId: admin.id, role: "ar_admin", ip: null }, { name: "ERP", scopes });
  if (isProblem(result)) throw new Error(result.message);
  return result.key;
}

async function get(externalId: string, query: string, key = readKey, method = "GET"): Promise<{ status: number; body: Json }> {
  const request = new Request(`http://localhost:3999/api/v1/customers/${encodeURIComponent(externalId)}/reminders${query}`, { method, headers: { Authorization: `Bearer ${key}` } });
  let res: Response;
  try {
    res = method === "GET" ? await loader({ request, params: { externalId }, context: {} } as never) : action();
  } catch (error) {
    if (!(error instanceof Response)) throw error;
    res = error;
  }
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  const data = await testData();
  [readKey, otherKey] = await Promise.all([newKey(["customers:read"]), newKey(["customers:write", "invoices:read", "events:read"])]);
  account = await data.account();
  // Due in 5 days: the default cadence's −3 step falls in 2 days, its due-date step in 5.
  invoice = await data.invoice(account, { total: 420_00, dueInDays: 5 });
});

describe("GET /api/v1/customers/{external_id}/reminders", () => {
  it("answers what the engine would send each day, with the step, channel, reason and invoices", async () => {
    const day = today();
    const res = await get(account.externalId!, `?from=${day}&to=${addDays(day, 6)}`);
    expect(res.status).toBe(200);
    const invoices = [{ external_id: invoice.externalId, number: invoice.number, amount_due: 420_00 }];
    expect(res.body).toEqual({
      data: [
        { date: addDays(day, 2), step: -3, channel: "email", action: "send", reason: "sent step −3", invoices },
        { date: addDays(day, 5), step: 0, channel: "email", action: "send", reason: "sent step 0", invoices },
      ],
    });
    // Without a period: today and the 30 days after it.
    const byDefault = await get(account.externalId!, "");
    expect(byDefault.status).toBe(200);
    expect(byDefault.body.data.map((e: { date: string; step: number }) => [e.date, e.step])).toEqual([
      [addDays(day, 2), -3],
      [addDays(day, 5), 0],
      [addDays(day, 12), 7],
      [addDays(day, 19), 14],
    ]);
  });

  it("refuses a malformed period with 400 in the API's error shape, naming the parameter", async () => {
    const day = today();
    for (const [query, path] of [
      ["?from=2026-13-45", "from"],
      ["?from=2026-02-30&to=2026-03-01", "from"],
      [`?from=${day}&to=tomorrow`, "to"],
      [`?from=${day}&to=${addDays(day, -1)}`, "to"],
      [`?from=${day}&to=${addDays(day, REMINDER_CALENDAR_MAX_DAYS)}`, "to"],
      ["?from=%00", "from"],
    ] as const) {
      const res = await get(account.externalId!, query);
      expect(res.status, query).toBe(400);
      expect(res.body.error, query).toMatchObject({ code: "invalid_request", details: [{ path, message: expect.any(String) }] });
    }
    // The longest period allowed: 366 days, both ends included.
    expect((await get(account.externalId!, `?from=${day}&to=${addDays(day, REMINDER_CALENDAR_MAX_DAYS - 1)}`)).status).toBe(200);
    expect(REMINDER_CALENDAR_MAX_DAYS).toBe(MAX_CALENDAR_DAYS);
  });

  it("answers 404 for an unknown customer, 403 without customers:read, 405 for another method", async () => {
    expect(await get("ERP-NO-SUCH-CUSTOMER", "")).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expect(await get(account.externalId!, "", otherKey)).toEqual({ status: 403, body: { error: { code: "insufficient_scope", message: 'This API key lacks the "customers:read" scope.' } } });
    expect(await get(account.externalId!, "", readKey, "POST")).toEqual({ status: 405, body: { error: { code: "method_not_allowed", message: "Use GET." } } });
    expect((await get("ERP-\u202Eevil", "")).status).toBe(400);
  });

  it("is documented in the OpenAPI document with its scope", () => {
    const doc = buildOpenApiDocument() as { info: { description: string }; paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } };
    const op = doc.paths["/api/v1/customers/{external_id}/reminders"]!.get!;
    expect(op.security).toEqual([{ bearerAuth: ["customers:read"] }]);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "403", "404"]));
    expect(doc.components.schemas).toHaveProperty("ReminderCalendar");
    // Every event type is listed, the collections ones included.
    for (const type of ["reminder.sent", "promise.created", "promise.kept", "promise.broken", "collection_task.created", "collection_task.completed", "payment.succeeded"]) expect(doc.info.description).toContain(`\`${type}\``);
  });
});
