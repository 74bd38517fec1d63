import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { accountContacts, accounts, users } from "#db/schema/accounts";
import { collectionProfiles, segments } from "#db/schema/collections";
import { auditLog } from "#db/schema/audit";
import { creditMemos } from "#db/schema/disputes";
import { events } from "#db/schema/events";
import { invoiceLines, invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api/create-api-key.server";
import { buildOpenApiDocument } from "~/modules/api/openapi";
import type { ApiScope } from "~/modules/api/scopes";
import { action as batchAction } from "~/routes/api.v1.batch";
import { action as customerAction } from "~/routes/api.v1.customers.$externalId";
import { action as invoicePut, loader as invoiceGet } from "~/routes/api.v1.invoices.$externalId";
import { action as creditMemoAction } from "~/routes/api.v1.invoices.$externalId_.credit-memos";
import { action as paymentAction } from "~/routes/api.v1.invoices.$externalId_.payments";
import { action as voidAction } from "~/routes/api.v1.invoices.$externalId_.void";
import { isProblem } from "~/utils/problem";
import { testData } from "../../../test/helpers";
import { callApi } from "../../../test/ingest-api";
import { lineAmount } from "./invoice-view.server";

let fullKey: string;

async function newKey(scopes: ApiScope[]): Promise<string> {
  const admin = await (await testData()).staff("ar_admin");
  const result = await createApiKey({ kind: "staff", userId: admin.id, role: "ar_admin", ip: null }, { name: "ERP", scopes });
  if (isProblem(result)) throw new Error(result.message);
  return result.key;
}

type Handler = (args: never) => Promise<Response>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read arbitrary JSON answers
type Json = any;

const call = (handler: Handler, method: string, path: string, params: Record<string, string>, body?: unknown, key = fullKey): Promise<{ status: number; body: Json }> => callApi(handler, key, method, path, params, body);

const putCustomer = (id: string, body: unknown, key?: string) => call(customerAction as Handler, "PUT", `/customers/${id}`, { externalId: id }, body, key);
const putInvoice = (id: string, body: unknown, key?: string) => call(invoicePut as Handler, "PUT", `/invoices/${id}`, { externalId: id }, body, key);
const getInvoice = (id: string, key?: string) => call(invoiceGet as Handler, "GET", `/invoices/${id}`, { externalId: id }, undefined, key);
const voidInvoice = (id: string) => call(voidAction as Handler, "POST", `/invoices/${id}/void`, { externalId: id }, {});
const pay = (id: string, body: unknown) => call(paymentAction as Handler, "POST", `/invoices/${id}/payments`, { externalId: id }, body);
const credit = (id: string, body: unknown) => call(creditMemoAction as Handler, "POST", `/invoices/${id}/credit-memos`, { externalId: id }, body);

const eventsOf = async (type: string, subjectId: string) => db.select().from(events).where(and(eq(events.type, type), eq(events.subjectId, subjectId)));

const customer = { number: "C-1000", name: "Acme Corp", billing_email: "ap@acme.test", currency: "USD", contacts: [{ email: "Pat@Acme.test", name: "Pat Payer", title: "AP clerk" }] };

function invoiceBody(over: Record<string, unknown> = {}) {
  return {
    customer_external_id: "ERP-C1",
    number: "INV-1",
    po_number: "PO-7",
    currency: "USD",
    issue_date: "2026-11-01",
    due_date: "2026-12-01",
    terms: "Net 30",
    tax_label: "VAT",
    lines: [
      { description: "Widgets", sku: "W-1", quantity: "2.5", unit_amount: 1999 },
      { description: "Service", quantity: "1", unit_amount: 10000 },
    ],
    tax_total: 1500,
    memo: "Thanks",
    ...over,
  };
}

beforeAll(async () => {
  fullKey = await newKey(["customers:write", "invoices:read", "invoices:write"]);
  expect((await putCustomer("ERP-C1", customer)).status).toBe(201);
});

describe("customers", () => {
  it("creates then updates a customer with contacts; the same body twice changes nothing", async () => {
    const created = await putCustomer("ERP-C2", { ...customer, number: "C-2000", contacts: [{ email: "Pat@Acme.test", name: "Pat Payer" }, { email: "lee@acme.test", name: "Lee", title: "CFO" }] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ external_id: "ERP-C2", number: "C-2000", name: "Acme Corp", billing_email: "ap@acme.test", currency: "USD" });
    expect(created.body.contacts.map((c: { email: string }) => c.email.toLowerCase())).toEqual(["lee@acme.test", "pat@acme.test"]);
    // Pat already existed (contact of ERP-C1): found case-insensitively, not duplicated.
    expect(await db.select().from(users).where(eq(users.email, "Pat@Acme.test"))).toHaveLength(1);

    const again = await putCustomer("ERP-C2", { ...customer, number: "C-2000", contacts: [{ email: "pat@acme.test", name: "Pat Payer" }, { email: "lee@acme.test", name: "Lee", title: "CFO" }] });
    expect(again.status).toBe(200);
    expect(await eventsOf("customer.upserted", created.body.id)).toHaveLength(1);

    const renamed = await putCustomer("ERP-C2", { ...customer, number: "C-2000", name: "Acme Inc", billing_email: undefined, contacts: [{ email: "new@acme.test", name: "New" }] });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Acme Inc", billing_email: null });
    expect(renamed.body.contacts).toHaveLength(3); // unlisted contacts are left alone
    const [newUser] = await db.select().from(users).where(eq(users.email, "new@acme.test"));
    expect(newUser!.role).toBe("payer");
    expect(await db.select().from(accountContacts).where(eq(accountContacts.accountId, created.body.id))).toHaveLength(3);
    expect(await eventsOf("customer.upserted", created.body.id)).toHaveLength(2);
    const audits = await db.select().from(auditLog).where(eq(auditLog.subjectId, created.body.id));
    expect(audits.map((a) => [a.action, a.actorType])).toEqual([
      ["customer.created", "api"],
      ["customer.updated", "api"],
    ]);
  });

  it("validates with per-field details, refuses a taken number, and checks the scope", async () => {
    const bad = await putCustomer("ERP-C3", { number: "", name: "X", currency: "usd", contacts: [{ email: "nope", name: "N" }] });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe("invalid_request");
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["contacts.0.email", "currency", "number"]);
    expect((await putCustomer("ERP-C3", { ...customer, contacts: [] })).body.error.code).toBe("number_taken");
    const readOnly = await newKey(["invoices:read"]);
    const forbidden = await putCustomer("ERP-C3", customer, readOnly);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe("insufficient_scope");
  });
});

describe("customers: how they are collected (segment, cadence, collector)", () => {
  it("writes segment (created if new), cadence and collector to the profile; omitted fields stay, null clears", async () => {
    const data = await testData();
    const collector = await data.staff("ar_agent");
    const segment = `Key accounts ${Math.random().toString(36).slice(2, 8)}`;
    const first = await putCustomer("ERP-COL-1", { ...customer, number: "C-COL-1", contacts: [], segment, cadence: "gentle", collector: collector.email.toUpperCase() });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ segment, cadence: "Gentle", collector: collector.email });
    const [profile] = await db.select().from(collectionProfiles).where(eq(collectionProfiles.accountId, first.body.id));
    expect(profile).toMatchObject({ segment, collectorId: collector.id });
    expect(await db.select().from(segments).where(eq(segments.name, segment))).toHaveLength(1);

    // Omitted: unchanged (and nothing to record). The segment is found whatever its case.
    const same = await putCustomer("ERP-COL-1", { ...customer, number: "C-COL-1", contacts: [], segment: segment.toUpperCase() });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ segment, cadence: "Gentle", collector: collector.email });
    expect(await eventsOf("customer.upserted", first.body.id)).toHaveLength(1);

    // null clears, and the change is an event naming what changed.
    const cleared = await putCustomer("ERP-COL-1", { ...customer, number: "C-COL-1", contacts: [], cadence: null, collector: null });
    expect(cleared.body).toMatchObject({ segment, cadence: null, collector: null });
    const upserts = await eventsOf("customer.upserted", first.body.id);
    expect(upserts.map((e) => e.data.changed)).toEqual([expect.arrayContaining(["created", "segment", "cadence", "collector"]), ["cadence", "collector"]]);
  });

  it("refuses an unknown cadence or collector with 422 naming the field, and writes nothing", async () => {
    const payer = (await (await testData()).payer()).user;
    const unknownCadence = await putCustomer("ERP-COL-2", { ...customer, number: "C-COL-2", contacts: [], segment: "Never created", cadence: "Brutal" });
    expect(unknownCadence.status).toBe(422);
    expect(unknownCadence.body.error).toMatchObject({ code: "invalid_request", details: [{ path: "cadence", message: expect.stringContaining('No cadence is called "Brutal"') }] });
    const notStaff = await putCustomer("ERP-COL-2", { ...customer, number: "C-COL-2", contacts: [], collector: payer.email });
    expect(notStaff.status).toBe(422);
    expect(notStaff.body.error.details).toEqual([{ path: "collector", message: `${payer.email} is not a member of the AR team.` }]);
    const badEmail = await putCustomer("ERP-COL-2", { ...customer, number: "C-COL-2", contacts: [], collector: "not an email" });
    expect(badEmail.status).toBe(422);
    expect(badEmail.body.error.details.map((d: { path: string }) => d.path)).toEqual(["collector"]);
    // The whole upsert rolled back: no customer, no segment made on the way.
    expect(await db.select().from(accounts).where(eq(accounts.externalId, "ERP-COL-2"))).toEqual([]);
    expect(await db.select().from(segments).where(eq(segments.name, "Never created"))).toEqual([]);
  });
});

describe("invoices", () => {
  it("computes amounts server-side; the same body twice changes nothing and records one event", async () => {
    expect(lineAmount("2.5", 1999)).toBe(4998); // 4997.5 rounds half away from zero
    expect(lineAmount("0.333", -100)).toBe(-33);
    const created = await putInvoice("ERP-I1", { ...invoiceBody(), subtotal: 1, total: 2 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ external_id: "ERP-I1", customer_external_id: "ERP-C1", subtotal: 14998, tax_total: 1500, total: 16498, balance: 16498, status: "open" });
    expect(created.body.lines).toEqual([
      { description: "Widgets", sku: "W-1", quantity: "2.5", unit_amount: 1999, amount: 4998 },
      { description: "Service", sku: null, quantity: "1", unit_amount: 10000, amount: 10000 },
    ]);
    const again = await putInvoice("ERP-I1", { ...invoiceBody(), lines: [{ description: "Widgets", sku: "W-1", quantity: "2.500", unit_amount: 1999 }, { description: "Service", quantity: "1.0", unit_amount: 10000 }] });
    expect(again.status).toBe(200);
    expect(again.body.updated_at).toBe(created.body.updated_at);
    expect(await eventsOf("invoice.upserted", created.body.id)).toHaveLength(1);

    const changed = await putInvoice("ERP-I1", invoiceBody({ lines: [{ description: "Widgets", quantity: "3", unit_amount: 1000 }] }));
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ subtotal: 3000, total: 4500 });
    expect(await db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, created.body.id))).toHaveLength(1);
    const upserts = await eventsOf("invoice.upserted", created.body.id);
    expect(upserts).toHaveLength(2);
    expect(upserts[1]!.data.changed).toEqual(expect.arrayContaining(["subtotal", "total", "lines"]));

    const fetched = await getInvoice("ERP-I1");
    expect(fetched).toMatchObject({ status: 200, body: { id: created.body.id, total: 4500 } });
    expect((await getInvoice("NOPE")).status).toBe(404);
  });

  it("refuses unknown customers, immutable fields, bad bodies and taken numbers", async () => {
    const unknown = await putInvoice("ERP-I2", invoiceBody({ number: "INV-2", customer_external_id: "ERP-NOPE" }));
    expect(unknown).toMatchObject({ status: 422, body: { error: { code: "unknown_customer" } } });
    const invalid = await putInvoice("ERP-I2", invoiceBody({ number: "INV-2", issue_date: "2026-13-01", lines: [{ description: "x", quantity: "1.2345", unit_amount: 1.5 }] }));
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["issue_date", "lines.0.quantity", "lines.0.unit_amount"]);
    expect((await putInvoice("ERP-I2", invoiceBody())).body.error.code).toBe("number_taken");

    expect((await putInvoice("ERP-I2", invoiceBody({ number: "INV-2" }))).status).toBe(201);
    const currency = await putInvoice("ERP-I2", invoiceBody({ number: "INV-2", currency: "EUR" }));
    expect(currency).toMatchObject({ status: 409, body: { error: { code: "immutable_field", details: [{ path: "currency" }] } } });
    await putCustomer("ERP-C9", { ...customer, number: "C-9000", contacts: [] });
    const moved = await putInvoice("ERP-I2", invoiceBody({ number: "INV-2", customer_external_id: "ERP-C9" }));
    expect(moved).toMatchObject({ status: 409, body: { error: { code: "immutable_field" } } });
  });

  it("refuses bidi and control characters in identifiers and names, NUL anywhere, and impossible dates", async () => {
    const before = await db.select({ id: invoices.id }).from(invoices);
    for (const number of ["INV-\u202E9001", "INV-\u20669001", "INV-\u200F9001", "INV-9001\u0007", "INV-\n9001"]) {
      const refused = await putInvoice("ERP-BIDI", invoiceBody({ number }));
      expect(refused, JSON.stringify(number)).toMatchObject({ status: 422, body: { error: { code: "invalid_request", details: [{ path: "number" }] } } });
    }
    const names = await putCustomer("ERP-BIDI-C", { ...customer, number: "C-BIDI", name: "Evil\u202E Corp", contacts: [{ email: "bidi@acme.test", name: "Pat\u2067 Payer" }] });
    expect(names.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["contacts.0.name", "name"]);
    // Free text keeps line breaks and tabs but not bidi controls; NUL is refused wherever it is.
    expect((await putInvoice("ERP-BIDI", invoiceBody({ number: "INV-9001", memo: "Line one\n\tLine two \u202E" }))).body.error.details).toEqual([{ path: "memo", message: expect.stringMatching(/control characters/) }]);
    expect((await putInvoice("ERP-BIDI", { ...invoiceBody({ number: "INV-9001" }), extra: "a\u0000b" })).body.error).toMatchObject({ code: "invalid_request", details: [{ path: "extra" }] });
    expect((await putInvoice("ERP-\u202EBIDI", invoiceBody({ number: "INV-9001" }))).body.error.details).toEqual([{ path: "external_id", message: expect.stringMatching(/control characters/) }]);
    for (const date of ["2024-02-30", "2023-02-29", "0000-01-01"]) {
      expect((await putInvoice("ERP-BIDI", invoiceBody({ number: "INV-9001", due_date: date }))).body.error.details, date).toEqual([{ path: "due_date", message: expect.any(String) }]);
    }
    expect((await pay("ERP-I1", { amount: 100, reference: "CHK\u202E-1", received_on: "2026-11-20" })).body.error.details).toEqual([{ path: "reference", message: expect.stringMatching(/control characters/) }]);
    expect(await db.select({ id: invoices.id }).from(invoices)).toHaveLength(before.length);
    // The same text without the controls is fine.
    expect((await putInvoice("ERP-BIDI", invoiceBody({ number: "INV-9001", memo: "Line one\n\tLine two — שלום" }))).status).toBe(201);
  });

  it("locks lines and total once paid or disputed, keeps memo/PO/due date editable, and never drops below what is settled", async () => {
    await putInvoice("ERP-I3", invoiceBody({ number: "INV-3" }));
    expect((await pay("ERP-I3", { amount: 1000, reference: "CHK-1", received_on: "2026-11-20" })).status).toBe(201);
    const locked = await putInvoice("ERP-I3", invoiceBody({ number: "INV-3", tax_total: 0 }));
    expect(locked).toMatchObject({ status: 409, body: { error: { code: "invoice_locked" } } });
    const edited = await putInvoice("ERP-I3", invoiceBody({ number: "INV-3", memo: "New memo", po_number: "PO-8", due_date: "2026-12-31" }));
    expect(edited).toMatchObject({ status: 200, body: { memo: "New memo", po_number: "PO-8", due_date: "2026-12-31", amount_paid: 1000 } });

    // Disputed (no payment): locked too.
    const i4 = await putInvoice("ERP-I4", invoiceBody({ number: "INV-4" }));
    await db.update(invoices).set({ amountDisputed: 500 }).where(eq(invoices.id, i4.body.id));
    expect((await putInvoice("ERP-I4", invoiceBody({ number: "INV-4", tax_total: 0 }))).body.error.code).toBe("invoice_locked");

    // Credited only (not locked): the total may not go below what is credited.
    await putInvoice("ERP-I5", invoiceBody({ number: "INV-5" }));
    expect((await credit("ERP-I5", { amount: 5000, reason: "Goodwill" })).status).toBe(201);
    const below = await putInvoice("ERP-I5", invoiceBody({ number: "INV-5", lines: [{ description: "x", quantity: "1", unit_amount: 100 }], tax_total: 0 }));
    expect(below).toMatchObject({ status: 409, body: { error: { code: "total_below_settled" } } });
  });

  it("voids only what has nothing paid, under way or disputed, and a void invoice cannot be edited", async () => {
    expect((await voidInvoice("ERP-I3")).body.error.code).toBe("invoice_locked");
    const i6 = await putInvoice("ERP-I6", invoiceBody({ number: "INV-6" }));
    await db.update(invoices).set({ amountPending: 100 }).where(eq(invoices.id, i6.body.id));
    expect((await voidInvoice("ERP-I6")).status).toBe(409);
    await db.update(invoices).set({ amountPending: 0 }).where(eq(invoices.id, i6.body.id));
    const voided = await voidInvoice("ERP-I6");
    expect(voided).toMatchObject({ status: 200, body: { status: "void", balance: 0 } });
    expect((await voidInvoice("ERP-I6")).status).toBe(200);
    expect(await eventsOf("invoice.voided", i6.body.id)).toHaveLength(1);
    expect((await putInvoice("ERP-I6", invoiceBody({ number: "INV-6", memo: "x" }))).body.error.code).toBe("invoice_void");
    expect((await voidInvoice("NOPE")).status).toBe(404);
  });

  it("records offline payments idempotently by reference and marks the invoice paid when cleared", async () => {
    const inv = await putInvoice("ERP-I7", invoiceBody({ number: "INV-7", lines: [{ description: "x", quantity: "1", unit_amount: 10000 }], tax_total: 0 }));
    await db.update(invoices).set({ amountDisputed: 2000 }).where(eq(invoices.id, inv.body.id));
    expect((await pay("ERP-I7", { amount: 8001, reference: "W-1", received_on: "2026-11-21" })).body.error.code).toBe("amount_exceeds_payable");
    const first = await pay("ERP-I7", { amount: 3000, reference: "W-1", received_on: "2026-11-21" });
    expect(first).toMatchObject({ status: 201, body: { amount_paid: 3000, balance: 7000, status: "open" } });
    const dup = await pay("ERP-I7", { amount: 3000, reference: "W-1", received_on: "2026-11-21" });
    expect(dup).toMatchObject({ status: 200, body: { amount_paid: 3000 } });
    expect((await pay("ERP-I7", { amount: 1, reference: "W-1", received_on: "2026-11-21" })).body.error.code).toBe("idempotency_conflict");
    await db.update(invoices).set({ amountDisputed: 0 }).where(eq(invoices.id, inv.body.id));
    const rest = await pay("ERP-I7", { amount: 7000, reference: "W-2", received_on: "2026-11-22" });
    expect(rest).toMatchObject({ status: 201, body: { amount_paid: 10000, balance: 0, status: "paid" } });
    expect(await eventsOf("payment.recorded_offline", inv.body.id)).toHaveLength(2);
    expect(await eventsOf("invoice.paid", inv.body.id)).toHaveLength(1);
    expect((await pay("ERP-I7", { amount: 0, reference: "", received_on: "x" })).body.error.details).toHaveLength(3);
  });

  it("creates credit memos, idempotently by external_id", async () => {
    const inv = await putInvoice("ERP-I8", invoiceBody({ number: "INV-8", lines: [{ description: "x", quantity: "1", unit_amount: 10000 }], tax_total: 0 }));
    const memo = await credit("ERP-I8", { amount: 2500, reason: "Damaged", external_id: "CM-1" });
    expect(memo).toMatchObject({ status: 201, body: { external_id: "CM-1", invoice_external_id: "ERP-I8", amount: 2500, currency: "USD", reason: "Damaged" } });
    const again = await credit("ERP-I8", { amount: 2500, reason: "Damaged", external_id: "CM-1" });
    expect(again).toMatchObject({ status: 200, body: { id: memo.body.id } });
    expect(await db.select().from(creditMemos).where(eq(creditMemos.invoiceId, inv.body.id))).toHaveLength(1);
    expect((await getInvoice("ERP-I8")).body).toMatchObject({ amount_credited: 2500, balance: 7500 });
    expect((await credit("ERP-I8", { amount: 7501, reason: "Too much" })).body.error.code).toBe("amount_exceeds_payable");
  });
});

describe("batch", () => {
  it("runs each operation on its own, in order, checking each item's scope", async () => {
    const res = await call(batchAction as Handler, "POST", "/batch", {}, {
      operations: [
        { method: "PUT", path: "/customers/ERP-B1", body: { ...customer, number: "C-B1", contacts: [] } },
        { method: "PUT", path: "/api/v1/invoices/ERP-B1", body: invoiceBody({ number: "INV-B1", customer_external_id: "ERP-NOPE" }) },
        { method: "PUT", path: "/invoices/ERP-B2", body: invoiceBody({ number: "INV-B2", customer_external_id: "ERP-B1" }) },
        { method: "GET", path: "/invoices/ERP-B2" },
        { method: "DELETE", path: "/invoices/ERP-B2" },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([201, 422, 201, 200, 404]);
    expect(res.body.results[1].body.error.code).toBe("unknown_customer");
    expect(res.body.results[3].body).toMatchObject({ number: "INV-B2", customer_external_id: "ERP-B1" });
    expect(await db.select().from(accounts).where(eq(accounts.externalId, "ERP-B1"))).toHaveLength(1);

    const customersOnly = await newKey(["customers:write"]);
    const scoped = await call(batchAction as Handler, "POST", "/batch", {}, { operations: [{ method: "PUT", path: "/customers/ERP-B1", body: { ...customer, number: "C-B1", contacts: [] } }, { method: "GET", path: "/invoices/ERP-B2" }] }, customersOnly);
    expect(scoped.body.results.map((r: { status: number }) => r.status)).toEqual([200, 403]);
    expect((await call(batchAction as Handler, "POST", "/batch", {}, { operations: [] })).status).toBe(422);
    expect((await call(batchAction as Handler, "POST", "/batch", {}, { operations: [] }, "eipp_bad")).status).toBe(401);
  });
});

describe("batch of invoice upserts (bulk path)", () => {
  it("answers every item as the single endpoint would, in order, and stores each new invoice once with its lines, event and audit row", async () => {
    await putCustomer("ERP-BULK", { ...customer, number: "C-BULK", contacts: [] });
    await putInvoice("ERP-BULK-OLD", invoiceBody({ number: "INV-BULK-OLD", customer_external_id: "ERP-BULK" }));
    const put = (id: string, over: Record<string, unknown>) => ({ method: "PUT", path: `/invoices/${id}`, body: invoiceBody({ customer_external_id: "ERP-BULK", ...over }) });
    const res = await call(batchAction as Handler, "POST", "/batch", {}, {
      operations: [
        put("ERP-BULK-1", { number: "INV-BULK-1" }),
        put("ERP-BULK-2", { number: "INV-BULK-2", lines: [{ description: "Free sample", quantity: "1", unit_amount: 0 }], tax_total: 0 }),
        put("ERP-BULK-OLD", { number: "INV-BULK-OLD", memo: "Updated memo" }),
        put("ERP-BULK-3", { number: "INV-BULK-OLD" }),
        put("ERP-BULK-4", { number: "INV-BULK-4", due_date: "2026-10-01" }),
        put("ERP-BULK-5", { number: "INV-BULK-5", customer_external_id: "ERP-NOBODY" }),
        put("ERP-BULK-6", { number: "INV-BULK-6" }),
        put("ERP-BULK-6", { number: "INV-BULK-6", memo: "Second push of the same invoice" }),
        put("ERP-BULK-7", { number: "INV-BULK-1" }),
      ],
    });
    expect(res.status).toBe(200);
    const results = res.body.results as Array<{ status: number; body: Json }>;
    expect(results.map((r) => r.status)).toEqual([201, 201, 200, 409, 422, 422, 201, 200, 409]);
    expect(results.map((r) => r.body.error?.code ?? null)).toEqual([null, null, null, "number_taken", "invalid_request", "unknown_customer", null, null, "number_taken"]);

    // A created invoice answers with what GET answers afterwards (lines, computed amounts, status).
    for (const [i, id] of [[0, "ERP-BULK-1"], [1, "ERP-BULK-2"], [7, "ERP-BULK-6"]] as const) {
      expect(results[i]!.body).toEqual((await getInvoice(id)).body);
    }
    expect(results[0]!.body).toMatchObject({ subtotal: 14998, total: 16498, balance: 16498, status: "open", lines: [{ quantity: "2.5", amount: 4998 }, { quantity: "1", amount: 10000 }] });
    expect(results[1]!.body).toMatchObject({ total: 0, status: "paid" });
    expect(results[2]!.body).toMatchObject({ memo: "Updated memo" });
    expect(results[7]!.body).toMatchObject({ memo: "Second push of the same invoice" });

    const [bulkCustomer] = await db.select().from(accounts).where(eq(accounts.externalId, "ERP-BULK"));
    const stored = await db.select().from(invoices).where(eq(invoices.accountId, bulkCustomer!.id));
    expect(stored.map((i) => i.externalId).sort()).toEqual(["ERP-BULK-1", "ERP-BULK-2", "ERP-BULK-6", "ERP-BULK-OLD"]);
    expect(await db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, results[0]!.body.id))).toHaveLength(2);
    for (const id of [results[0]!.body.id, results[1]!.body.id]) {
      expect(await eventsOf("invoice.upserted", id)).toEqual([expect.objectContaining({ data: expect.objectContaining({ created: true, changed: ["created"] }) })]);
      expect(await db.select().from(auditLog).where(and(eq(auditLog.action, "invoice.created"), eq(auditLog.subjectId, id)))).toHaveLength(1);
    }
    // The update and the repeated push went through the one-by-one path: created, then changed.
    expect((await eventsOf("invoice.upserted", results[7]!.body.id)).map((e) => e.data.changed)).toEqual([["created"], ["memo"]]);
  });
});

describe("OpenAPI", () => {
  it("documents the data-in endpoints and their schemas", () => {
    const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, { security?: unknown }>>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/v1/customers/{external_id}", "/api/v1/invoices/{external_id}", "/api/v1/invoices/{external_id}/void", "/api/v1/invoices/{external_id}/payments", "/api/v1/invoices/{external_id}/credit-memos", "/api/v1/batch"]),
    );
    expect(doc.paths["/api/v1/invoices/{external_id}"]!.put!.security).toEqual([{ bearerAuth: ["invoices:write"] }]);
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["CustomerInput", "Customer", "InvoiceInput", "Invoice", "OfflinePaymentInput", "CreditMemoInput", "CreditMemo", "BatchRequest", "BatchResponse"]));
    // Payment terms are documented where they are sent and where they are read.
    type Props = { properties: Record<string, unknown> };
    const schemas = doc.components.schemas as Record<string, Props>;
    expect(Object.keys(schemas.PaymentTermsInput!.properties)).toEqual(["net_days", "discount_percent", "discount_days"]);
    expect(Object.keys(schemas.Invoice!.properties)).toEqual(expect.arrayContaining(["payment_terms", "amount_discounted"]));
    expect(JSON.stringify(schemas.Invoice!.properties.payment_terms)).toContain("discount_until");
    expect(Object.keys(schemas.InvoiceInput!.properties)).toContain("payment_terms");
    expect(Object.keys(schemas.CustomerInput!.properties)).toContain("default_payment_terms");
    expect(Object.keys(schemas.Customer!.properties)).toContain("default_payment_terms");
  });
});

describe("payment terms", () => {
  const terms = { net_days: 30, discount_percent: "2", discount_days: 10 };

  it("stores 2/10 net 30 as sent and answers it with the discount's last day; 1.5 as a number is 150 bps", async () => {
    const created = await putInvoice("ERP-T1", invoiceBody({ number: "INV-T1", payment_terms: terms }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ payment_terms: { net_days: 30, discount_percent: "2", discount_days: 10, discount_until: "2026-11-11" }, amount_discounted: 0 });
    const [row] = await db.select().from(invoices).where(eq(invoices.externalId, "ERP-T1"));
    expect(row).toMatchObject({ netDays: 30, discountBps: 200, discountDays: 10 });
    expect((await getInvoice("ERP-T1")).body.payment_terms).toEqual(created.body.payment_terms);
    // The same body again: nothing changes.
    expect((await putInvoice("ERP-T1", invoiceBody({ number: "INV-T1", payment_terms: terms }))).status).toBe(200);
    expect(await eventsOf("invoice.upserted", row!.id)).toHaveLength(1);

    const decimal = await putInvoice("ERP-T1", invoiceBody({ number: "INV-T1", payment_terms: { net_days: 45, discount_percent: 1.5, discount_days: 15 } }));
    expect(decimal.body.payment_terms).toEqual({ net_days: 45, discount_percent: "1.5", discount_days: 15, discount_until: "2026-11-16" });
    expect((await db.select().from(invoices).where(eq(invoices.id, row!.id)))[0]).toMatchObject({ discountBps: 150, discountDays: 15, netDays: 45 });
    // Omitted on an update: kept. null: no terms.
    expect((await putInvoice("ERP-T1", invoiceBody({ number: "INV-T1", memo: "kept" }))).body.payment_terms).toMatchObject({ discount_percent: "1.5" });
    expect((await putInvoice("ERP-T1", invoiceBody({ number: "INV-T1", payment_terms: null }))).body.payment_terms).toBeNull();
    // Net days alone.
    expect((await putInvoice("ERP-T1", invoiceBody({ number: "INV-T1", payment_terms: { net_days: 30 } }))).body.payment_terms).toEqual({ net_days: 30, discount_percent: null, discount_days: null, discount_until: null });
  });

  it("refuses bad terms naming each field, and writes nothing", async () => {
    const cases: Array<[unknown, string[]]> = [
      [{ net_days: 30, discount_percent: "2" }, ["payment_terms.discount_days"]],
      [{ net_days: 30, discount_days: 10 }, ["payment_terms.discount_percent"]],
      [{ net_days: 30, discount_percent: "100", discount_days: 10 }, ["payment_terms.discount_percent"]],
      [{ net_days: 30, discount_percent: "0", discount_days: 10 }, ["payment_terms.discount_percent"]],
      [{ net_days: 30, discount_percent: 1.005, discount_days: 10 }, ["payment_terms.discount_percent"]],
      [{ net_days: 30, discount_percent: "2%", discount_days: 10 }, ["payment_terms.discount_percent"]],
      [{ net_days: 366 }, ["payment_terms.net_days"]],
      [{ net_days: 10, discount_percent: "2", discount_days: 20 }, ["payment_terms.discount_days"]],
      [{ discount_percent: "2", discount_days: 10 }, ["payment_terms.net_days"]],
    ];
    for (const [paymentTerms, paths] of cases) {
      const answer = await putInvoice("ERP-T2", invoiceBody({ number: "INV-T2", payment_terms: paymentTerms }));
      expect(answer.status, JSON.stringify(paymentTerms)).toBe(422);
      expect(answer.body.error.details.map((d: { path: string }) => d.path), JSON.stringify(paymentTerms)).toEqual(paths);
    }
    expect(await db.select().from(invoices).where(eq(invoices.externalId, "ERP-T2"))).toEqual([]);
    const customerAnswer = await putCustomer("ERP-T-C0", { ...customer, number: "C-T0", contacts: [], default_payment_terms: { net_days: 30, discount_percent: "two", discount_days: 10 } });
    expect(customerAnswer.body.error.details).toEqual([{ path: "default_payment_terms.discount_percent", message: expect.stringContaining("percent") }]);
  });

  it("gives an invoice sent without terms its customer's defaults (single and batch); explicit terms or null win", async () => {
    const created = await putCustomer("ERP-T-C1", { ...customer, number: "C-T1", contacts: [], default_payment_terms: terms });
    expect(created.body.default_payment_terms).toEqual({ net_days: 30, discount_percent: "2", discount_days: 10 });
    const single = await putInvoice("ERP-T3", invoiceBody({ customer_external_id: "ERP-T-C1", number: "INV-T3" }));
    expect(single.body.payment_terms).toMatchObject({ net_days: 30, discount_percent: "2", discount_days: 10 });
    const own = await putInvoice("ERP-T4", invoiceBody({ customer_external_id: "ERP-T-C1", number: "INV-T4", payment_terms: { net_days: 60 } }));
    expect(own.body.payment_terms).toMatchObject({ net_days: 60, discount_percent: null });
    const none = await putInvoice("ERP-T5", invoiceBody({ customer_external_id: "ERP-T-C1", number: "INV-T5", payment_terms: null }));
    expect(none.body.payment_terms).toBeNull();

    const batch = await call(batchAction as Handler, "POST", "/batch", {}, {
      operations: [
        { method: "PUT", path: "/invoices/ERP-T6", body: invoiceBody({ customer_external_id: "ERP-T-C1", number: "INV-T6" }) },
        { method: "PUT", path: "/invoices/ERP-T7", body: invoiceBody({ customer_external_id: "ERP-T-C1", number: "INV-T7", payment_terms: { net_days: 15, discount_percent: "1", discount_days: 5 } }) },
        { method: "PUT", path: "/invoices/ERP-T8", body: invoiceBody({ number: "INV-T8" }) },
      ],
    });
    expect(batch.body.results.map((r: { status: number }) => r.status)).toEqual([201, 201, 201]);
    expect(batch.body.results[0].body.payment_terms).toMatchObject({ net_days: 30, discount_percent: "2", discount_days: 10 });
    expect(batch.body.results[1].body.payment_terms).toMatchObject({ net_days: 15, discount_percent: "1", discount_days: 5 });
    expect(batch.body.results[2].body.payment_terms).toBeNull(); // ERP-C1 has no defaults
    const stored = await db.select().from(invoices).where(eq(invoices.externalId, "ERP-T6"));
    expect(stored[0]).toMatchObject({ netDays: 30, discountBps: 200, discountDays: 10 });

    // Defaults: omitted leaves them, null clears them; invoices already made keep theirs.
    expect((await putCustomer("ERP-T-C1", { ...customer, number: "C-T1", contacts: [] })).body.default_payment_terms).toMatchObject({ net_days: 30 });
    expect((await putCustomer("ERP-T-C1", { ...customer, number: "C-T1", contacts: [], default_payment_terms: null })).body.default_payment_terms).toBeNull();
    expect((await getInvoice("ERP-T3")).body.payment_terms).toMatchObject({ discount_percent: "2" });
  });

  it("locks the discount once the invoice has a payment; net days stay editable", async () => {
    await putInvoice("ERP-T9", invoiceBody({ number: "INV-T9", payment_terms: terms }));
    expect((await pay("ERP-T9", { amount: 1000, reference: "CHK-T9", received_on: "2026-11-05" })).status).toBe(201);
    const locked = await putInvoice("ERP-T9", invoiceBody({ number: "INV-T9", payment_terms: { ...terms, discount_percent: "3" } }));
    expect(locked).toMatchObject({ status: 409, body: { error: { code: "invoice_locked", details: [{ path: "payment_terms.discount_percent", message: "Locked." }] } } });
    expect((await putInvoice("ERP-T9", invoiceBody({ number: "INV-T9", payment_terms: null }))).status).toBe(409);
    const net = await putInvoice("ERP-T9", invoiceBody({ number: "INV-T9", payment_terms: { ...terms, net_days: 45 } }));
    expect(net).toMatchObject({ status: 200, body: { payment_terms: { net_days: 45, discount_percent: "2" } } });
  });
});
