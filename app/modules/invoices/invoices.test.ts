import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts, users } from "#db/schema/accounts";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { setClock } from "~/utils/clock";
import { seed, TEST_TODAY } from "../../../test/helpers";
import { accountBalances } from "./account-balances.server";
import { getInvoice } from "./get-invoice.server";
import { getStatement } from "./get-statement.server";
import { invoiceListQuery, listInvoices } from "./list-invoices.server";
import type { ReadScope } from "./scope.server";

let pat: ReadScope;
let olivia: ReadScope;
const acc: Record<string, string> = {};

beforeAll(async () => {
  setClock(() => new Date(`${TEST_TODAY}T12:00:00Z`));
  await seed();
  for (const a of await db.select().from(accounts)) acc[a.number] = a.id;
  const [p] = await db.select().from(users).where(eq(users.email, "pat@northwind.example"));
  const [o] = await db.select().from(users).where(eq(users.email, "olivia@globex.example"));
  pat = { kind: "payer", userId: p!.id };
  olivia = { kind: "payer", userId: o!.id };
});
afterAll(() => setClock(undefined));

const query = (q: Record<string, string> = {}) => invoiceListQuery.parse(q);

describe("tenant isolation", () => {
  it("never lists another account's invoices, even when asked for that account", async () => {
    const list = await listInvoices(olivia, { ...query({ filter: "all" }), accountId: acc["C-1001"] });
    expect(list.total).toBe(0);
    expect(list.rows).toEqual([]);
  });

  it("answers null (404) for another account's invoice, its statement and balances", async () => {
    const [northwind] = await db.select().from(invoices).where(eq(invoices.accountId, acc["C-1001"]!)).limit(1);
    expect(await getInvoice(olivia, northwind!.id)).toBeNull();
    expect(await getInvoice(pat, northwind!.id)).not.toBeNull();
    expect(await getStatement(olivia, acc["C-1001"]!)).toBeNull();
    expect(await accountBalances(olivia, acc["C-1001"]!)).toEqual([]);
  });

  it("lets staff read every account", async () => {
    const list = await listInvoices({ kind: "staff" }, query({ filter: "all" }));
    const [{ n }] = (await db.execute<{ n: number }>(sql`select count(*)::int as n from invoices`)) as unknown as [{ n: number }];
    expect(list.total).toBe(n);
  });
});

describe("invoice list", () => {
  it("filters: overdue means open with a balance and past due; paid means paid", async () => {
    const overdue = await listInvoices(pat, { ...query({ filter: "overdue" }), accountId: acc["C-1001"] });
    expect(overdue.total).toBeGreaterThan(0);
    for (const row of overdue.rows) {
      expect(row.displayStatus).toBe("overdue");
      expect(row.dueDate < TEST_TODAY).toBe(true);
    }
    const paid = await listInvoices(pat, { ...query({ filter: "paid" }), accountId: acc["C-1001"] });
    expect(paid.rows.every((r) => r.displayStatus === "paid" && r.balance === 0)).toBe(true);
    const open = await listInvoices(pat, { ...query({ filter: "open" }), accountId: acc["C-1001"] });
    expect(open.rows.every((r) => r.balance > 0 && r.displayStatus !== "void")).toBe(true);
  });

  it("leaves an invoice on a payment plan out of overdue: filter, totals and status", async () => {
    const before = await listInvoices(pat, { ...query({ filter: "overdue" }), accountId: acc["C-1001"] });
    const [balanceBefore] = await accountBalances(pat, acc["C-1001"]!);
    const target = before.rows[0]!;
    await db.update(invoices).set({ paymentPlanId: "pln_test_overdue" }).where(eq(invoices.id, target.id));
    try {
      const after = await listInvoices(pat, { ...query({ filter: "overdue" }), accountId: acc["C-1001"] });
      expect(after.total).toBe(before.total - 1);
      expect(after.rows.some((r) => r.id === target.id)).toBe(false);
      const [balanceAfter] = await accountBalances(pat, acc["C-1001"]!);
      expect(balanceAfter!.overdueCount).toBe(balanceBefore!.overdueCount - 1);
      expect(balanceAfter!.overdueBalance).toBe(balanceBefore!.overdueBalance - target.balance);
      expect(balanceAfter!.openBalance).toBe(balanceBefore!.openBalance);
      expect(balanceAfter!.onPlanBalance).toBe(balanceBefore!.onPlanBalance + target.balance);
      const open = await listInvoices(pat, { ...query({ filter: "open", q: target.number }), accountId: acc["C-1001"] });
      expect(open.rows.find((r) => r.id === target.id)).toMatchObject({ displayStatus: "on_plan", paymentPlanId: "pln_test_overdue" });
      const detail = await getInvoice(pat, target.id);
      expect(detail).toMatchObject({ displayStatus: "on_plan", paymentPlanId: "pln_test_overdue" });
    } finally {
      await db.update(invoices).set({ paymentPlanId: null }).where(eq(invoices.id, target.id));
    }
  });

  it("sorts by balance both ways and pages without overlap", async () => {
    const asc = await listInvoices(pat, { ...query({ filter: "all", sort: "balance", dir: "asc" }), accountId: acc["C-1001"] });
    const balances = asc.rows.map((r) => r.balance);
    expect(balances).toEqual([...balances].sort((a, b) => a - b));
    const page2 = await listInvoices(pat, { ...query({ filter: "all", sort: "balance", dir: "asc", page: "2" }), accountId: acc["C-1001"] });
    expect(asc.pageCount).toBe(2);
    const ids = new Set(asc.rows.map((r) => r.id));
    expect(page2.rows.some((r) => ids.has(r.id))).toBe(false);
    expect(asc.rows.length + page2.rows.length).toBe(asc.total);
  });

  it("searches by PO and by invoice number, treating % and _ literally", async () => {
    const byPo = await listInvoices(pat, { ...query({ filter: "all", q: "po-4521" }), accountId: acc["C-1001"] });
    expect(byPo.rows.map((r) => r.number)).toEqual(["INV-10001"]);
    const byNumber = await listInvoices(pat, { ...query({ filter: "all", q: "10001" }), accountId: acc["C-1001"] });
    expect(byNumber.rows.map((r) => r.number)).toContain("INV-10001");
    const wildcard = await listInvoices(pat, { ...query({ filter: "all", q: "%" }), accountId: acc["C-1001"] });
    expect(wildcard.total).toBe(0);
  });

  it("falls back to defaults for nonsense parameters instead of failing", () => {
    expect(query({ filter: "bogus", sort: "drop table", page: "-3" })).toMatchObject({ filter: "open", sort: undefined, page: 1 });
  });
});

describe("balances and statement", () => {
  it("balances per currency match the database, and the statement's aging adds up to its total", async () => {
    const [balance] = await accountBalances(pat, acc["C-1001"]!);
    const [{ open }] = (await db.execute<{ open: string }>(
      sql`select sum(balance) as open from invoices where account_id = ${acc["C-1001"]} and status = 'open'`,
    )) as unknown as [{ open: string }];
    expect(balance!.openBalance).toBe(Number(open));

    const statement = await getStatement(pat, acc["C-1001"]!);
    const section = statement!.sections[0]!;
    const agingSum = Object.values(section.aging).reduce((a, b) => a + b, 0);
    expect(agingSum).toBe(section.closing);
    expect(section.closing).toBe(Number(open));
  });

  it("a void invoice owes nothing", async () => {
    const [voided] = await db.select().from(invoices).where(and(eq(invoices.accountId, acc["C-1001"]!), eq(invoices.status, "void"))).limit(1);
    const detail = await getInvoice(pat, voided!.id);
    expect(detail!.balance).toBe(0);
    expect(detail!.displayStatus).toBe("void");
  });

  it("shows an invoice's lines summing to its subtotal and balance = total − paid − credited", async () => {
    const [partial] = await db
      .select()
      .from(invoices)
      .where(and(eq(invoices.accountId, acc["C-1001"]!), sql`amount_paid > 0 and status = 'open'`))
      .limit(1);
    const detail = await getInvoice(pat, partial!.id);
    expect(detail!.lines.reduce((s, l) => s + l.amount, 0)).toBe(detail!.subtotal);
    expect(detail!.balance).toBe(detail!.total - detail!.amountPaid - detail!.amountCredited);
  });
});
