import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import type { PayerActor, StaffActor } from "~/modules/auth/actor";
import { setClock } from "~/utils/clock";
import { isProblem, type Problem } from "~/utils/problem";
import { TEST_TODAY, testData } from "../../../test/helpers";
import { accountBalances } from "./account-balances.server";
import { getInvoice } from "./get-invoice.server";
import { getStatement } from "./get-statement.server";
import { invoiceListQuery, listInvoices } from "./list-invoices.server";

type Invoice = typeof invoices.$inferSelect;
let pat: PayerActor;
let olivia: PayerActor;
let staff: StaffActor;
let accountId: string;
let make: Awaited<ReturnType<typeof testData>>;
/** The payer's account: two overdue, one not yet due, one partly paid, one paid, one void, and 24 more open ones (two pages). */
let made: { overdue: Invoice[]; notDue: Invoice; partial: Invoice; paid: Invoice; voided: Invoice; all: Invoice[] };

const ok = <T>(value: T | Problem): T => {
  if (isProblem(value)) throw new Error(`${value.kind}: ${value.message}`);
  return value;
};

beforeAll(async () => {
  setClock(() => new Date(`${TEST_TODAY}T12:00:00Z`));
  make = await testData();
  const patUser = await make.payer();
  const account = patUser.accounts[0]!;
  accountId = account.id;
  pat = { kind: "payer", userId: patUser.user.id, ip: null };
  olivia = { kind: "payer", userId: (await make.payer()).user.id, ip: null };
  staff = { kind: "staff", userId: (await make.staff()).id, role: "ar_agent", ip: null };
  const [overdue1, overdue2, notDue, partial, paid, voided, ...rest] = await make.invoices(account, [
    { total: 120_00, dueInDays: -10 },
    { total: 80_00, dueInDays: -45 },
    { total: 200_00, dueInDays: 20, poNumber: "PO-7731-%TEST" },
    { total: 100_00, paid: 30_00, dueInDays: 5 },
    { total: 50_00, status: "paid" },
    { total: 70_00, status: "void" },
    ...Array.from({ length: 24 }, (_, i) => ({ total: (i + 1) * 10_00, dueInDays: 10 + i })),
  ]);
  made = { overdue: [overdue1!, overdue2!], notDue: notDue!, partial: partial!, paid: paid!, voided: voided!, all: [overdue1!, overdue2!, notDue!, partial!, paid!, voided!, ...rest] };
});
afterAll(() => setClock(undefined));

const query = (q: Record<string, string> = {}) => invoiceListQuery.parse(q);

describe("tenant isolation", () => {
  it("never lists another account's invoices, even when asked for that account", async () => {
    const list = await listInvoices(olivia, { ...query({ filter: "all" }), accountId });
    expect(list.total).toBe(0);
    expect(list.rows).toEqual([]);
  });

  it("answers not_found for another account's invoice and statement, and no balances", async () => {
    expect(await getInvoice(olivia, made.notDue.id)).toMatchObject({ kind: "not_found", message: "Invoice not found." });
    expect(ok(await getInvoice(pat, made.notDue.id)).number).toBe(made.notDue.number);
    expect(await getStatement(olivia, accountId)).toMatchObject({ kind: "not_found" });
    expect(await accountBalances(olivia, accountId)).toEqual([]);
  });

  it("lets staff read every account", async () => {
    const list = await listInvoices(staff, query({ filter: "all" }));
    const [{ n }] = (await db.execute<{ n: number }>(sql`select count(*)::int as n from invoices`)) as unknown as [{ n: number }];
    expect(list.total).toBe(n);
    expect(isProblem(await getInvoice(staff, made.notDue.id))).toBe(false);
  });
});

describe("invoice list", () => {
  it("filters: overdue means open with a balance and past due; paid means paid", async () => {
    const overdue = await listInvoices(pat, { ...query({ filter: "overdue" }), accountId });
    expect(overdue.rows.map((r) => r.id).sort()).toEqual(made.overdue.map((i) => i.id).sort());
    for (const row of overdue.rows) {
      expect(row.displayStatus).toBe("overdue");
      expect(row.dueDate < TEST_TODAY).toBe(true);
    }
    const paid = await listInvoices(pat, { ...query({ filter: "paid" }), accountId });
    expect(paid.rows.map((r) => r.id)).toEqual([made.paid.id]);
    expect(paid.rows.every((r) => r.displayStatus === "paid" && r.balance === 0)).toBe(true);
    const open = await listInvoices(pat, { ...query({ filter: "open" }), accountId });
    expect(open.total).toBe(made.all.length - 2);
    expect(open.rows.every((r) => r.balance > 0 && r.displayStatus !== "void")).toBe(true);
  });

  it("leaves an invoice on a payment plan out of overdue: filter, totals and status", async () => {
    const before = await listInvoices(pat, { ...query({ filter: "overdue" }), accountId });
    const [balanceBefore] = await accountBalances(pat, accountId);
    const target = before.rows[0]!;
    await db.update(invoices).set({ paymentPlanId: "pln_test_overdue" }).where(eq(invoices.id, target.id));
    try {
      const after = await listInvoices(pat, { ...query({ filter: "overdue" }), accountId });
      expect(after.total).toBe(before.total - 1);
      expect(after.rows.some((r) => r.id === target.id)).toBe(false);
      const [balanceAfter] = await accountBalances(pat, accountId);
      expect(balanceAfter!.overdueCount).toBe(balanceBefore!.overdueCount - 1);
      expect(balanceAfter!.overdueBalance).toBe(balanceBefore!.overdueBalance - target.balance);
      expect(balanceAfter!.openBalance).toBe(balanceBefore!.openBalance);
      expect(balanceAfter!.onPlanBalance).toBe(balanceBefore!.onPlanBalance + target.balance);
      const open = await listInvoices(pat, { ...query({ filter: "open", q: target.number }), accountId });
      expect(open.rows.find((r) => r.id === target.id)).toMatchObject({ displayStatus: "on_plan", paymentPlanId: "pln_test_overdue" });
      expect(await getInvoice(pat, target.id)).toMatchObject({ displayStatus: "on_plan", paymentPlanId: "pln_test_overdue" });
    } finally {
      await db.update(invoices).set({ paymentPlanId: null }).where(eq(invoices.id, target.id));
    }
  });

  it("sorts by balance both ways and pages without overlap", async () => {
    const asc = await listInvoices(pat, { ...query({ filter: "all", sort: "balance", dir: "asc" }), accountId });
    const balances = asc.rows.map((r) => r.balance);
    expect(balances).toEqual([...balances].sort((a, b) => a - b));
    const desc = await listInvoices(pat, { ...query({ filter: "all", sort: "balance", dir: "desc" }), accountId });
    expect(desc.rows[0]!.balance).toBe(Math.max(...made.all.map((i) => i.balance)));
    const page2 = await listInvoices(pat, { ...query({ filter: "all", sort: "balance", dir: "asc", page: "2" }), accountId });
    expect(asc.pageCount).toBe(2);
    const ids = new Set(asc.rows.map((r) => r.id));
    expect(page2.rows.some((r) => ids.has(r.id))).toBe(false);
    expect(asc.rows.length + page2.rows.length).toBe(asc.total);
    expect(asc.total).toBe(made.all.length);
  });

  it("searches by PO and by invoice number, treating % and _ literally", async () => {
    const byPo = await listInvoices(pat, { ...query({ filter: "all", q: "po-7731" }), accountId });
    expect(byPo.rows.map((r) => r.number)).toEqual([made.notDue.number]);
    const byNumber = await listInvoices(pat, { ...query({ filter: "all", q: made.partial.number.slice(-6) }), accountId });
    expect(byNumber.rows.map((r) => r.number)).toContain(made.partial.number);
    // "%" matches only the PO that holds a literal %, not every invoice.
    const wildcard = await listInvoices(pat, { ...query({ filter: "all", q: "%" }), accountId });
    expect(wildcard.rows.map((r) => r.id)).toEqual([made.notDue.id]);
    expect((await listInvoices(pat, { ...query({ filter: "all", q: "_" }), accountId })).total).toBe(0);
  });

  it("falls back to defaults for nonsense parameters instead of failing", () => {
    expect(query({ filter: "bogus", sort: "drop table", page: "-3" })).toMatchObject({ filter: "open", sort: undefined, page: 1 });
  });
});

describe("balances and statement", () => {
  it("balances per currency match the invoices, and the statement's aging adds up to its total", async () => {
    const [balance] = await accountBalances(pat, accountId);
    const open = made.all.filter((i) => i.status === "open").reduce((s, i) => s + i.balance, 0);
    expect(balance!.openBalance).toBe(open);
    expect(balance!.overdueBalance).toBe(120_00 + 80_00);

    const statement = ok(await getStatement(pat, accountId, { from: "2026-01-01", to: TEST_TODAY }));
    const section = statement.sections[0]!;
    const agingSum = Object.values(section.aging).reduce((a, b) => a + b, 0);
    expect(agingSum).toBe(section.closing);
    expect(section.closing).toBe(open);
  });

  it("a void invoice owes nothing", async () => {
    const detail = ok(await getInvoice(pat, made.voided.id));
    expect(detail.balance).toBe(0);
    expect(detail.displayStatus).toBe("void");
  });

  it("shows an invoice's lines summing to its subtotal and balance = total − paid − credited", async () => {
    const detail = ok(await getInvoice(pat, made.partial.id));
    expect(detail.lines.reduce((s, l) => s + l.amount, 0)).toBe(detail.subtotal);
    expect(detail.balance).toBe(detail.total - detail.amountPaid - detail.amountCredited);
    expect(detail.balance).toBe(70_00);
  });
});

describe("invoice detail", () => {
  it("names the invoice a late fee is on and the fees charged on an invoice, read side by side", async () => {
    const payer = await make.payer();
    const reader: PayerActor = { kind: "payer", userId: payer.user.id, ip: null };
    const [parent, fee1, fee2] = await make.invoices(payer.accounts[0]!, [{ total: 500_00, dueInDays: -40 }, { total: 7_50, dueInDays: 10 }, { total: 7_60, dueInDays: 40 }]);
    await db.update(invoices).set({ lateFeeForInvoiceId: parent!.id, lateFeePeriod: 1 }).where(eq(invoices.id, fee1!.id));
    await db.update(invoices).set({ lateFeeForInvoiceId: parent!.id, lateFeePeriod: 2 }).where(eq(invoices.id, fee2!.id));

    const onParent = ok(await getInvoice(reader, parent!.id));
    expect(onParent.lateFeeFor).toBeNull();
    expect(onParent.lateFees.map((f) => [f.number, f.period, f.total])).toEqual([[fee1!.number, 1, 7_50], [fee2!.number, 2, 7_60]]);
    const onFee = ok(await getInvoice(reader, fee2!.id));
    expect(onFee.lateFeeFor).toEqual({ id: parent!.id, number: parent!.number });
    expect(onFee.lateFees).toEqual([]);
    expect(onFee.lines.length).toBeGreaterThan(0);
    expect(await getInvoice(olivia, fee2!.id)).toMatchObject({ kind: "not_found" });
  });
});
