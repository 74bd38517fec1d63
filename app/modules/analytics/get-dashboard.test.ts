/**
 * The dashboard's use case over one customer's ledger built through the ingest API (invoices,
 * offline payments with past received dates), plus disputes, promises and reminder decisions
 * dated in and around the period: every tile, its previous period, the trend points and the
 * collection figures, computed by hand below.
 */
import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "#db/schema/index";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api/create-api-key.server";
import type { Actor } from "~/modules/auth/actor";
import { setClock } from "~/utils/clock";
import { isProblem } from "~/utils/problem";
import { CONTROL_CHARACTERS_MESSAGE } from "~/utils/text";
import { testData } from "../../../test/helpers";
import { cents, ingestApi, oneLineInvoice } from "../../../test/ingest-api";
import { analyticsFilters, readAnalyticsFilters } from "./analytics-filters";
import { getDashboard, type Dashboard } from "./get-dashboard.server";

const tag = randomBytes(4).toString("hex").toUpperCase();
const customer = `DB-${tag}`;
let key: string;
let staff: Actor;
let other: typeof schema.accounts.$inferSelect;

const api = ingestApi(() => key);
const ext = (letter: string) => `${customer}-${letter}`;
async function invoice(letter: string, issue: string, due: string, dollars: number) {
  expect((await api.putInvoice(ext(letter), oneLineInvoice({ customer, number: ext(letter), issue, due, amount: cents(dollars) }))).status).toBe(201);
}
const pay = async (letter: string, dollars: number, receivedOn: string) =>
  expect((await api.pay(ext(letter), { amount: cents(dollars), reference: `chk-${letter}`, received_on: receivedOn })).status).toBe(201);
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  const data = await testData();
  const admin = await data.staff("ar_admin");
  staff = { kind: "staff", userId: admin.id, role: "ar_admin", ip: null };
  const created = await createApiKey({ kind: "staff", userId: admin.id, role: "ar_admin", ip: null }, { name: "ERP", scopes: ["customers:write", "invoices:write"] });
  if (isProblem(created)) throw new Error(created.message);
  key = created.key;
  expect((await api.putCustomer(customer, { number: customer, name: `Dashboard ${tag}`, currency: "USD" })).status).toBe(201);

  setClock(() => new Date("2026-03-26T15:00:00Z"));
  await invoice("Z", "2025-11-15", "2025-12-15", 300); // the previous period's only sale, paid in January
  await invoice("A", "2026-01-10", "2026-02-09", 1_000);
  await invoice("B", "2026-02-05", "2026-03-07", 2_000);
  await invoice("C", "2026-03-20", "2026-04-19", 500);
  await invoice("D", "2026-03-25", "2026-04-24", 800);
  await pay("Z", 300, "2026-01-20");
  await pay("A", 600, "2026-02-20");
  setClock(undefined);

  const [account] = await db.select().from(schema.accounts).where(eq(schema.accounts.externalId, customer));
  const [b] = await db.select().from(schema.invoices).where(eq(schema.invoices.externalId, ext("B")));
  // Disputes: two opened in the period (one withdrawn: not a resolution), one opened in December and rejected in January.
  const dispute = async (reason: "damaged_goods" | "pricing_error", status: "resolved" | "rejected" | "withdrawn", amount: number, opened: string, closed: string, of = b!) => {
    const d = await data.dispute(of, { reason, status, amount });
    await db.update(schema.disputes).set({ createdAt: at(opened), closedAt: at(closed) }).where(eq(schema.disputes.id, d.id));
  };
  await dispute("damaged_goods", "resolved", cents(100), "2026-03-10T12:00:00Z", "2026-03-15T12:00:00Z");
  await dispute("pricing_error", "withdrawn", cents(50), "2026-02-01T09:00:00Z", "2026-02-03T09:00:00Z");
  await dispute("pricing_error", "rejected", cents(70), "2025-12-20T12:00:00Z", "2026-01-04T12:00:00Z");
  // Another customer's dispute in the period stays out of this customer's figures.
  other = await data.account();
  await dispute("damaged_goods", "resolved", cents(999), "2026-03-01T12:00:00Z", "2026-03-02T12:00:00Z", await data.invoice(other));

  // Promises settled: kept in March and February, broken in January (2 of 3 kept); one kept in December is the previous period's.
  const promise = async (status: "kept" | "broken", resolved: string) => {
    const p = await data.promise(account!, [b!], { status });
    await db.update(schema.paymentPromises).set({ resolvedAt: at(resolved) }).where(eq(schema.paymentPromises.id, p.id));
  };
  await promise("kept", "2026-03-05T10:00:00Z");
  await promise("kept", "2026-02-10T10:00:00Z");
  await promise("broken", "2026-01-15T10:00:00Z");
  await promise("kept", "2025-12-20T10:00:00Z");

  // Reminder decisions: an email and a call sent in the period, a skip, and an email sent before it.
  const [c] = await db.select().from(schema.invoices).where(eq(schema.invoices.externalId, ext("C")));
  const decision = (offsetDays: number, channel: "email" | "call", action: "send" | "skip", runOn: string, invoice = b!) => ({ accountId: account!.id, invoiceId: invoice.id, offsetDays, channel, action, runOn, reason: action === "send" ? "due" : "paused", amountDue: cents(2_000) });
  // Two invoices named by the same day's email: one email sent, not two.
  await db.insert(schema.reminderDecisions).values([decision(0, "email", "send", "2026-03-07"), decision(-3, "email", "send", "2026-03-07", c!), decision(7, "call", "send", "2026-03-14"), decision(14, "email", "skip", "2026-03-21"), decision(-3, "email", "send", "2025-12-01")]);
});

afterAll(() => setClock(undefined));

async function dashboard(query: Record<string, string>): Promise<Dashboard> {
  const filters = readAnalyticsFilters(query);
  if (isProblem(filters)) throw new Error(filters.message);
  const result = await getDashboard(staff, filters);
  if (isProblem(result)) throw new Error(result.message);
  return result;
}

describe("the AR dashboard for one customer", () => {
  it("shows the quarter's figures at Mar 31 and those of the quarter before, Dec 31", async () => {
    const d = await dashboard({ customer, as_of: "2026-03-31", period: "quarter" });
    expect(d.filters).toMatchObject({ currency: "USD", as_of: "2026-03-31", period: "quarter", customer });
    expect(d.customer).toMatchObject({ number: customer });
    expect(d.figures).toMatchObject({
      asOf: "2026-03-31",
      period: { start: "2026-01-01", end: "2026-03-31", days: 90 },
      creditSales: cents(4_300), // A, B, C, D
      arTotal: cents(3_700), // A 400, B 2,000, C 500, D 800
      arCurrent: cents(1_300),
      arBeginning: cents(300), // Z, open on Dec 31
      dsoSimpleDays: 77.44,
      dsoCountbackDays: 71.4, // Mar 1,300 (31 d) + Feb 2,000 (28 d) + 400/1,000 × 31
      bestPossibleDsoDays: 27.21,
      addDays: 50.23,
      ceiPercent: 27.27, // (300 + 4,300 − 3,700) / (300 + 4,300 − 1,300)
      aging: { current: cents(1_300), days_1_30: cents(2_000), days_31_60: cents(400), days_61_90: 0, days_over_90: 0 },
    });
    // Oct–Dec 2025: Z alone, past due on Dec 31.
    expect(d.previous).toMatchObject({
      asOf: "2025-12-31",
      period: { start: "2025-10-01", days: 92 },
      creditSales: cents(300),
      arTotal: cents(300),
      arCurrent: 0,
      arBeginning: 0,
      dsoSimpleDays: 92,
      dsoCountbackDays: 61, // Dec no sales (31 d) + Nov 300 (30 d)
      bestPossibleDsoDays: 0,
      addDays: 92,
      ceiPercent: 0,
    });
    expect(d.topOverdue).toEqual([{ accountId: d.customer!.id, number: customer, name: `Dashboard ${tag}`, overdue: cents(2_400) }]);
    // As it was: on Jan 15, Z (due Dec 15) was still unpaid; its January payment is dated after.
    const jan15 = await dashboard({ customer, as_of: "2026-01-15", period: "month" });
    expect(jan15.topOverdue.map((a) => a.overdue)).toEqual([cents(300)]);
    // On Feb 28, A (due Feb 9) owed 400 after the Feb 20 payment; B was not due yet.
    expect((await dashboard({ customer, as_of: "2026-02-28" })).topOverdue.map((a) => a.overdue)).toEqual([cents(400)]);
    // On Dec 1, nothing was due yet.
    expect((await dashboard({ customer, as_of: "2025-12-01" })).topOverdue).toEqual([]);
  });

  it("reads the top overdue accounts exactly as summing the whole book's ledger at each date would", async () => {
    const { topOverdueAccounts } = await import("./top-overdue-accounts.server");
    for (const asOf of ["2025-12-20", "2026-01-15", "2026-02-28", "2026-03-31", "2026-12-31"]) {
      const plain = await db.execute<{ account_id: string; overdue: string }>(sql`
        select account_id, sum(amount)::text as overdue from receivable_entries
        where currency = 'USD' and measure = 'ar' and effective_on <= ${asOf}::date and bucket_on < ${asOf}::date
        group by account_id having sum(amount) > 0 order by sum(amount) desc, account_id limit 10`);
      const read = await topOverdueAccounts({ currency: "USD" }, asOf);
      expect(read.map((r) => [r.accountId, r.overdue]), asOf).toEqual(plain.map((r) => [r.account_id, Number(r.overdue)]));
    }
  });

  it("draws twelve month ends, oldest first, each over the same three months", async () => {
    const { trend } = await dashboard({ customer, as_of: "2026-03-31", period: "quarter" });
    expect(trend.map((t) => t.asOf)).toEqual(["2025-04-30", "2025-05-31", "2025-06-30", "2025-07-31", "2025-08-31", "2025-09-30", "2025-10-31", "2025-11-30", "2025-12-31", "2026-01-31", "2026-02-28", "2026-03-31"]);
    // No sales before November: no simple DSO and nothing collectible; no AR counts back to 0 days.
    expect(trend[0]).toEqual({ asOf: "2025-04-30", dsoSimpleDays: null, dsoCountbackDays: 0, ceiPercent: null });
    expect(trend[8]).toEqual({ asOf: "2025-12-31", dsoSimpleDays: 92, dsoCountbackDays: 61, ceiPercent: 0 });
    // Jan 31 over Nov–Jan (92 days): Z paid, A 1,000 open and current; sales Z 300 + A 1,000.
    expect(trend[9]).toEqual({ asOf: "2026-01-31", dsoSimpleDays: 70.77, dsoCountbackDays: 31, ceiPercent: 100 });
    expect(trend[11]).toEqual({ asOf: "2026-03-31", dsoSimpleDays: 77.44, dsoCountbackDays: 71.4, ceiPercent: 27.27 });
  });

  it("counts the customer's disputes, promises and reminders of the period only", async () => {
    const d = await dashboard({ customer, as_of: "2026-03-31", period: "quarter" });
    expect(d.disputes).toEqual({
      opened: 2,
      amount: cents(150),
      resolved: 2, // the March resolution (5 days) and the January rejection (15 days); the withdrawal is none
      averageDaysToResolve: 10,
      byReason: [
        { reason: "damaged_goods", opened: 1, amount: cents(100), resolved: 1, averageDaysToResolve: 5 },
        { reason: "pricing_error", opened: 1, amount: cents(50), resolved: 1, averageDaysToResolve: 15 },
      ],
    });
    expect(d.activity).toEqual({ promisesKept: 2, promisesBroken: 1, promisesKeptPercent: 66.67, remindersAccounts: 1, remindersEmails: 1, remindersCalls: 1 });

    // The previous quarter: the December promise and the December reminder, no dispute opened then resolved.
    const before = await dashboard({ customer, as_of: "2025-12-31", period: "quarter" });
    expect(before.activity).toMatchObject({ promisesKept: 1, promisesBroken: 0, promisesKeptPercent: 100, remindersEmails: 1, remindersCalls: 0 });
    expect(before.disputes).toMatchObject({ opened: 1, amount: cents(70), resolved: 0, averageDaysToResolve: null });
  });

  it("a custom period of one month narrows every figure to March", async () => {
    const d = await dashboard({ customer, as_of: "2026-03-31", period: "custom", months: "1" });
    expect(d.figures).toMatchObject({ period: { start: "2026-03-01", days: 31 }, creditSales: cents(1_300), arBeginning: cents(2_400), dsoSimpleDays: 88.23, ceiPercent: 0 });
    // CEI (2,400 + 1,300 − 3,700) / (2,400 + 1,300 − 1,300): nothing collected in March. The month before: Feb 28.
    expect(d.previous).toMatchObject({ asOf: "2026-02-28", creditSales: cents(2_000), arTotal: cents(2_400), arBeginning: cents(1_000) });
  });

  it("refuses a wrong filter or an unknown customer field by field, and anyone but staff", async () => {
    const wrong = readAnalyticsFilters({ as_of: "2026-02-30", months: "x", period: "custom", currency: "dollars" });
    expect(isProblem(wrong) && wrong.fields).toEqual({ as_of: "Use a date (YYYY-MM-DD).", months: "Months must be a whole number.", currency: "Choose a three-letter currency code such as USD." });
    const nul = readAnalyticsFilters({ customer: "A\u0000B" });
    expect(isProblem(nul) && nul.fields).toEqual({ customer: CONTROL_CHARACTERS_MESSAGE });
    const unknown = await getDashboard(staff, analyticsFilters.parse({ customer: "nobody-here" }));
    expect(isProblem(unknown) && unknown.kind).toBe("invalid");
    expect(isProblem(unknown) && Object.keys(unknown.fields)).toEqual(["customer"]);
    const payer = await getDashboard({ kind: "payer", userId: "usr_x", ip: null }, analyticsFilters.parse({}));
    expect(isProblem(payer) && payer.kind).toBe("forbidden");
  });

  it("another customer's dashboard holds only that customer's dispute", async () => {
    const d = await dashboard({ customer: other.number, as_of: "2026-03-31" });
    expect(d.topOverdue).toEqual([]);
    expect(d.disputes.opened).toBe(1);
  });
});
