import { and, count, eq, gt, isNull, lt, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoices } from "#db/schema/invoices";
import { db, sqlClient } from "~/db.server";
import type { PayerActor, StaffActor } from "~/modules/auth/actor";
import { addDays } from "~/utils/dates";
import { setClock, today } from "~/utils/clock";
import { TEST_TODAY, testData } from "../../../test/helpers";
import { keptTotalsDrift } from "../../../test/kept-totals";
import { accountBalances, type CurrencyBalance } from "./account-balances.server";
import { invoiceFilters, invoiceListQuery, listInvoices } from "./list-invoices.server";

/**
 * The list's counts and the balances read the kept totals (migration 0021). Here every figure is
 * checked against the same figure counted from the invoices themselves, after writes of every
 * shape: many rows in one statement, a move to another account or currency, a plan, a void, a
 * delete. (After every test of every file, test/setup-database.ts also compares the whole table
 * with a fresh count: the payment, credit, dispute, plan, fee and import tests check it there.)
 */

let make: Awaited<ReturnType<typeof testData>>;
let pat: PayerActor;
let staff: StaffActor;
let accountId: string;
let otherAccountId: string;

beforeAll(async () => {
  setClock(() => new Date(`${TEST_TODAY}T12:00:00Z`));
  make = await testData();
  const account = await make.account();
  const other = await make.account();
  const payer = await make.payer({ accounts: [account, other] });
  pat = { kind: "payer", userId: payer.user.id, ip: null };
  staff = { kind: "staff", userId: (await make.staff()).id, role: "ar_agent", ip: null };
  accountId = account.id;
  otherAccountId = other.id;
  // One statement, 300 invoices over 40 due dates, open, partly paid, paid and overdue.
  await make.invoices(
    account,
    Array.from({ length: 300 }, (_, i) => ({ total: 10_00 + i, dueInDays: (i % 40) - 20, paid: i % 7 === 0 ? 10_00 + i : i % 5 === 0 ? 3_00 : 0 })),
  );
});
afterAll(() => setClock(undefined));

/** The balances counted from the invoices, as the portal computed them before the kept totals. */
async function balancesFromInvoices(id: string): Promise<CurrencyBalance[]> {
  const day = today();
  const rows = await db
    .select({
      currency: invoices.currency,
      openBalance: sql<string>`sum(${invoices.balance})`,
      openCount: sql<number>`count(*)::int`,
      overdueBalance: sql<string>`coalesce(sum(${invoices.balance}) filter (where ${invoices.dueDate} < ${day} and ${invoices.paymentPlanId} is null), 0)`,
      overdueCount: sql<number>`(count(*) filter (where ${invoices.dueDate} < ${day} and ${invoices.paymentPlanId} is null))::int`,
      onPlanBalance: sql<string>`coalesce(sum(${invoices.balance}) filter (where ${invoices.paymentPlanId} is not null), 0)`,
      onPlanCount: sql<number>`(count(*) filter (where ${invoices.paymentPlanId} is not null))::int`,
      nextDueDate: sql<string | null>`min(${invoices.dueDate}) filter (where ${invoices.dueDate} >= ${day})`,
    })
    .from(invoices)
    .where(and(eq(invoices.accountId, id), eq(invoices.status, "open"), gt(invoices.balance, 0)))
    .groupBy(invoices.currency)
    .orderBy(invoices.currency);
  return rows.map((r) => ({ ...r, openBalance: Number(r.openBalance), overdueBalance: Number(r.overdueBalance), onPlanBalance: Number(r.onPlanBalance) }));
}

async function countFromInvoices(id: string, filter: (typeof invoiceFilters)[number]): Promise<number> {
  const open = and(eq(invoices.status, "open"), gt(invoices.balance, 0));
  const where = { open, overdue: and(open, lt(invoices.dueDate, today()), isNull(invoices.paymentPlanId)), paid: eq(invoices.status, "paid"), all: undefined }[filter];
  const [row] = await db.select({ n: count() }).from(invoices).where(and(eq(invoices.accountId, id), where));
  return row!.n;
}

/** Every figure the payer and staff read for both accounts equals the same figure counted from the invoices. */
async function expectFiguresFromInvoices() {
  expect(await keptTotalsDrift(sqlClient())).toEqual([]);
  for (const id of [accountId, otherAccountId]) {
    const fresh = await balancesFromInvoices(id);
    expect(await accountBalances(pat, id)).toEqual(fresh);
    expect(await accountBalances(staff, id)).toEqual(fresh);
    for (const filter of invoiceFilters) {
      const expected = await countFromInvoices(id, filter);
      expect((await listInvoices(pat, { ...invoiceListQuery.parse({ filter }), accountId: id })).total, `${filter} count`).toBe(expected);
      expect((await listInvoices(staff, { ...invoiceListQuery.parse({ filter }), accountId: id })).total, `${filter} count (staff)`).toBe(expected);
    }
  }
}

describe("kept account totals", () => {
  it("equal the invoices after a bulk insert in one statement", async () => {
    const [balance] = await accountBalances(pat, accountId);
    expect(balance!.openCount).toBeGreaterThan(200);
    expect(balance!.overdueCount).toBeGreaterThan(50);
    await expectFiguresFromInvoices();
  });

  it("follow payments, credits and a void made in one statement over many invoices", async () => {
    await db.execute(sql`update invoices set amount_paid = total - amount_credited, status = 'paid' where account_id = ${accountId} and status = 'open' and due_date < ${addDays(today(), -15)}`);
    await db.execute(sql`update invoices set amount_credited = 1_00 where account_id = ${accountId} and status = 'open' and amount_paid = 0 and total - amount_credited > 2_00 and due_date > ${today()}`);
    await db.execute(sql`update invoices set status = 'void' where account_id = ${accountId} and status = 'open' and due_date = ${addDays(today(), 3)}`);
    await expectFiguresFromInvoices();
  });

  it("follow invoices put on a payment plan and taken off it", async () => {
    await db.execute(sql`update invoices set payment_plan_id = 'plan_test' where account_id = ${accountId} and status = 'open' and due_date between ${addDays(today(), -10)} and ${addDays(today(), 5)}`);
    const [balance] = await accountBalances(pat, accountId);
    expect(balance!.onPlanCount).toBeGreaterThan(0);
    await expectFiguresFromInvoices();
    await db.execute(sql`update invoices set payment_plan_id = null where payment_plan_id = 'plan_test' and due_date < ${today()}`);
    await expectFiguresFromInvoices();
  });

  it("follow invoices moved to another account, currency or due date, and deleted", async () => {
    await db.execute(sql`update invoices set account_id = ${otherAccountId} where account_id = ${accountId} and due_date in (${addDays(today(), 7)}, ${addDays(today(), 8)})`);
    await db.execute(sql`update invoices set currency = 'EUR' where account_id = ${otherAccountId} and total % 2 = 0`);
    await db.execute(sql`update invoices set due_date = due_date + 30 where account_id = ${accountId} and due_date < ${today()}`);
    await db.execute(sql`delete from invoice_lines where invoice_id in (select id from invoices where account_id = ${accountId} and total % 3 = 0)`);
    await db.execute(sql`delete from invoices where account_id = ${accountId} and total % 3 = 0`);
    await expectFiguresFromInvoices();
    expect((await accountBalances(pat, otherAccountId)).map((b) => b.currency)).toEqual(["EUR", "USD"]);
  });

  it("drop a currency from the balances once nothing is open in it, and show nothing to another payer", async () => {
    await db.execute(sql`update invoices set amount_paid = total, amount_credited = 0, status = 'paid' where account_id = ${otherAccountId} and currency = 'EUR'`);
    expect((await accountBalances(pat, otherAccountId)).map((b) => b.currency)).toEqual(["USD"]);
    const stranger: PayerActor = { kind: "payer", userId: (await make.payer()).user.id, ip: null };
    expect(await accountBalances(stranger, accountId)).toEqual([]);
    expect((await listInvoices(stranger, { ...invoiceListQuery.parse({ filter: "all" }), accountId })).total).toBe(0);
    await expectFiguresFromInvoices();
  });

  it("a change the triggers did not see is caught by the drift check", async () => {
    let drift: unknown[] = [];
    const rolledBack = await sqlClient()
      .begin(async (t) => {
        await t`alter table invoices disable trigger account_invoice_totals_updated`;
        await t`update invoices set amount_paid = 0, amount_credited = 0, status = 'open' where account_id = ${otherAccountId} and status = 'paid'`;
        drift = await keptTotalsDrift(t);
        throw new Error("roll back");
      })
      .catch((error: Error) => error.message);
    expect(rolledBack).toBe("roll back");
    expect(drift).toContainEqual(expect.objectContaining({ side: "fresh", account_id: otherAccountId, bucket: "open" }));
  });
});
