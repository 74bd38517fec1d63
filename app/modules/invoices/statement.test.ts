import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { creditMemos } from "#db/schema/disputes";
import { events } from "#db/schema/events";
import { invoices } from "#db/schema/invoices";
import { chargebackAllocations, chargebacks, paymentAllocations, payments, refundAllocations, refunds } from "#db/schema/payments";
import { creditApplications } from "#db/schema/terms";
import { db } from "~/db.server";
import type { PayerActor, StaffActor } from "~/modules/auth/actor";
import { setClock } from "~/utils/clock";
import { isProblem, type Problem } from "~/utils/problem";
import { TEST_TODAY, testData } from "../../../test/helpers";
import { getStatement as readStatement, readStatementQuery, STATEMENT_PAGE_SIZE, statementDownload } from "./get-statement.server";
import { csvCell, statementCsv } from "./statement-csv.server";

/**
 * A ledger built the way the portal writes it: each fact (payment, credit, refund, chargeback,
 * void) changes the invoice amounts exactly as the use cases do, and leaves its dated record.
 */
let payer: PayerActor;
let staff: StaffActor;
let make: Awaited<ReturnType<typeof testData>>;
let accountId: string;
let accountNumber: string;
/** The statement, or the test fails with the Problem's message. */
async function getStatement(...args: Parameters<typeof readStatement>) {
  const statement = await readStatement(...args);
  if (isProblem(statement)) throw new Error(`${statement.kind}: ${statement.message}`);
  return statement;
}
const problemOf = (value: unknown): Problem | null => (isProblem(value) ? value : null);
const at = (day: string) => new Date(`${day}T15:00:00Z`);

async function invoice(number: string, currency: string, issueDate: string, dueDate: string, total: number) {
  const [row] = await db.insert(invoices).values({ accountId, number, currency, issueDate, dueDate, terms: "Net 30", subtotal: total, total }).returning({ id: invoices.id });
  return row!.id;
}
async function pay(invoiceId: string, amount: number, currency: string, day: string, status: "succeeded" | "processing" = "succeeded") {
  const [p] = await db
    .insert(payments)
    .values({ accountId, amount, currency, status, method: "card", methodLabel: "Visa ···· 4242", succeededAt: status === "succeeded" ? at(day) : null, createdAt: at(day) })
    .returning({ id: payments.id });
  await db.insert(paymentAllocations).values({ paymentId: p!.id, invoiceId, amount });
  await db
    .update(invoices)
    .set(status === "succeeded" ? { amountPaid: sql`${invoices.amountPaid} + ${amount}` } : { amountPending: sql`${invoices.amountPending} + ${amount}` })
    .where(eq(invoices.id, invoiceId));
  return p!.id;
}

beforeAll(async () => {
  setClock(() => new Date(`${TEST_TODAY}T12:00:00Z`));
  make = await testData();
  const ledger = await make.payer({ accounts: [await make.account({ name: "Ledger Test Co." })] });
  accountId = ledger.accounts[0]!.id;
  accountNumber = ledger.accounts[0]!.number;
  payer = { kind: "payer", userId: ledger.user.id, ip: null };
  staff = { kind: "staff", userId: (await make.staff()).id, role: "ar_agent", ip: null };

  // USD: two invoices in September, paid, credited, refunded and charged back across Sep–Nov.
  const a = await invoice("LT-1", "USD", "2026-09-05", "2026-10-05", 100_000);
  const b = await invoice("LT-2", "USD", "2026-10-10", "2026-11-09", 50_000);
  const c = await invoice("LT-3", "USD", "2026-10-20", "2026-11-19", 30_000);
  await pay(a, 60_000, "USD", "2026-10-01");
  await db.insert(creditMemos).values({ accountId, invoiceId: a, amount: 10_000, currency: "USD", reason: 'Damaged, "wet" goods', createdAt: at("2026-10-15") });
  await db.update(invoices).set({ amountCredited: 10_000 }).where(eq(invoices.id, a));
  const paidB = await pay(b, 50_000, "USD", "2026-10-31");
  await db.update(invoices).set({ status: "paid" }).where(eq(invoices.id, b));
  // A refund of 20,000 on LT-2 settled Nov 3 (reopens it).
  const [refund] = await db.insert(refunds).values({ paymentId: paidB, amount: 20_000, status: "succeeded", settledAt: at("2026-11-03"), createdAt: at("2026-11-02") }).returning({ id: refunds.id });
  await db.insert(refundAllocations).values({ refundId: refund!.id, invoiceId: b, amount: 20_000 });
  await db.update(paymentAllocations).set({ amountRefunded: 20_000 }).where(eq(paymentAllocations.paymentId, paidB));
  await db.update(invoices).set({ amountPaid: 30_000, status: "open" }).where(eq(invoices.id, b));
  // A chargeback withdrew 25,000 of the October payment on LT-1 (Nov 5); 15,000 reinstated (Nov 12).
  const paidA = (await db.select({ paymentId: paymentAllocations.paymentId }).from(paymentAllocations).where(eq(paymentAllocations.invoiceId, a)))[0]!.paymentId;
  const [cb] = await db
    .insert(chargebacks)
    .values({ paymentId: paidA, stripeDisputeId: "dp_ledger", amount: 25_000, currency: "USD", stripeStatus: "won", reason: "fraudulent", amountWithdrawn: 10_000, createdAt: at("2026-11-05"), updatedAt: at("2026-11-12"), closedAt: at("2026-11-12") })
    .returning({ id: chargebacks.id });
  await db.insert(chargebackAllocations).values({ chargebackId: cb!.id, invoiceId: a, amount: 10_000 });
  await db.insert(events).values({ type: "invoice.reopened", accountId, subjectType: "invoice", subjectId: a, data: { chargebackId: cb!.id, amount: 25_000 }, createdAt: at("2026-11-05") });
  await db.update(invoices).set({ amountPaid: 60_000 - 10_000 }).where(eq(invoices.id, a));
  // A processing ACH payment on LT-3: not yet received, not on the statement.
  await pay(c, 5_000, "USD", "2026-11-20", "processing");
  // Voided on Nov 1 after a 2,000 credit.
  const v = await invoice("LT-4", "USD", "2026-10-25", "2026-11-24", 8_000);
  await db.insert(creditMemos).values({ accountId, invoiceId: v, amount: 2_000, currency: "USD", reason: "Goodwill", createdAt: at("2026-10-26") });
  await db.update(invoices).set({ amountCredited: 2_000, status: "void" }).where(eq(invoices.id, v));
  await db.insert(events).values({ type: "invoice.voided", accountId, subjectType: "invoice", subjectId: v, data: {}, createdAt: at("2026-11-01") });
  // Paid outside the portal (recorded through the API) on Nov 10.
  const d = await invoice("LT-5", "USD", "2026-11-02", "2026-12-02", 12_000);
  await db.insert(events).values({ type: "payment.recorded_offline", accountId, subjectType: "invoice", subjectId: d, data: { amount: 4_000, reference: "=WIRE+1", receivedOn: "2026-11-10" }, createdAt: at("2026-11-11") });
  await db.update(invoices).set({ amountPaid: 4_000 }).where(eq(invoices.id, d));

  // CAD: a second currency gets its own section.
  const e = await invoice("LT-C1", "CAD", "2026-10-01", "2026-10-31", 40_000);
  await pay(e, 15_000, "CAD", "2026-11-15");
});
afterAll(() => setClock(undefined));

async function openBalances(): Promise<Record<string, number>> {
  const rows = await db.execute<{ currency: string; open: string }>(sql`select currency, sum(balance)::text as open from invoices where account_id = ${accountId} group by currency`);
  return Object.fromEntries(rows.map((r) => [r.currency, Number(r.open)]));
}

describe("statement for a period", () => {
  it("closes at the sum of the open balances, with every fact explained (no adjustment lines)", async () => {
    const statement = await getStatement(payer, accountId, { from: "2026-11-01", to: TEST_TODAY });
    const open = await openBalances();
    expect(statement.sections.map((s) => s.currency)).toEqual(["CAD", "USD"]);
    for (const section of statement.sections) expect(section.closing, section.currency).toBe(open[section.currency]);
    // USD: 100,000 − 60,000 − 10,000 + 25,000 − 15,000 | 50,000 − 50,000 + 20,000 | 30,000 | 12,000 − 4,000 (LT-4 void).
    expect(open.USD).toBe(40_000 + 20_000 + 30_000 + 8_000);
    expect(statement.lines.some((l) => l.kind === "adjustment")).toBe(false);
  });

  it("opens at what was owed before the period and runs the balance line by line", async () => {
    const statement = await getStatement(payer, accountId, { from: "2026-11-01", to: TEST_TODAY });
    const usd = statement.sections.find((s) => s.currency === "USD")!;
    // Before Nov 1: LT-1 100,000 − 60,000 − 10,000; LT-2 50,000 − 50,000; LT-3 30,000; LT-4 8,000 − 2,000.
    expect(usd.opening).toBe(30_000 + 0 + 30_000 + 6_000);
    const lines = statement.lines.filter((l) => l.currency === "USD");
    expect(lines.map((l) => [l.date, l.kind, l.invoices, l.amount])).toEqual([
      ["2026-11-01", "void", "LT-4", -6_000],
      ["2026-11-02", "invoice", "LT-5", 12_000],
      ["2026-11-03", "refund", "LT-2", 20_000],
      ["2026-11-05", "chargeback", "LT-1", 25_000],
      ["2026-11-10", "offline_payment", "LT-5", -4_000],
      ["2026-11-12", "chargeback_reinstated", "LT-1", -15_000],
    ]);
    let running = usd.opening;
    for (const line of lines) {
      running += line.amount;
      expect(line.balance).toBe(running);
    }
    expect(running).toBe(usd.closing);
    expect(usd.invoiced).toBe(12_000);
    expect(usd.reductions).toBe(-25_000);
    expect(usd.increases).toBe(45_000);
    // The processing ACH payment is not received yet: listed apart, not in any balance.
    expect(usd.processing).toEqual({ count: 1, amount: 5_000 });
    expect(lines.some((l) => l.kind === "payment")).toBe(false);
  });

  it("opening(D2) = closing(D1) for adjacent periods, and ages the open balances at the period end", async () => {
    const october = await getStatement(payer, accountId, { from: "2026-10-01", to: "2026-10-31" });
    const november = await getStatement(payer, accountId, { from: "2026-11-01", to: "2026-11-30" });
    for (const section of november.sections) {
      expect(section.opening, section.currency).toBe(october.sections.find((s) => s.currency === section.currency)!.closing);
    }
    const usd = october.sections.find((s) => s.currency === "USD")!;
    expect(usd.closing).toBe(66_000);
    // At Oct 31: LT-1 (due Oct 5, 26 days late) 30,000; LT-3 and LT-4 not yet due.
    expect(usd.aging).toEqual({ current: 36_000, days1to30: 30_000, days31to60: 0, days61to90: 0, over90: 0 });
    const cad = october.sections.find((s) => s.currency === "CAD")!;
    expect([cad.opening, cad.closing, cad.invoiced]).toEqual([0, 40_000, 40_000]);
  });

  it("pages the lines, carrying the running balance into the next page", async () => {
    const all = await getStatement(payer, accountId, { from: "2026-09-01", to: TEST_TODAY });
    const page1 = await getStatement(payer, accountId, { from: "2026-09-01", to: TEST_TODAY }, 1);
    expect(page1.page).toEqual({ number: 1, size: 100, count: 1 });
    expect(page1.lines).toEqual(all.lines);
    const page2 = await getStatement(payer, accountId, { from: "2026-09-01", to: TEST_TODAY }, 2);
    expect(page2.lines).toEqual([]);
  });

  it("is reachable only by the account's contacts", async () => {
    const olivia = (await make.payer()).user;
    expect(await readStatement({ kind: "payer", userId: olivia.id, ip: null }, accountId)).toMatchObject({ kind: "not_found" });
    const download = await statementDownload({ kind: "payer", userId: olivia.id, ip: null }, { accountId, searchParams: new URLSearchParams() });
    expect(problemOf(download)?.kind).toBe("not_found");
  });

  it("on an account with open, overdue, partly paid and paid invoices, closes at the open balances for a period ending today", async () => {
    const account = await make.account();
    await make.invoices(account, [{ total: 120_00, dueInDays: -40 }, { total: 80_00, paid: 25_00 }, { total: 60_00, status: "paid" }, { total: 45_00, dueInDays: 10 }]);
    const rows = await db.execute<{ currency: string; open: string }>(sql`select currency, sum(balance)::text as open from invoices where account_id = ${account.id} group by currency`);
    const statement = await getStatement(staff, account.id);
    expect(rows.map((r) => Number(r.open))).toEqual([120_00 + 55_00 + 45_00]);
    for (const r of rows) expect(statement.sections.find((s) => s.currency === r.currency)!.closing).toBe(Number(r.open));
  });
});

describe("a 5,000-invoice account", () => {
  it("shows 100 lines a page with the balance carried over, while the files get every line", async () => {
    const big = await make.account({ name: "Big Ledger Co." });
    const rows = Array.from({ length: 5_000 }, (_, i) => {
      const day = `2026-${String(1 + Math.floor(i / 500)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`;
      return { accountId: big.id, number: `BIG-${i}`, currency: "USD", issueDate: day, dueDate: day, terms: "Due on receipt", subtotal: 1_000 + i, total: 1_000 + i };
    });
    for (let i = 0; i < rows.length; i += 1_000) await db.insert(invoices).values(rows.slice(i, i + 1_000));
    const period = { from: "2026-01-01", to: TEST_TODAY };
    const started = performance.now();
    const page2 = await getStatement(staff, big.id, period, 2);
    const elapsed = performance.now() - started;
    expect(page2.page).toEqual({ number: 2, size: 100, count: 50 });
    expect(page2.lines).toHaveLength(100);
    const full = await getStatement(staff, big.id, period);
    expect(full.lines).toHaveLength(5_000);
    // Page 2 starts where page 1 ended: its first line's balance carries line 100's.
    expect(page2.lines[0]).toEqual(full.lines[100]);
    expect(full.lines[99]!.balance + page2.lines[0]!.amount).toBe(page2.lines[0]!.balance);
    const usd = full.sections[0]!;
    expect(usd.closing).toBe(rows.reduce((sum, r) => sum + r.total, 0));
    // What the page ships stays small; the measurement is printed for the report.
    const bytes = JSON.stringify(page2).length;
    console.info(`statement page of a 5,000-invoice account: ${bytes} bytes of data, ${elapsed.toFixed(0)} ms`);
    expect(bytes).toBeLessThan(40_000);
  });
});

describe("the statement page's figures", () => {
  it("are the full statement's on every page: totals, opening and closing balance, aging", async () => {
    const account = await make.account({ name: "Many Lines Ltd" });
    // 260 invoices due over the last 250 days (every aging bucket), some partly or fully paid, some issued before the period.
    await make.invoices(
      account,
      Array.from({ length: 260 }, (_, i) => ({ total: 100_00 + i * 7, dueInDays: 15 - i, paid: i % 5 === 0 ? 40_00 : i % 11 === 0 ? 100_00 + i * 7 : 0 })),
    );
    const period = { from: "2026-07-01", to: TEST_TODAY };
    const full = await getStatement(staff, account.id, period);
    const usd = full.sections[0]!;
    expect(usd.lineCount).toBeGreaterThan(STATEMENT_PAGE_SIZE);
    expect(Object.values(usd.aging).filter((amount) => amount > 0).length).toBe(5);
    expect(Object.values(usd.aging).reduce((a, b) => a + b, 0)).toBe(usd.closing);
    expect(usd.opening).toBeGreaterThan(0);
    for (const number of [1, 2]) {
      const page = await getStatement(staff, account.id, period, number);
      expect(page.sections).toEqual(full.sections);
      expect(page.lines).toEqual(full.lines.slice((number - 1) * STATEMENT_PAGE_SIZE, number * STATEMENT_PAGE_SIZE));
    }
  });
});

describe("period query", () => {
  it("defaults to the current month and explains a bad date, a reversed period and a bad page", async () => {
    expect(readStatementQuery(new URLSearchParams())).toEqual({ ok: true, period: { from: "2026-11-01", to: TEST_TODAY }, page: 1 });
    expect(readStatementQuery(new URLSearchParams("from=2026-02-30"))).toMatchObject({ ok: false, message: expect.stringContaining('"2026-02-30" is not a date') });
    expect(readStatementQuery(new URLSearchParams("from=2026-11-10&to=2026-11-01"))).toMatchObject({ ok: false, message: expect.stringContaining("after the end date") });
    expect(readStatementQuery(new URLSearchParams("page=0"))).toMatchObject({ ok: false });
    expect(readStatementQuery(new URLSearchParams("page=abc"))).toMatchObject({ ok: false, message: 'The page "abc" is not a page number (1, 2, 3…).' });
    expect(readStatementQuery(new URLSearchParams("from=&to=2026-13-01"))).toEqual({ ok: false, message: `The end date "2026-13-01" is not a date: use YYYY-MM-DD, e.g. ${TEST_TODAY}.`, period: { from: "2026-11-01", to: TEST_TODAY } });
    expect(readStatementQuery(new URLSearchParams("from=2026-10-01&to=2026-10-31&page=2"))).toEqual({ ok: true, period: { from: "2026-10-01", to: "2026-10-31" }, page: 2 });
    // The downloads answer a bad period with its message (the routes send it as a 400).
    expect(await statementDownload(payer, { accountId, searchParams: new URLSearchParams("from=2026-11-10&to=2026-11-01") })).toMatchObject({
      kind: "invalid",
      message: "The start date (2026-11-10) is after the end date (2026-11-01).",
    });
    const download = await statementDownload(payer, { accountId, searchParams: new URLSearchParams("from=2026-11-01&to=2026-11-20") });
    expect(isProblem(download) ? download.message : download.filename).toBe(`statement-${accountNumber}-2026-11-01-2026-11-20`);
  });
});

describe("statement CSV", () => {
  it("has opening, lines and closing per currency, quotes RFC 4180 and defuses formulas", async () => {
    const statement = await getStatement(payer, accountId, { from: "2026-11-01", to: TEST_TODAY });
    const csv = statementCsv(statement);
    const rows = csv.trimEnd().split("\r\n");
    expect(rows[0]).toBe("Currency,Date,Type,Invoices,Detail,Amount,Balance,Early payment amount,Early payment by,Early payment saves");
    expect(rows).toContain("USD,2026-11-01,Opening balance,,,,660.00,,,");
    expect(rows).toContain(`USD,${TEST_TODAY},Closing balance,,,,980.00,,,`);
    expect(rows).toContain("CAD,2026-11-15,Payment,LT-C1,Visa ···· 4242,-150.00,250.00,,,");
    // The offline reference "=WIRE+1" would be a formula in a spreadsheet.
    expect(rows).toContain("USD,2026-11-10,Payment received,LT-5,'=WIRE+1,-40.00,1130.00,,,");
    expect(rows).toContain("USD,2026-11-05,Payment reversed (chargeback),LT-1,,250.00,1170.00,,,");
    const autumn = statementCsv(await getStatement(payer, accountId, { from: "2026-09-01", to: TEST_TODAY }));
    expect(autumn).toContain('\r\nUSD,2026-10-15,Credit,LT-1,"Damaged, ""wet"" goods",-100.00,');
    for (const [raw, cell] of [["+1 555", "'+1 555"], ["-2", "'-2"], ["@SUM(A1)", "'@SUM(A1)"], ["\tx", "'\tx"], ["\rx", "\"'\rx\""], ["a\nb", '"a\nb"'], ["plain", "plain"]]) {
      expect(csvCell(raw!)).toBe(cell);
    }
  });
});

describe("payment terms on the statement", () => {
  it("offers the early-payment discount on open lines, shows a discount taken and says what a late fee is for", async () => {
    const { user, accounts } = await make.payer({ accounts: [await make.account({ name: "Terms Test Co." })] });
    const termsAccount = accounts[0]!.id;
    const termsPayer: PayerActor = { kind: "payer", userId: user.id, ip: null };
    const terms = { terms: "2/10 net 30", netDays: 30, discountBps: 200, discountDays: 10 };
    const [open] = await db.insert(invoices).values({ accountId: termsAccount, number: "TT-1", currency: "USD", issueDate: "2026-11-20", dueDate: "2026-12-20", subtotal: 100_000, total: 100_000, ...terms }).returning();
    // Paid 490.00 on day 4 of its window: settles 500.00, 10.00 of it discount.
    const [taken] = await db
      .insert(invoices)
      .values({ accountId: termsAccount, number: "TT-2", currency: "USD", issueDate: "2026-11-01", dueDate: "2026-12-01", subtotal: 100_000, total: 100_000, amountPaid: 49_000, amountCredited: 1_000, amountDiscounted: 1_000, ...terms })
      .returning();
    const [p] = await db.insert(payments).values({ accountId: termsAccount, amount: 49_000, currency: "USD", status: "succeeded", method: "card", methodLabel: "Visa ···· 4242", succeededAt: at("2026-11-05"), createdAt: at("2026-11-05") }).returning();
    await db.insert(paymentAllocations).values({ paymentId: p!.id, invoiceId: taken!.id, amount: 49_000, discount: 1_000 });
    // The discount is told to the back office when the money arrives: the statement reads that fact.
    await db.insert(events).values({ type: "invoice.discount_taken", accountId: termsAccount, subjectType: "invoice", subjectId: taken!.id, data: { paymentId: p!.id, paid: 49_000, discount: 1_000, settled: 50_000, currency: "USD" }, createdAt: at("2026-11-05") });
    await db.insert(invoices).values({ accountId: termsAccount, number: "TT-2-LF1", currency: "USD", issueDate: "2026-11-22", dueDate: "2026-11-22", terms: "Due on receipt", subtotal: 750, total: 750, lateFeeForInvoiceId: taken!.id, lateFeePeriod: 1 });

    const statement = await getStatement(termsPayer, termsAccount, { from: "2026-11-01", to: TEST_TODAY });
    expect(statement.lines.some((l) => l.kind === "adjustment")).toBe(false);
    expect(statement.sections[0]).toMatchObject({ closing: 100_000 + 50_000 + 750, invoiced: 200_750, increases: 0 });
    const line = (kind: string, number: string) => statement.lines.find((l) => l.kind === kind && l.invoices === number);
    expect(line("invoice", "TT-1")).toMatchObject({ amount: 100_000, offer: { until: "2026-11-30", payInFull: 98_000, saves: 2_000 } });
    // Outside its window (ended Nov 11): no offer.
    expect(line("invoice", "TT-2")!.offer).toBeUndefined();
    expect(line("discount", "TT-2")).toMatchObject({ date: "2026-11-05", amount: -1_000 });
    expect(line("late_fee", "TT-2-LF1")).toMatchObject({ amount: 750, detail: "On invoice TT-2" });
    expect(statement.offers).toEqual([{ currency: "USD", invoiceId: open!.id, number: "TT-1", until: "2026-11-30", payInFull: 98_000, saves: 2_000 }]);
    // Another payer sees none of it.
    expect(problemOf(await readStatement(payer, termsAccount))).toMatchObject({ kind: "not_found" });

    const rows = statementCsv(statement).trimEnd().split("\r\n");
    expect(rows).toContain("USD,2026-11-20,Invoice,TT-1,,1000.00,1500.00,980.00,2026-11-30,20.00");
    expect(rows).toContain("USD,2026-11-05,Early-payment discount,TT-2,,-10.00,500.00,,,");
    expect(rows).toContain("USD,2026-11-22,Late fee,TT-2-LF1,On invoice TT-2,7.50,1507.50,,,");
  });

  it("shows an account credit applied to an invoice as a credit line with its reason", async () => {
    const { user, accounts } = await make.payer({ accounts: [await make.account({ name: "Credit Line Co." })] });
    const account = accounts[0]!;
    const who: PayerActor = { kind: "payer", userId: user.id, ip: null };
    const [inv] = await db.insert(invoices).values({ accountId: account.id, number: `CL-${account.id.slice(-6)}`, currency: "USD", issueDate: "2026-11-02", dueDate: "2026-12-02", terms: "Net 30", subtotal: 30_000, total: 30_000, amountCredited: 12_000 }).returning();
    const credit = await make.credit(account, { amount: 20_000, applied: 12_000, reason: "Returned pallets" });
    await db.insert(creditApplications).values({ creditId: credit.id, invoiceId: inv!.id, amount: 12_000, createdAt: at("2026-11-09") });
    const statement = await getStatement(who, account.id, { from: "2026-11-01", to: TEST_TODAY });
    expect(statement.lines.some((l) => l.kind === "adjustment")).toBe(false);
    expect(statement.lines.find((l) => l.kind === "credit")).toMatchObject({ date: "2026-11-09", amount: -12_000, detail: "Returned pallets" });
    expect(statement.sections[0]).toMatchObject({ closing: 18_000 });
  });
});
