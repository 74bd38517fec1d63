/**
 * The drill-downs behind the dashboard's figures, on a customer's ledger built through the ingest
 * API (invoices, a credit, a void, offline payments recorded late with past received dates): the
 * invoices of each figure at three dates, each with its balance then, summing to exactly what
 * `receivablesFigures` says for the same scope; the movements of a period; and the CSV files.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api/create-api-key.server";
import type { Actor } from "~/modules/auth/actor";
import { createSession } from "~/modules/auth/session.server";
import { loader as invoicesCsvLoader } from "~/routes/admin.analytics.invoices[.]csv";
import { loader as movementsCsvLoader } from "~/routes/admin.analytics.movements[.]csv";
import { loader as invoicesPageLoader } from "~/routes/admin.analytics.invoices";
import { setClock } from "~/utils/clock";
import { isProblem } from "~/utils/problem";
import { requestWithCookie, testData } from "../../../test/helpers";
import { cents, ingestApi, onDate as on, oneLineInvoice } from "../../../test/ingest-api";
import { drillFigures, type DrillFigure } from "./analytics-filters";
import { foldReceivables } from "./fold-receivables.server";
import { listFigureInvoices, type FigureInvoices } from "./list-figure-invoices.server";
import { listReceivableMovements, type ReceivableMovements } from "./list-receivable-movements.server";
import { receivablesFiguresAt, type ReceivablesFigures } from "./receivables-figures.server";
import type { ReceivablesScope } from "./receivables-source.server";

type Handler = (args: never) => Promise<Response>;

let writeKey: string;
let staff: Actor;
let staffCookie: string;
let accountId: string;
const tag = randomBytes(4).toString("hex").toUpperCase();
const customer = `DR-${tag}`;
// A name a spreadsheet would run as a formula, with a comma and quotes: the CSV must defuse it.
const nastyCustomer = `DRN-${tag}`;
const nastyName = `=HYPERLINK("http://x.example"), "Quoted" ${tag}`;

const api = ingestApi(() => writeKey);

const ext = (letter: string, of = customer) => `${of}-${letter}`;

async function invoice(letter: string, issue: string, due: string, dollars: number, of = customer, currency = "USD") {
  const res = await api.putInvoice(ext(letter, of), oneLineInvoice({ customer: of, number: ext(letter, of), currency, issue, due, amount: cents(dollars) }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}
const pay = async (letter: string, dollars: number, receivedOn: string) =>
  expect((await api.pay(ext(letter), { amount: cents(dollars), reference: `chk-${letter}-${receivedOn}`, received_on: receivedOn })).status).toBe(201);

beforeAll(async () => {
  const data = await testData();
  const admin = await data.staff("ar_admin");
  const created = await createApiKey({ kind: "staff", userId: admin.id, role: "ar_admin", ip: null }, { name: "ERP", scopes: ["customers:write", "invoices:write"] });
  if (isProblem(created)) throw new Error(created.message);
  writeKey = created.key;
  const agent = await data.staff("ar_agent");
  staff = { kind: "staff", userId: agent.id, role: "ar_agent", ip: null };
  staffCookie = await createSession(db, { user: agent, ip: null, userAgent: null });

  const put = async (of: string, name: string, currency: string) =>
    expect((await api.putCustomer(of, { number: of, name, currency })).status).toBe(201);
  await put(customer, `Drill ${tag}`, "USD");
  await put(nastyCustomer, nastyName, "NOK");
  on("2026-03-26");
  await invoice("A", "2026-01-10", "2026-02-09", 1_000);
  await invoice("B", "2026-02-05", "2026-03-07", 2_000);
  await invoice("C", "2026-03-20", "2026-04-19", 500);
  await invoice("D", "2026-03-25", "2026-04-24", 800);
  await pay("A", 600, "2026-02-20");
  await invoice("N", "2026-03-01", "2026-03-31", 250, nastyCustomer, "NOK");
  on("2026-04-01");
  expect((await api.credit(ext("C"), { amount: 100_00, reason: "Short shipment" })).status).toBe(201);
  on("2026-04-05");
  expect((await api.voidInvoice(ext("D"))).status).toBe(200);
  on("2026-04-10");
  await invoice("E", "2026-04-10", "2026-05-10", 1_200);
  // Recorded on June 1st, received in April and May: they change April's and May's figures.
  on("2026-06-01");
  await pay("B", 2_000, "2026-04-15");
  await pay("A", 400, "2026-05-05");
  accountId = (await db.query.accounts.findFirst({ where: (a, { eq }) => eq(a.externalId, customer) }))!.id;
});

afterAll(() => setClock(undefined));

const params = (asOf: string, months: number, extra: Record<string, string> = {}) => ({ as_of: asOf, period: "custom", months: String(months), currency: "USD", customer, ...extra });

async function figureList(figure: DrillFigure, asOf: string, months: number, extra: Record<string, string> = {}, all = false): Promise<FigureInvoices> {
  const list = await listFigureInvoices(staff, { params: { ...params(asOf, months, extra), figure }, all });
  if (isProblem(list)) throw new Error(list.message);
  return list;
}

/** The dashboard's number for a drill-down figure. */
function dashboardFigure(f: ReceivablesFigures, figure: DrillFigure): number {
  switch (figure) {
    case "ar_total":
      return f.arTotal;
    case "ar_overdue":
      return f.arTotal - f.arCurrent;
    case "credit_sales":
      return f.creditSales;
    default:
      return f.aging[figure];
  }
}

async function expectEveryFigureMatches(scope: ReceivablesScope, asOf: string, months: number, extra: Record<string, string>) {
  const figures = await receivablesFiguresAt(scope, asOf, months);
  for (const figure of drillFigures) {
    const list = await figureList(figure, asOf, months, extra);
    expect(list.sum, `${figure} at ${asOf}`).toBe(dashboardFigure(figures, figure));
    // The page's rows are all of them here (fewer than a page): they add up to the header's sum.
    expect(list.rows.reduce((s, r) => s + r.amount, 0), `${figure} rows at ${asOf}`).toBe(list.sum);
    expect(list.rows).toHaveLength(list.count);
  }
  return figures;
}

const byNumber = (list: FigureInvoices) => Object.fromEntries(list.rows.map((r) => [r.number, { amount: r.amount, days: r.daysPastDue }]));

describe("the invoices behind each figure", () => {
  it("Mar 31 over 3 months: A 400 (after February's payment), B 2,000 overdue; C and D current; every figure equals the dashboard's", async () => {
    await expectEveryFigureMatches({ currency: "USD", accountId }, "2026-03-31", 3, {});
    const overdue = await figureList("ar_overdue", "2026-03-31", 3);
    expect(byNumber(overdue)).toEqual({ [ext("B")]: { amount: cents(2_000), days: 24 }, [ext("A")]: { amount: cents(400), days: 50 } });
    expect(overdue.rows.map((r) => r.number)).toEqual([ext("B"), ext("A")]); // largest first
    expect(overdue.sum).toBe(cents(2_400));
    expect((await figureList("ar_overdue", "2026-03-31", 3, { sort: "days" })).rows.map((r) => r.number)).toEqual([ext("A"), ext("B")]);
    expect(byNumber(await figureList("days_31_60", "2026-03-31", 3))).toEqual({ [ext("A")]: { amount: cents(400), days: 50 } });
    expect(byNumber(await figureList("current", "2026-03-31", 3))).toEqual({ [ext("D")]: { amount: cents(800), days: 0 }, [ext("C")]: { amount: cents(500), days: 0 } });
    // D is a sale on Mar 31: it was voided only on Apr 5.
    const sales = await figureList("credit_sales", "2026-03-31", 3);
    expect(sales.sum).toBe(cents(4_300));
    expect(byNumber(sales)[ext("D")]).toEqual({ amount: cents(800), days: 0 });
  });

  it("Apr 30 over 1 month: B's late-recorded April payment and D's void take them out; C after its credit", async () => {
    await expectEveryFigureMatches({ currency: "USD", accountId }, "2026-04-30", 1, {});
    expect(byNumber(await figureList("ar_total", "2026-04-30", 1))).toEqual({
      [ext("E")]: { amount: cents(1_200), days: 0 },
      [ext("A")]: { amount: cents(400), days: 80 },
      [ext("C")]: { amount: cents(400), days: 11 },
    });
    expect(byNumber(await figureList("days_61_90", "2026-04-30", 1))).toEqual({ [ext("A")]: { amount: cents(400), days: 80 } });
    expect(byNumber(await figureList("credit_sales", "2026-04-30", 1))).toEqual({ [ext("E")]: { amount: cents(1_200), days: 0 } });
  });

  it("Jul 31 over 3 months: C over 90 days, E 61–90; a sale paid by then shows no days late", async () => {
    await expectEveryFigureMatches({ currency: "USD", accountId }, "2026-07-31", 3, {});
    expect(byNumber(await figureList("days_over_90", "2026-07-31", 3))).toEqual({ [ext("C")]: { amount: cents(400), days: 103 } });
    expect(byNumber(await figureList("days_61_90", "2026-07-31", 3))).toEqual({ [ext("E")]: { amount: cents(1_200), days: 82 } });
    const sales = await figureList("credit_sales", "2026-06-30", 3); // Apr–Jun: E, still open
    expect(byNumber(sales)).toEqual({ [ext("E")]: { amount: cents(1_200), days: 51 } });
    expect(byNumber(await figureList("credit_sales", "2026-02-28", 2))).toEqual({ [ext("A")]: { amount: cents(1_000), days: 19 }, [ext("B")]: { amount: cents(2_000), days: 0 } });
    expect(byNumber(await figureList("credit_sales", "2026-05-31", 5))[ext("A")]).toEqual({ amount: cents(1_000), days: null }); // paid by May 5
  });

  it("the whole book (rollup and unfolded rows) agrees too, before and after folding", async () => {
    for (const asOf of ["2026-03-31", "2026-04-30"]) {
      await expectEveryFigureMatches({ currency: "NOK" }, asOf, 3, { currency: "NOK", customer: "" });
      await foldReceivables();
      const figures = await expectEveryFigureMatches({ currency: "NOK" }, asOf, 3, { currency: "NOK", customer: "" });
      expect(figures.arTotal).toBe(cents(250));
    }
    const usd = await receivablesFiguresAt({ currency: "USD" }, "2026-04-30", 1);
    expect((await figureList("ar_total", "2026-04-30", 1, { customer: "" })).sum).toBe(usd.arTotal);
  });

  it("refuses bad filters with a message naming them, an unknown figure, and non-staff", async () => {
    const bad = await listFigureInvoices(staff, { params: { figure: "ar_total", as_of: "2026-02-30", currency: "dollars" } });
    expect(isProblem(bad) && bad.kind === "invalid" && Object.keys(bad.fields).sort()).toEqual(["as_of", "currency"]);
    const figure = await listFigureInvoices(staff, { params: { figure: "dso" } });
    expect(isProblem(figure) && figure.fields).toEqual({ figure: expect.stringContaining("ar_overdue") });
    const unknown = await listFigureInvoices(staff, { params: { figure: "ar_total", customer: "no-such-customer" } });
    expect(isProblem(unknown) && unknown.fields).toEqual({ customer: expect.stringContaining("no-such-customer") });
    const nul = await listFigureInvoices(staff, { params: { figure: "ar_total", customer: "x\u0000", collector: "\u202Ey" } });
    expect(isProblem(nul) && nul.kind === "invalid" && Object.keys(nul.fields)).toEqual(["collector", "customer"]); // each named, not only the first
    const payer = await listFigureInvoices({ kind: "payer", userId: "usr_x", ip: null }, { params: { figure: "ar_total" } });
    expect(isProblem(payer) && payer.kind).toBe("forbidden");
    expect(isProblem(await listReceivableMovements({ kind: "payer", userId: "usr_x", ip: null }, { params: {} })) ).toBe(true);
  });
});

describe("the movements of a period", () => {
  async function movements(asOf: string, months: number): Promise<ReceivableMovements> {
    const list = await listReceivableMovements(staff, { params: params(asOf, months) });
    if (isProblem(list)) throw new Error(list.message);
    return list;
  }

  it("April: the credit, the void and the payment received Apr 15 (recorded in June), newest first, with totals per kind", async () => {
    const april = await movements("2026-04-30", 1);
    expect(april.rows.map((r) => [r.on, r.kind, r.number, r.amount, r.arChange])).toEqual([
      ["2026-04-15", "payment", ext("B"), cents(2_000), -cents(2_000)],
      ["2026-04-05", "void", ext("D"), cents(800), -cents(800)],
      ["2026-04-01", "credit", ext("C"), cents(100), -cents(100)],
    ]);
    expect(april.totals).toEqual([
      { kind: "payment", count: 1, amount: cents(2_000) },
      { kind: "reversal", count: 0, amount: 0 },
      { kind: "credit", count: 1, amount: cents(100) },
      { kind: "void", count: 1, amount: cents(800) },
      { kind: "revived", count: 0, amount: 0 },
    ]);
    // AR at the start of April, less what moved it, plus April's sales, is AR at its end.
    const march = await receivablesFiguresAt({ currency: "USD", accountId }, "2026-03-31", 1);
    const end = await receivablesFiguresAt({ currency: "USD", accountId }, "2026-04-30", 1);
    expect(march.arTotal + april.rows.reduce((s, r) => s + r.arChange, 0) + end.creditSales).toBe(end.arTotal);
  });

  it("Jan–Mar: only February's payment (April's are after the period)", async () => {
    const q1 = await movements("2026-03-31", 3);
    expect(q1.rows.map((r) => [r.on, r.kind, r.number, r.amount])).toEqual([["2026-02-20", "payment", ext("A"), cents(600)]]);
  });
});

describe("the CSV files", () => {
  const get = (loader: Handler, path: string) => loader({ request: requestWithCookie(staffCookie, `http://localhost:3999${path}`), params: {}, context: {} } as never);
  const qs = (p: Record<string, string>) => new URLSearchParams(p).toString();

  it("the invoices of a figure: header, one row per invoice in the page's order, amounts in major units, a download name", async () => {
    const res = await get(invoicesCsvLoader as Handler, `/admin/analytics/invoices.csv?${qs({ ...params("2026-04-30", 1), figure: "ar_total" })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="ar_total-USD-2026-04-30-${customer}.csv"`);
    expect(await res.text()).toBe(
      [
        "Invoice,Customer,Customer number,Issue date,Due date,Days past due at 2026-04-30,Currency,Balance at 2026-04-30 (major units)",
        `${ext("E")},Drill ${tag},${customer},2026-04-10,2026-05-10,0,USD,1200.00`,
        `${ext("A")},Drill ${tag},${customer},2026-01-10,2026-02-09,80,USD,400.00`,
        `${ext("C")},Drill ${tag},${customer},2026-03-20,2026-04-19,11,USD,400.00`,
        "",
      ].join("\r\n"),
    );
  });

  it("escapes quotes and commas and defuses a formula in a cell", async () => {
    const res = await get(invoicesCsvLoader as Handler, `/admin/analytics/invoices.csv?${qs({ figure: "ar_overdue", as_of: "2026-04-30", currency: "NOK", customer: nastyCustomer })}`);
    const lines = (await res.text()).split("\r\n");
    expect(lines[1]).toBe(`${ext("N", nastyCustomer)},"'=HYPERLINK(""http://x.example""), ""Quoted"" ${tag}",${nastyCustomer},2026-03-01,2026-03-31,30,NOK,250.00`);
  });

  it("the movements of a period, and a bad filter answered 400 in plain words", async () => {
    const res = await get(movementsCsvLoader as Handler, `/admin/analytics/movements.csv?${qs(params("2026-04-30", 1))}`);
    expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="movements-USD-2026-04-30-${customer}.csv"`);
    expect((await res.text()).split("\r\n")).toEqual([
      "Date,What happened,Invoice,Customer,Customer number,Currency,Amount: in + / out − (major units),Change in AR (major units)",
      `2026-04-15,Payment received,${ext("B")},Drill ${tag},${customer},USD,2000.00,-2000.00`,
      `2026-04-05,Invoice voided,${ext("D")},Drill ${tag},${customer},USD,800.00,-800.00`,
      `2026-04-01,Credit memo,${ext("C")},Drill ${tag},${customer},USD,100.00,-100.00`,
      "",
    ]);
    let refused: Response | undefined;
    try {
      await get(movementsCsvLoader as Handler, "/admin/analytics/movements.csv?as_of=2026-13-01");
    } catch (error) {
      refused = error as Response;
    }
    expect(refused?.status).toBe(400);
    expect(await refused?.text()).toContain("as_of: Use a date (YYYY-MM-DD).");
  });

  it("the page answers 400 with the message for bad filters, and lists a figure for good ones", async () => {
    const bad = (await get(invoicesPageLoader as Handler, "/admin/analytics/invoices?figure=ar_total&months=99&period=custom")) as Response;
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { problem: string }).problem).toContain("months: At most 36 months.");
    const good = (await get(invoicesPageLoader as Handler, `/admin/analytics/invoices?${qs({ ...params("2026-03-31", 3), figure: "ar_overdue" })}`)) as Response;
    expect(((await good.json()) as { list: { count: number; sum: number } }).list).toMatchObject({ count: 2, sum: cents(2_400) });
  });
});
