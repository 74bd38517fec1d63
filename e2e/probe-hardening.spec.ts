import { createHash, randomBytes } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { e2e } from "./support/config";
import { data, expect, sql, tag, test } from "./support/fixtures";

// The attack probe's second round, as a black box against the production build: tenant isolation
// of every payer page, file and action; staff-only and admin-only rules; the API's scopes and
// limits; and input PostgreSQL cannot store (U+0000), which must answer 4xx, never 500.

const origin = { Origin: e2e.appUrl };
const NUL = "\u0000";

interface Other {
  accountId: string;
  name: string;
  invoiceId: string;
  disputeId: string;
  attachmentId: string;
}
let other: Other;
/** The other customer's payer, and the probe's own payer (a contact of two other accounts). */
let sam: Awaited<ReturnType<typeof data.payer>>["user"];
let pat: Awaited<ReturnType<typeof data.payer>>;

test.beforeAll(async () => {
  // Another customer's invoice, open dispute and file; the probe signs in as pat, who is not its contact.
  const acc = await data.account({ name: `Initrode ${tag()}` });
  sam = (await data.payer({ accounts: [acc] })).user;
  const inv = await data.invoice(acc, { total: 900_00 });
  const dsp = await data.dispute(await data.invoice(acc, { total: 300_00 }), { by: sam });
  const [msg] = await sql<{ id: string }[]>`select id from dispute_messages where dispute_id = ${dsp.id} limit 1`;
  pat = await data.payer({ accounts: [await data.account({ name: `Alder ${tag()}` }), await data.account({ name: `Alder ${tag()} Canada` })] });
  const bytes = Buffer.from("%PDF-1.4\n%probe\n");
  const key = randomBytes(32).toString("hex");
  const attachmentId = `att_probe_${randomBytes(6).toString("hex")}`;
  await sql`insert into attachment_blobs (key, data) values (${key}, ${bytes})`;
  await sql`
    insert into attachments (id, account_id, dispute_id, message_id, uploaded_by_user_id, filename, content_type, size, sha256, storage_key)
    values (${attachmentId}, ${acc.id}, ${dsp.id}, ${msg!.id}, ${sam.id}, 'initech-secret.pdf', 'application/pdf', ${bytes.length}, ${createHash("sha256").update(bytes).digest("hex")}, ${key})`;
  other = { accountId: acc.id, name: acc.name, invoiceId: inv.id, disputeId: dsp.id, attachmentId };
});

/** Inserts a key straight into the database (hash only, as the portal stores it). */
async function apiKey(scopes: string[], revoked = false): Promise<string> {
  const key = `eipp_${randomBytes(30).toString("base64url")}`;
  const id = `key_probe${randomBytes(8).toString("hex")}`;
  await sql`insert into api_keys (id, name, prefix, key_hash, scopes, revoked_at)
    values (${id}, ${`probe ${id}`}, ${key.slice(0, 12)}, ${createHash("sha256").update(key).digest("hex")}, ${scopes}, ${revoked ? new Date() : null})`;
  return key;
}

const statusOf = async (request: APIRequestContext, path: string) => (await request.get(path, { maxRedirects: 0 })).status();

test("every payer page, file and action answers 404 for another account's ids", async ({ page, signInAs }) => {
  await signInAs(pat.user);
  const { invoiceId, disputeId, attachmentId, accountId } = other;
  for (const path of [
    `/invoices/${invoiceId}`,
    `/invoices/${invoiceId}/pdf`,
    `/invoices/${invoiceId}/dispute`,
    `/disputes/${disputeId}`,
    `/attachments/${attachmentId}`,
    `/statement.pdf?account=${accountId}`,
  ]) {
    expect(await statusOf(page.request, path), path).toBe(404);
  }
  // Lists and the statement never show another account, whatever the query says.
  for (const path of [`/invoices?account=${accountId}`, `/statement?account=${accountId}`, `/statement.csv?account=${accountId}`, `/statement/pdf?account=${accountId}`, `/pay?invoice=${invoiceId}`, `/plans/new?invoice=${invoiceId}`]) {
    const res = await page.request.get(path);
    expect(await res.text(), path).not.toContain(other.name);
  }

  const post = (path: string, options: Parameters<APIRequestContext["post"]>[1]) => page.request.post(path, { ...options, headers: origin, maxRedirects: 0 });
  expect((await post(`/disputes/${disputeId}`, { multipart: { intent: "withdraw" } })).status()).toBe(404);
  expect((await post(`/disputes/${disputeId}`, { multipart: { intent: "reply", body: "probe" } })).status()).toBe(404);
  expect((await post(`/invoices/${invoiceId}/dispute`, { multipart: { reason: "pricing", description: "probe probe" } })).status()).toBe(404);
  expect((await post("/account/switch", { form: { accountId } })).status()).toBe(404);
  const pay = await post("/pay", { form: { invoice: invoiceId, [`amount_${invoiceId}`]: "1.00", attemptId: `probe-${randomBytes(8).toString("hex")}` } });
  // Nothing of theirs to pay: the form is refused (422, a Problem of kind "invalid") and nothing is reserved.
  expect(pay.status()).toBe(422);
  const [dispute] = await sql<{ status: string }[]>`select status from disputes where id = ${disputeId}`;
  expect(dispute!.status).not.toBe("withdrawn");
  expect(await sql`select 1 from payment_allocations where invoice_id = ${invoiceId}`).toHaveLength(0);

  // returnTo is our own path only.
  const northwindCa = pat.accounts[1];
  for (const returnTo of ["//evil.example", "/\\evil.example", "https://evil.example"]) {
    const res = await post("/account/switch", { form: { accountId: northwindCa!.id, returnTo } });
    expect(res.headers().location, returnTo).toBe("/invoices");
  }
});

test("staff pages are 404 to a payer; keys and plan rules are AR-admin-only, whatever the page", async ({ page, signInAs }) => {
  await signInAs(pat.user);
  for (const path of ["/admin", "/admin/customers", "/admin/api-keys", "/admin/plans/settings", `/admin/invoices/${other.invoiceId}`, `/admin/attachments/${other.attachmentId}`]) {
    expect(await statusOf(page.request, path), path).toBe(404);
  }
  expect((await page.request.post("/admin/api-keys", { form: { intent: "create", name: "payer key", scopes: "invoices:write" }, headers: origin })).status()).toBe(404);

  await signInAs(await data.staff());
  const name = `agent key ${randomBytes(3).toString("hex")}`;
  const create = await page.request.post("/admin/api-keys", { form: { intent: "create", name, scopes: "invoices:write" }, headers: origin });
  expect(create.status()).toBe(403);
  expect(await sql`select 1 from api_keys where name = ${name}`).toHaveLength(0);
  const target = await apiKey(["events:read"]);
  const [row] = await sql<{ id: string }[]>`select id from api_keys where key_hash = ${createHash("sha256").update(target).digest("hex")}`;
  expect((await page.request.post("/admin/api-keys", { form: { intent: "revoke", keyId: row!.id }, headers: origin })).status()).toBe(403);
  expect((await page.request.get("/api/v1/events?limit=1", { headers: { Authorization: `Bearer ${target}` } })).status()).toBe(200);
  expect((await page.request.post("/admin/plans/settings", { form: { minTotal: "1" }, headers: origin })).status()).toBe(403);
  // The agent still sees the list, without the forms.
  await page.goto("/admin/api-keys");
  await expect(page.getByText("Only an AR admin can create or revoke API keys.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Create API key" })).toHaveCount(0);
});

test("every /api/v1 route refuses a key without its scope (403) and a revoked key (401); limits are checked", async ({ request }) => {
  const none = await apiKey(["events:read"]);
  const revoked = await apiKey(["events:read", "invoices:read", "invoices:write", "customers:write"], true);
  const [inv] = await sql<{ external_id: string }[]>`select external_id from invoices where external_id is not null and status = 'open' order by id limit 1`;
  const ext = encodeURIComponent(inv!.external_id);
  const routes: Array<[method: "get" | "put" | "post", path: string, scope: string]> = [
    ["get", `/api/v1/invoices/${ext}`, "invoices:read"],
    ["put", `/api/v1/invoices/${ext}`, "invoices:write"],
    ["post", `/api/v1/invoices/${ext}/void`, "invoices:write"],
    ["post", `/api/v1/invoices/${ext}/payments`, "invoices:write"],
    ["post", `/api/v1/invoices/${ext}/credit-memos`, "invoices:write"],
    ["put", "/api/v1/customers/probe-customer", "customers:write"],
    ["get", "/api/v1/customers/probe-customer/reminders", "customers:read"],
  ];
  for (const [method, path, scope] of routes) {
    const lacking = await request[method](path, { headers: { Authorization: `Bearer ${none}` }, data: {} });
    expect(lacking.status(), `${method} ${path}`).toBe(403);
    expect(await lacking.json()).toEqual({ error: { code: "insufficient_scope", message: `This API key lacks the "${scope}" scope.` } });
    expect((await request[method](path, { headers: { Authorization: `Bearer ${revoked}` }, data: {} })).status(), `${method} ${path} revoked`).toBe(401);
  }
  const batch = await request.post("/api/v1/batch", { headers: { Authorization: `Bearer ${none}` }, data: { operations: [{ method: "POST", path: `/invoices/${ext}/void` }] } });
  expect((await batch.json()).results[0].status).toBe(403);
  const [voided] = await sql<{ status: string }[]>`select status from invoices where external_id = ${inv!.external_id}`;
  expect(voided!.status).not.toBe("void");
  for (const path of ["/api/v1/events", "/api/v1/events/ev_x"]) expect((await request.get(path, { headers: { Authorization: `Bearer ${revoked}` } })).status()).toBe(401);

  // A method an endpoint does not take, or a path that is no endpoint: the API's JSON errors.
  const full = { Authorization: `Bearer ${await apiKey(["events:read", "invoices:read", "invoices:write", "customers:write"])}` };
  const wrongMethod: Array<[method: "get" | "post" | "put" | "delete", path: string, allow: string]> = [
    ["post", "/api/v1/events", "GET"],
    ["delete", "/api/v1/events/ev_x", "GET"],
    ["post", "/api/v1/openapi.json", "GET"],
    ["get", "/api/v1/batch", "POST"],
    ["get", `/api/v1/invoices/${ext}/void`, "POST"],
    ["get", `/api/v1/invoices/${ext}/payments`, "POST"],
    ["get", `/api/v1/invoices/${ext}/credit-memos`, "POST"],
    ["get", "/api/v1/customers/probe-customer", "PUT"],
    ["post", "/api/v1/customers/probe-customer/reminders", "GET"],
  ];
  for (const [method, path, allow] of wrongMethod) {
    const res = await request[method](path, { headers: full });
    expect(res.status(), `${method} ${path}`).toBe(405);
    expect(res.headers().allow).toBe(allow);
    expect(await res.json()).toEqual({ error: { code: "method_not_allowed", message: `Use ${allow}.` } });
  }
  for (const [method, path] of [["get", "/api/v1/nope"], ["post", "/api/v1/invoices/x/refund"]] as const) {
    const res = await request[method](path, { headers: full });
    expect(res.status(), path).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
  }

  const auth = { Authorization: `Bearer ${none}` };
  for (const query of ["limit=1000000000", "limit=-1", "limit=0", "limit=1e3", "after=%00", `after=${Buffer.from("1.99999999999999999").toString("base64url")}`]) {
    const res = await request.get(`/api/v1/events?${query}`, { headers: auth });
    expect(res.status(), query).toBe(400);
    expect((await res.json()).error.code).toBe("invalid_request");
  }
});

test("U+0000 in a form, an upload form, a CSV import or an API body answers 4xx and stores nothing", async ({ page, request, signInAs }) => {
  const samDispute = { id: other.disputeId };
  const messagesBefore = await sql`select id from dispute_messages where dispute_id = ${samDispute!.id}`;

  await signInAs(sam);
  const reply = await page.request.post(`/disputes/${samDispute!.id}`, { multipart: { intent: "reply", body: `hello${NUL}there` }, headers: origin, maxRedirects: 0 });
  expect(reply.status()).toBe(400);
  expect(await reply.text()).toContain("NUL character");

  await signInAs(pat.user);
  const pay = await page.request.post("/pay", { form: { invoice: `inv_${NUL}`, [`amount_inv_${NUL}`]: "1.00", attemptId: `probe-${randomBytes(8).toString("hex")}` }, headers: origin, maxRedirects: 0 });
  expect(pay.status()).toBe(400);
  // %00 in a query is refused at the edge, before any loader reads it.
  expect((await page.request.get(`/pay?invoice=${encodeURIComponent(NUL)}`)).status()).toBe(400);
  // A tampered saved-card choice: refused (by the form reader, before the pay form sees it), nothing reserved.
  const open = await data.invoice(pat.accounts[0]!);
  const pendingBefore = await sql`select id from payments where account_id = (select account_id from invoices where id = ${open!.id})`;
  const tampered = await page.request.post("/pay", {
    form: { invoice: open!.id, [`amount_${open!.id}`]: "1.00", attemptId: `probe-${randomBytes(8).toString("hex")}`, method: NUL },
    headers: origin,
    maxRedirects: 0,
  });
  expect(tampered.status()).toBe(400);
  expect(await tampered.text()).toContain("NUL character");
  expect(await sql`select id from payments where account_id = (select account_id from invoices where id = ${open!.id})`).toHaveLength(pendingBefore.length);

  await signInAs(await data.staff());
  const note = await page.request.post(`/admin/disputes/${samDispute!.id}`, { multipart: { intent: "internal_note", body: `note${NUL}` }, headers: origin, maxRedirects: 0 });
  expect(note.status()).toBe(400);
  // The same as a plain (urlencoded) POST: the use case refuses it, whichever way the form came.
  const plain = await page.request.post(`/admin/disputes/${samDispute!.id}`, { form: { intent: "reply", body: `plain${NUL}` }, headers: origin, maxRedirects: 0 });
  expect(plain.status()).toBe(400);
  const csv = `external_id,number,name,billing_email,currency,contact_email,contact_name\nPROBE-${NUL},P-1,Probe${NUL} Co,,USD,probe@probe.example,\n`;
  const imported = await page.request.post("/admin/import", { multipart: { intent: "import", kind: "customers", csv }, headers: origin });
  expect(imported.status()).toBe(400);
  expect(await imported.text()).toContain("NUL character");
  // A Windows-1252 file (Excel's plain CSV): refused with the fix, not imported as "Caf\uFFFD".
  const latin1Csv = Buffer.from("external_id,number,name,billing_email,currency,contact_email,contact_name\nPROBE-LAT,P-2,Probe Caf\xe9,,USD,probe2@probe.example,\n", "latin1");
  const fromFile = await page.request.post("/admin/import", { multipart: { kind: "customers", file: { name: "customers.csv", mimeType: "text/csv", buffer: latin1Csv } }, headers: origin });
  expect(fromFile.status()).toBe(400);
  expect(await fromFile.text()).toContain("The file is not UTF-8 text.");
  expect(await sql`select 1 from accounts where name like 'Probe%'`).toHaveLength(0);
  expect(await sql`select id from dispute_messages where dispute_id = ${samDispute!.id}`).toHaveLength(messagesBefore.length);

  await signInAs(await data.staff("ar_admin"));
  const named = await page.request.post("/admin/api-keys", { form: { intent: "create", name: `ERP${NUL}`, scopes: "events:read" }, headers: origin });
  expect(named.status()).toBe(400);
  expect((await page.request.post("/admin/api-keys", { form: { intent: "revoke", keyId: `key_${NUL}` }, headers: origin })).status()).toBe(400);

  const key = await apiKey(["customers:write", "invoices:write", "invoices:read"]);
  const auth = { Authorization: `Bearer ${key}` };
  const body = await request.put("/api/v1/customers/probe-nul", { headers: auth, data: { number: "P-NUL", name: `Probe${NUL}`, currency: "USD" } });
  expect(body.status()).toBe(422);
  expect((await body.json()).error.details).toEqual([{ path: "name", message: "The value contains a NUL character (U+0000), which cannot be stored." }]);
  // In the URL: refused at the edge, in the API's JSON error shape.
  const path = await request.get(`/api/v1/invoices/a${encodeURIComponent(NUL)}b`, { headers: auth });
  expect(path.status()).toBe(400);
  expect((await path.json()).error.code).toBe("invalid_request");
  const batch = await request.post("/api/v1/batch", { headers: auth, data: { operations: [{ method: "POST", path: `/invoices/x${NUL}/void` }] } });
  expect(batch.status()).toBe(422);
  // Text that would be stored altered: a lone surrogate (\ud800) and bytes that are not UTF-8.
  const json = { ...auth, "Content-Type": "application/json" };
  const surrogate = await request.put("/api/v1/customers/probe-sur", { headers: json, data: '{"number":"P-SUR","name":"x\\ud800y","currency":"USD"}' });
  expect(surrogate.status()).toBe(422);
  expect((await surrogate.json()).error.details[0].path).toBe("name");
  const latin1 = await request.put("/api/v1/customers/probe-latin1", { headers: json, data: Buffer.from('{"number":"P-LAT","name":"Caf\xe9","currency":"USD"}', "latin1") });
  expect(latin1.status()).toBe(400);
  expect((await latin1.json()).error.message).toBe("The request body is not valid UTF-8. Send JSON encoded as UTF-8.");
  expect(await sql`select 1 from accounts where number in ('P-NUL', 'P-SUR', 'P-LAT')`).toHaveLength(0);
});

// U+0000 anywhere in the URL (a path segment or a query value) used to reach PostgreSQL and fail
// the query with a 500 on every page that looks an id or a search up; the edge refuses it
// (pathGuard in server/http.ts).
test("U+0000 in a URL path or query answers 4xx, not 500", async ({ page, signInAs }) => {
  await signInAs(pat.user);
  for (const path of ["/invoices/%00", "/invoices/%00/pdf", "/disputes/%00", "/payments/%00", "/payments/%00/receipt", "/plans/%00", "/attachments/%00", "/invoices?q=%00"]) {
    const status = await statusOf(page.request, path);
    expect(status, path).toBeGreaterThanOrEqual(400);
    expect(status, path).toBeLessThan(500);
  }
  await signInAs(await data.staff("ar_admin"));
  for (const path of ["/admin/invoices/%00", "/admin/disputes/%00", "/admin/payments/%00", "/admin/plans/%00", "/admin/customers/%00", "/admin/attachments/%00", "/admin/webhooks/%00", "/admin/invoices?q=%00", "/admin/customers?q=%00", "/admin/disputes?customer=%00"]) {
    const status = await statusOf(page.request, path);
    expect(status, path).toBeGreaterThanOrEqual(400);
    expect(status, path).toBeLessThan(500);
  }
});

// U+0000 in a plain (urlencoded) form field used to reach PostgreSQL in use cases that take free
// text (a dispute's credit note here; plan decline reasons, refund reasons the same way) and fail
// the insert with a 500; the one form reader (app/utils/read-form.server.ts) refuses it.
test("U+0000 in a urlencoded form field answers 400, not 500", async ({ page, signInAs }) => {
  const [dispute] = await sql<{ id: string }[]>`
    select d.id from disputes d where d.status not in ('withdrawn', 'credited', 'rejected', 'resolved') order by d.id limit 1`;
  await signInAs(await data.staff("ar_admin"));
  const credit = await page.request.post(`/admin/disputes/${dispute!.id}`, {
    form: { intent: "credit", creditAmount: "0.01", creditNote: `credit${NUL}note` },
    headers: origin,
    maxRedirects: 0,
  });
  expect(credit.status()).toBe(400);
  const [after] = await sql<{ status: string }[]>`select status from disputes where id = ${dispute!.id}`;
  expect(after!.status).not.toBe("credited");
});
