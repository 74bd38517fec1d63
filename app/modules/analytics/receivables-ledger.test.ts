/**
 * A customer's ledger built through the ingest API (invoices, a credit, a void, offline payments
 * recorded late with past received dates), and every figure of GET /api/v1/metrics/receivables
 * checked against values computed by hand (below, per date) at three dates.
 */
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api/create-api-key.server";
import type { ApiScope } from "~/modules/api/scopes";
import { setClock } from "~/utils/clock";
import { isProblem } from "~/utils/problem";
import { testData } from "../../../test/helpers";
import { cents, ingestApi, onDate as on, oneLineInvoice } from "../../../test/ingest-api";
import { foldReceivables } from "./fold-receivables.server";
import { receivablesFiguresAt } from "./receivables-figures.server";

let writeKey: string;
let readKey: string;
const api = ingestApi(() => writeKey);
const reader = ingestApi(() => readKey);
const tag = randomBytes(4).toString("hex").toUpperCase();
const customer = `AN-${tag}`;

async function newKey(scopes: ApiScope[]): Promise<string> {
  const admin = await (await testData()).staff("ar_admin");
  const result = await createApiKey({ kind: "staff", userId: admin.id, role: "ar_admin", ip: null }, { name: "ERP", scopes });
  if (isProblem(result)) throw new Error(result.message);
  return result.key;
}

const ext = (letter: string) => `${customer}-${letter}`;

async function invoice(letter: string, issue: string, due: string, dollars: number, currency = "USD", customerId = customer) {
  const res = await api.putInvoice(ext(letter), oneLineInvoice({ customer: customerId, number: `${customerId}-${letter}`, currency, issue, due, amount: cents(dollars) }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}
const pay = async (letter: string, dollars: number, receivedOn: string) => expect((await api.pay(ext(letter), { amount: cents(dollars), reference: `chk-${letter}-${receivedOn}`, received_on: receivedOn })).status).toBe(201);

const metrics = (query: Record<string, string>, as = reader) => as.metrics(query);

beforeAll(async () => {
  writeKey = await newKey(["customers:write", "invoices:write"]);
  readKey = await newKey(["metrics:read"]);
  expect((await api.putCustomer(customer, { number: customer, name: `Analytics ${tag}`, currency: "USD" })).status).toBe(201);
  on("2026-03-26");
  await invoice("A", "2026-01-10", "2026-02-09", 1_000);
  await invoice("B", "2026-02-05", "2026-03-07", 2_000);
  await invoice("C", "2026-03-20", "2026-04-19", 500);
  await invoice("D", "2026-03-25", "2026-04-24", 800);
  await pay("A", 600, "2026-02-20");
  on("2026-04-01");
  expect((await api.credit(ext("C"), { amount: 100_00, reason: "Short shipment" })).status).toBe(201);
  on("2026-04-05");
  expect((await api.voidInvoice(ext("D"))).status).toBe(200);
  on("2026-04-10");
  await invoice("E", "2026-04-10", "2026-05-10", 1_200);
});

afterAll(() => setClock(undefined));

describe("receivables figures from a ledger built through the ingest API", () => {
  it("Mar 31 over 3 months: AR 3,700 (A 400 after a Feb payment, B 2,000, C 500, D 800 not yet void)", async () => {
    const res = await metrics({ as_of: "2026-03-31", months: "3", currency: "USD", customer });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      as_of: "2026-03-31",
      months: 3,
      currency: "USD",
      period_start: "2026-01-01",
      period_days: 90,
      credit_sales: cents(4_300),
      ar_total: cents(3_700),
      ar_current: cents(1_300),
      ar_beginning: 0,
      dso_simple_days: 77.44, // 3,700 / 4,300 × 90
      dso_countback_days: 71.4, // Mar 1,300 (31 d) + Feb 2,000 (28 d) + 400/1,000 × 31
      best_possible_dso_days: 27.21, // 1,300 / 4,300 × 90
      add_days: 50.23, // 2,400 / 4,300 × 90
      cei_percent: 20, // (0 + 4,300 − 3,700) / (0 + 4,300 − 1,300)
      aging: { current: cents(1_300), days_1_30: cents(2_000), days_31_60: cents(400), days_61_90: 0, days_over_90: 0 },
    });
  });

  it("a payment recorded today with last month's date changes last month's figures", async () => {
    on("2026-06-01");
    const before = await metrics({ as_of: "2026-04-30", months: "1", currency: "USD", customer });
    expect(before.body.ar_total).toBe(cents(4_000)); // B still open
    await pay("B", 2_000, "2026-04-15");
    await pay("A", 400, "2026-05-05");

    const res = await metrics({ as_of: "2026-04-30", months: "1", currency: "USD", customer });
    expect(res.body).toMatchObject({
      period_start: "2026-04-01",
      period_days: 30,
      credit_sales: cents(1_200), // E; D was issued in March (and is void now)
      ar_total: cents(2_000), // A 400, C 400 after the credit, E 1,200
      ar_current: cents(1_200),
      ar_beginning: cents(3_700),
      dso_simple_days: 50,
      dso_countback_days: 65.2, // Apr 1,200 (30 d) + Mar 500 without the void D (31 d) + 300/2,000 × 28
      best_possible_dso_days: 30,
      add_days: 20,
      cei_percent: 78.38, // (3,700 + 1,200 − 2,000) / (3,700 + 1,200 − 1,200)
      aging: { current: cents(1_200), days_1_30: cents(400), days_31_60: 0, days_61_90: cents(400), days_over_90: 0 },
    });
    // The earlier date is untouched by facts dated after it.
    expect((await metrics({ as_of: "2026-03-31", months: "3", currency: "USD", customer })).body.ar_total).toBe(cents(3_700));
  });

  it("May 31 over 3 months: the void is no sale, nothing is current, CEI from Feb 28's AR", async () => {
    const res = await metrics({ as_of: "2026-05-31", months: "3", currency: "USD", customer });
    expect(res.body).toMatchObject({
      period_start: "2026-03-01",
      period_days: 92,
      credit_sales: cents(1_700), // C 500 + E 1,200
      ar_total: cents(1_600),
      ar_current: 0,
      ar_beginning: cents(2_400), // A 400 + B 2,000 at Feb 28
      dso_simple_days: 86.59,
      dso_countback_days: 85.8, // May no sales (31 d) + Apr 1,200 (30 d) + 400/500 × 31
      best_possible_dso_days: 0,
      add_days: 86.59,
      cei_percent: 60.98, // 2,500 / 4,100
      aging: { current: 0, days_1_30: cents(1_200), days_31_60: cents(400), days_61_90: 0, days_over_90: 0 },
    });
  });

  it("each invoice's ledger rows add up to its balance and its total (0 once void)", async () => {
    const [row] = await db.execute<{ n: string }>(sql`
      select count(*)::text as n from invoices i
      where i.balance <> coalesce((select sum(amount) from receivable_entries e where e.invoice_id = i.id and e.measure = 'ar'), 0)
         or (case when i.status = 'void' then 0 else i.total end) <> coalesce((select sum(amount) from receivable_entries e where e.invoice_id = i.id and e.measure = 'sales'), 0)`);
    expect(row!.n).toBe("0");
  });

  it("an amended due date and total restate the invoice's history; the whole book (rollup) agrees with the rows before and after folding", async () => {
    const other = `AN2-${tag}`;
    expect((await api.putCustomer(other, { number: other, name: `Analytics two ${tag}`, currency: "CHF" })).status).toBe(201);
    on("2026-06-01");
    await invoice("X", "2026-05-01", "2026-05-31", 300, "CHF", other);
    await pay("X", 100, "2026-05-20");
    // Moved to a later due date and a higher total: at May 31 it is current, and all of it counts as the sale.
    const body = oneLineInvoice({ customer: other, number: `${other}-X`, currency: "CHF", issue: "2026-05-01", due: "2026-06-30", terms: "Net 60", amount: 450_00 });
    const amended = await api.putInvoice(ext("X"), body);
    // Payments lock financial fields except the due date: the total stays, the due date moves.
    expect(amended.status).toBe(409);
    const dueOnly = await api.putInvoice(ext("X"), { ...body, lines: [{ description: "Goods", quantity: "1", unit_amount: 300_00 }] });
    expect(dueOnly.status, JSON.stringify(dueOnly.body)).toBe(200);

    const scoped = await metrics({ as_of: "2026-05-31", months: "1", currency: "CHF", customer: other });
    expect(scoped.body).toMatchObject({ credit_sales: cents(300), ar_total: cents(200), ar_current: cents(200), aging: { current: cents(200), days_1_30: 0 } });

    // Without payments the total and issue date can change: the sale moves to the new date and amount.
    await invoice("Y", "2026-04-20", "2026-05-20", 100, "CHF", other);
    const restated = oneLineInvoice({ customer: other, number: `${other}-Y`, currency: "CHF", issue: "2026-05-02", due: "2026-06-01", amount: 250_00 });
    expect((await api.putInvoice(ext("Y"), restated)).status).toBe(200);
    expect((await metrics({ as_of: "2026-04-30", months: "1", currency: "CHF", customer: other })).body).toMatchObject({ credit_sales: 0, ar_total: 0 });
    expect((await metrics({ as_of: "2026-05-31", months: "1", currency: "CHF", customer: other })).body).toMatchObject({ credit_sales: cents(550), ar_total: cents(450), ar_current: cents(450) });

    const { accountId } = (await db.execute<{ accountId: string }>(sql`select id as "accountId" from accounts where external_id = ${other}`))[0]!;
    const wholeBook = await receivablesFiguresAt({ currency: "CHF" }, "2026-05-31", 1);
    const rows = await receivablesFiguresAt({ currency: "CHF", accountId }, "2026-05-31", 1);
    await foldReceivables();
    const folded = await receivablesFiguresAt({ currency: "CHF" }, "2026-05-31", 1);
    // Other tests in this file may write CHF too: the customer's figures are part of the book's.
    expect(folded).toEqual(wholeBook);
    expect(wholeBook.arTotal).toBeGreaterThanOrEqual(rows.arTotal);
    expect(rows.arTotal).toBe(cents(450));
  });

  it("refuses a bad query with 400, an unknown customer with 404, and a key without metrics:read with 403", async () => {
    const bad = await metrics({ as_of: "2026-02-30", months: "0", currency: "usd" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_request");
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["as_of", "currency", "months"]);
    expect((await metrics({ currency: "USD", customer: "no-such-customer" })).status).toBe(404);
    expect((await metrics({ currency: "USD" }, api)).status).toBe(403);
  });
});
