import { and, eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "#db/schema/audit";
import { events } from "#db/schema/events";
import { invoices, type Invoice } from "#db/schema/invoices";
import { accountCredits, creditApplications } from "#db/schema/terms";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api/create-api-key.server";
import { buildOpenApiDocument } from "~/modules/api/openapi";
import type { ApiScope } from "~/modules/api/scopes";
import type { Actor } from "~/modules/auth/actor";
import { action as batchAction } from "~/routes/api.v1.batch";
import { action as creditsPost, loader as creditsGet } from "~/routes/api.v1.customers.$externalId_.credits";
import { isProblem, type Problem } from "~/utils/problem";
import { testData } from "../../../test/helpers";
import { callApi, type Json } from "../../../test/ingest-api";
import { applyCreditAsStaff } from "./apply-credit-as-staff.server";
import { applyCredits, type AppliedCredit, type CreditApplicationRequest } from "./apply-credits.server";
import { openCredits } from "./open-credits.server";
import { payerCredits } from "./payer-credits.server";

type Handler = (args: never) => Promise<Response>;
let data: Awaited<ReturnType<typeof testData>>;
let writeKey: string;
let readKey: string;
let agent: Actor;

async function newKey(scopes: ApiScope[]): Promise<string> {
  const admin = await data.staff("ar_admin");
  const result = await createApiKey({ kind: "staff", userId: admin.id, role: "ar_admin", ip: null }, { name: "ERP", scopes });
  if (isProblem(result)) throw new Error(result.message);
  return result.key;
}

beforeAll(async () => {
  data = await testData();
  writeKey = await newKey(["invoices:write", "invoices:read"]);
  readKey = await newKey(["invoices:read"]);
  agent = { kind: "staff", role: "ar_agent", userId: (await data.staff("ar_agent")).id, ip: null };
});

const post = (customer: string, body: unknown, key = writeKey) => callApi(creditsPost as Handler, key, "POST", `/customers/${customer}/credits`, { externalId: customer }, body);
const list = (customer: string, key = readKey) => callApi(creditsGet as Handler, key, "GET", `/customers/${customer}/credits`, { externalId: customer });

/** What a pay flow does: lock the invoices in id order, then apply, in one transaction. */
async function apply(accountId: string, applications: CreditApplicationRequest[], options: { quoteId?: string; holdMs?: number } = {}): Promise<AppliedCredit[] | Problem> {
  return db.transaction(async (tx) => {
    const ids = [...new Set(applications.map((a) => a.invoiceId))].sort();
    await tx.select({ id: invoices.id }).from(invoices).where(inArray(invoices.id, ids)).orderBy(invoices.id).for("update");
    const result = await applyCredits(tx, agent, { accountId, applications, quoteId: options.quoteId ?? null });
    if (options.holdMs) await new Promise((r) => setTimeout(r, options.holdMs));
    return result;
  });
}

const invoiceRow = async (id: string): Promise<Invoice> => (await db.select().from(invoices).where(eq(invoices.id, id)))[0]!;
const creditRow = async (id: string) => (await db.select().from(accountCredits).where(eq(accountCredits.id, id)))[0]!;
const balances = async (list: Invoice[]) => Promise.all(list.map(async (i) => (await invoiceRow(i.id)).balance));

describe("the credits API", () => {
  it("creates a credit (201), answers the same external id and amount with it (200), refuses another amount (409)", async () => {
    const account = await data.account();
    const body = { amount: 50_00, currency: "USD", reason: "Returned pallets", external_id: `CR-${account.id}` };
    const created = await post(account.externalId!, body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ external_id: body.external_id, customer_external_id: account.externalId, source: "credit_memo", currency: "USD", amount: 50_00, amount_applied: 0, available: 50_00, reason: "Returned pallets", applications: [] });

    const again = await post(account.externalId!, body);
    expect(again).toEqual({ status: 200, body: created.body });
    const other = await post(account.externalId!, { ...body, amount: 60_00 });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("idempotency_conflict");
    // Another customer cannot take the same id either.
    const elsewhere = await data.account();
    expect((await post(elsewhere.externalId!, body)).status).toBe(409);
    expect(await db.select().from(accountCredits).where(eq(accountCredits.externalId, body.external_id))).toHaveLength(1);

    const overpayment = await post(account.externalId!, { amount: 5_00, currency: "USD", reason: "Paid twice", source: "overpayment" });
    expect(overpayment.status).toBe(201);
    expect(overpayment.body.source).toBe("overpayment");
    const listed = await list(account.externalId!);
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((c: Json) => [c.amount, c.source])).toEqual([
      [50_00, "credit_memo"],
      [5_00, "overpayment"],
    ]);
    const audit = await db.select().from(auditLog).where(and(eq(auditLog.action, "credit.created"), eq(auditLog.subjectId, created.body.id)));
    expect(audit).toHaveLength(1);
  });

  it("refuses a bad body field by field (422), an unknown customer (404) and a key without the scope (403)", async () => {
    const account = await data.account();
    const refused = await post(account.externalId!, { amount: 0, currency: "usd", reason: "", source: "gift" });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("invalid_request");
    expect(refused.body.error.details.map((d: Json) => d.path).sort()).toEqual(["amount", "currency", "reason", "source"]);
    expect((await post(account.externalId!, { amount: 1.5, currency: "USD", reason: "Half a cent" })).status).toBe(422);
    expect((await post("no-such-customer", { amount: 100, currency: "USD", reason: "x" })).status).toBe(404);
    expect((await list("no-such-customer")).status).toBe(404);
    const forbidden = await post(account.externalId!, { amount: 100, currency: "USD", reason: "x" }, readKey);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe("insufficient_scope");
    expect(await db.select().from(accountCredits).where(eq(accountCredits.accountId, account.id))).toEqual([]);
  });

  it("works in a batch and is documented in the OpenAPI document", async () => {
    const account = await data.account();
    const request = new Request("http://localhost:3999/api/v1/batch", {
      method: "POST",
      headers: { Authorization: `Bearer ${writeKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ operations: [{ method: "POST", path: `/customers/${account.externalId}/credits`, body: { amount: 7_00, currency: "USD", reason: "Batch credit" } }, { method: "GET", path: `/customers/${account.externalId}/credits` }] }),
    });
    const res = await (batchAction as Handler)({ request, params: {}, context: {} } as never);
    const answer = (await res.json()) as Json;
    expect(answer.results.map((r: Json) => r.status)).toEqual([201, 200]);
    expect(answer.results[1].body.data[0].amount).toBe(7_00);

    const doc = buildOpenApiDocument() as Json;
    expect(Object.keys(doc.paths["/api/v1/customers/{external_id}/credits"]).sort()).toEqual(["get", "post"]);
    expect(doc.components.schemas.AccountCreditInput.properties.source.enum).toEqual(["credit_memo", "overpayment"]);
    expect(doc.info.description).toContain("`credit.applied`");
  });
});

describe("applyCredits", () => {
  it("reduces exactly the chosen invoices by the chosen amounts, records the applications, events and audit rows", async () => {
    const account = await data.account();
    const [a, b, c] = await data.invoices(account, [{ total: 100_00 }, { total: 80_00 }, { total: 60_00 }]);
    const credit = await data.credit(account, { amount: 50_00 });
    const applied = await apply(account.id, [
      { creditId: credit.id, invoiceId: a!.id, amount: 30_00 },
      { creditId: credit.id, invoiceId: b!.id, amount: 15_00 },
    ], { quoteId: "quo_test" });
    expect(isProblem(applied)).toBe(false);
    expect(await balances([a!, b!, c!])).toEqual([70_00, 65_00, 60_00]);
    expect((await invoiceRow(a!.id)).amountCredited).toBe(30_00);
    expect((await invoiceRow(c!.id)).amountCredited).toBe(0);
    expect(await creditRow(credit.id)).toMatchObject({ amountApplied: 45_00 });
    expect((await openCredits(db, account.id)).map((o) => o.available)).toEqual([5_00]);

    const rows = await db.select().from(creditApplications).where(eq(creditApplications.creditId, credit.id));
    expect(rows.map((r) => [r.invoiceId, r.amount, r.quoteId, r.appliedByUserId]).sort()).toEqual(
      [
        [a!.id, 30_00, "quo_test", (agent as { userId: string }).userId],
        [b!.id, 15_00, "quo_test", (agent as { userId: string }).userId],
      ].sort(),
    );
    const outbox = await db.select().from(events).where(and(eq(events.type, "credit.applied"), eq(events.subjectId, credit.id)));
    expect(outbox.map((e) => e.data).sort((x, y) => Number(y.amount) - Number(x.amount))).toEqual([
      { creditId: credit.id, source: "credit_memo", invoiceId: a!.id, invoiceNumber: a!.number, amount: 30_00, currency: "USD", quoteId: "quo_test", remaining: 20_00 },
      { creditId: credit.id, source: "credit_memo", invoiceId: b!.id, invoiceNumber: b!.number, amount: 15_00, currency: "USD", quoteId: "quo_test", remaining: 5_00 },
    ]);
    expect(outbox.every((e) => e.accountId === account.id)).toBe(true);
    expect(await db.select().from(auditLog).where(and(eq(auditLog.action, "credit.applied"), eq(auditLog.subjectId, credit.id)))).toHaveLength(2);
    // Nothing was closed.
    expect(await db.select().from(events).where(and(eq(events.type, "invoice.paid"), inArray(events.subjectId, [a!.id, b!.id])))).toEqual([]);
  });

  it("closes an invoice whose balance reaches 0: paid, with invoice.paid", async () => {
    const account = await data.account();
    const [a] = await data.invoices(account, [{ total: 40_00, paid: 10_00 }]);
    const first = await data.credit(account, { amount: 20_00 });
    const second = await data.credit(account, { amount: 20_00 });
    const applied = await apply(account.id, [
      { creditId: first.id, invoiceId: a!.id, amount: 20_00 },
      { creditId: second.id, invoiceId: a!.id, amount: 10_00 },
    ]);
    expect(isProblem(applied) ? applied.message : applied.map((x) => x.balance)).toEqual([10_00, 0]);
    expect(await invoiceRow(a!.id)).toMatchObject({ status: "paid", balance: 0, amountCredited: 30_00, amountPaid: 10_00 });
    const paid = await db.select().from(events).where(and(eq(events.type, "invoice.paid"), eq(events.subjectId, a!.id)));
    expect(paid.map((e) => e.data)).toEqual([{ number: a!.number, creditId: second.id }]);
    expect((await openCredits(db, account.id)).map((c) => [c.id, c.available])).toEqual([[second.id, 10_00]]);
  });

  it("refuses more than the credit has, another account's credit, another currency and more than the invoice can take, changing nothing", async () => {
    const account = await data.account();
    const other = await data.account();
    const cad = await data.account({ currency: "CAD" });
    const [a, disputed, onPlan] = await data.invoices(account, [{ total: 100_00 }, { total: 100_00 }, { total: 100_00 }]);
    await data.dispute(disputed!, { amount: 70_00 });
    await db.update(invoices).set({ paymentPlanId: "plan_test" }).where(eq(invoices.id, onPlan!.id));
    const [cadInvoice] = await data.invoices(cad, [{ total: 100_00 }]);
    const credit = await data.credit(account, { amount: 50_00 });
    const usdOnCad = await data.credit(cad, { amount: 10_00, currency: "USD" });
    const theirs = await data.credit(other, { amount: 50_00 });

    const refusals: Array<[CreditApplicationRequest[], string, string, RegExp]> = [
      [[{ creditId: credit.id, invoiceId: a!.id, amount: 50_01 }], "conflict", "applications.0.amount", /has USD 50\.00 left to apply, less than USD 50\.01/],
      // Two applications of one credit are counted together.
      [[{ creditId: credit.id, invoiceId: a!.id, amount: 30_00 }, { creditId: credit.id, invoiceId: a!.id, amount: 30_00 }], "conflict", "applications.1.amount", /has USD 20\.00 left/],
      [[{ creditId: theirs.id, invoiceId: a!.id, amount: 10_00 }], "invalid", "applications.0.creditId", new RegExp(`Credit ${theirs.id} is not a credit of this account`)],
      [[{ creditId: credit.id, invoiceId: cadInvoice!.id, amount: 10_00 }], "invalid", "applications.0.invoiceId", /is not an invoice of this account/],
      [[{ creditId: credit.id, invoiceId: disputed!.id, amount: 30_01 }], "conflict", "applications.0.amount", new RegExp(`At most USD 30\\.00 of credit can go on invoice ${disputed!.number} now.*USD 70\\.00 is disputed`)],
      [[{ creditId: credit.id, invoiceId: onPlan!.id, amount: 1_00 }], "conflict", "applications.0.amount", /is on a payment plan/],
      [[{ creditId: credit.id, invoiceId: a!.id, amount: 0 }], "invalid", "applications.0.amount", /greater than zero/],
    ];
    for (const [applications, kind, field, message] of refusals) {
      const result = await apply(account.id, applications);
      expect(isProblem(result), JSON.stringify(applications)).toBe(true);
      const problem = result as Problem;
      expect([problem.kind, Object.keys(problem.fields), problem.message]).toEqual([kind, [field], expect.stringMatching(message)]);
    }
    const crossCurrency = await apply(cad.id, [{ creditId: usdOnCad.id, invoiceId: cadInvoice!.id, amount: 5_00 }]);
    expect(isProblem(crossCurrency) && crossCurrency.message).toMatch(/is in USD and invoice .* is in CAD/);

    expect(await balances([a!, disputed!, onPlan!, cadInvoice!])).toEqual([100_00, 100_00, 100_00, 100_00]);
    expect((await creditRow(credit.id)).amountApplied).toBe(0);
    expect(await db.select().from(creditApplications).where(inArray(creditApplications.creditId, [credit.id, theirs.id, usdOnCad.id]))).toEqual([]);
    expect(await db.select().from(events).where(and(eq(events.type, "credit.applied"), inArray(events.subjectId, [credit.id, theirs.id, usdOnCad.id])))).toEqual([]);
  });

  it("two applications of one credit at the same time never overdraw it: the second waits, then is refused", async () => {
    const account = await data.account();
    const [a, b] = await data.invoices(account, [{ total: 100_00 }, { total: 100_00 }]);
    const credit = await data.credit(account, { amount: 100_00 });
    // The first holds the credit's lock for a while; the second starts meanwhile on another invoice.
    const first = apply(account.id, [{ creditId: credit.id, invoiceId: a!.id, amount: 70_00 }], { holdMs: 400 });
    await new Promise((r) => setTimeout(r, 100));
    const second = apply(account.id, [{ creditId: credit.id, invoiceId: b!.id, amount: 70_00 }]);
    const [one, two] = await Promise.all([first, second]);
    expect(isProblem(one)).toBe(false);
    expect(isProblem(two) && two.message).toMatch(/has USD 30\.00 left to apply, less than USD 70\.00/);
    expect((await creditRow(credit.id)).amountApplied).toBe(70_00);
    expect(await balances([a!, b!])).toEqual([30_00, 100_00]);
  });
});

describe("staff apply a credit (the customer page's form)", () => {
  it("reads the typed amount in the credit's currency and refuses what it cannot apply, naming the field", async () => {
    const account = await data.account();
    const [a] = await data.invoices(account, [{ total: 100_00 }]);
    const credit = await data.credit(account, { amount: 50_00 });
    const ask = (amount: string, over: Partial<{ creditId: string; invoiceId: string }> = {}) => applyCreditAsStaff(agent, { accountId: account.id, creditId: credit.id, invoiceId: a!.id, amount, ...over });

    for (const [amount, field] of [["abc", "amount"], ["0", "amount"], ["50.01", "amount"]] as const) {
      const refused = await ask(amount);
      expect(isProblem(refused) && Object.keys(refused.fields)).toEqual([field]);
    }
    const unknownInvoice = await ask("1.00", { invoiceId: "inv_nope" });
    expect(isProblem(unknownInvoice) && unknownInvoice.fields).toEqual({ invoiceId: "Choose one of this account's open invoices." });
    const payer = await data.payer({ accounts: [account] });
    expect(isProblem(await applyCreditAsStaff({ kind: "payer", userId: payer.user.id, ip: null }, { accountId: account.id, creditId: credit.id, invoiceId: a!.id, amount: "1.00" }))).toBe(true);

    const applied = await ask("$1,2.34");
    expect(isProblem(applied) ? applied.message : { amount: applied.amount, remaining: applied.remaining, balance: applied.balance }).toEqual({ amount: 12_34, remaining: 37_66, balance: 87_66 });
  });
});

describe("openCredits", () => {
  it("lists what is left to apply, oldest first, in one currency when asked", async () => {
    const account = await data.account();
    const usedUp = await data.credit(account, { amount: 10_00, applied: 10_00 });
    const older = await data.credit(account, { amount: 10_00, applied: 4_00, source: "overpayment" });
    const cad = await data.credit(account, { amount: 20_00, currency: "CAD" });
    const all = await openCredits(db, account.id);
    expect(all.map((c) => [c.id, c.source, c.available])).toEqual([
      [older.id, "overpayment", 6_00],
      [cad.id, "credit_memo", 20_00],
    ]);
    expect(all.some((c) => c.id === usedUp.id)).toBe(false);
    expect((await openCredits(db, account.id, "CAD")).map((c) => c.id)).toEqual([cad.id]);
  });
});

describe("payerCredits", () => {
  it("shows a payer their account's credits left, and nothing of an account they are not a contact of", async () => {
    const mine = await data.account();
    const theirs = await data.account();
    const { user } = await data.payer({ accounts: [mine] });
    const credit = await data.credit(mine, { amount: 30_00, applied: 10_00 });
    await data.credit(theirs, { amount: 99_00 });
    const scope = { kind: "payer" as const, userId: user.id, ip: null };
    expect((await payerCredits(scope, mine.id)).map((c) => [c.id, c.available])).toEqual([[credit.id, 20_00]]);
    expect(await payerCredits(scope, theirs.id)).toEqual([]);
  });
});
