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
import { isProblem } from "~/utils/problem";
import { TEST_TODAY, testData } from "../../../test/helpers";
import { oracleStatement } from "../../../test/statement-oracle";
import { getStatement } from "./get-statement.server";
import type { StatementPeriod } from "./types";

/**
 * The statement reads only the facts dated from the period's start and derives the older history
 * from the invoices' current balances. Here it must say exactly what the full-history computation
 * (test/statement-oracle.ts) says, on an account with every kind of fact, for periods before,
 * across, inside and after its history, page by page.
 */
let payer: PayerActor;
let staff: StaffActor;
let accountId: string;
const at = (day: string) => new Date(`${day}T15:00:00Z`);

async function invoice(number: string, currency: string, issueDate: string, dueDate: string, total: number, extra: Partial<typeof invoices.$inferInsert> = {}) {
  const [row] = await db.insert(invoices).values({ accountId, number, currency, issueDate, dueDate, terms: "Net 30", subtotal: total, total, ...extra }).returning({ id: invoices.id });
  return row!.id;
}
/** A payment split over invoices (one statement line naming them all). */
async function pay(parts: { invoiceId: string; amount: number }[], currency: string, when: Date, status: "succeeded" | "processing" = "succeeded") {
  const amount = parts.reduce((n, p) => n + p.amount, 0);
  const [p] = await db
    .insert(payments)
    .values({ accountId, amount, currency, status, method: "card", methodLabel: "Visa ···· 4242", succeededAt: status === "succeeded" ? when : null, createdAt: new Date(when.getTime() - 3 * 86_400_000) })
    .returning({ id: payments.id });
  await db.insert(paymentAllocations).values(parts.map((part) => ({ paymentId: p!.id, invoiceId: part.invoiceId, amount: part.amount })));
  for (const part of parts) {
    await db
      .update(invoices)
      .set(status === "succeeded" ? { amountPaid: sql`${invoices.amountPaid} + ${part.amount}` } : { amountPending: sql`${invoices.amountPending} + ${part.amount}` })
      .where(eq(invoices.id, part.invoiceId));
  }
  return p!.id;
}

beforeAll(async () => {
  setClock(() => new Date(`${TEST_TODAY}T12:00:00Z`));
  const make = await testData();
  const ledger = await make.payer({ accounts: [await make.account({ name: "Oracle Ledger Co." })] });
  const account = ledger.accounts[0]!;
  accountId = account.id;
  payer = { kind: "payer", userId: ledger.user.id, ip: null };
  staff = { kind: "staff", userId: (await make.staff()).id, role: "ar_agent", ip: null };

  // 150 USD invoices from June to November, most paid in part a few days later (some around midnight UTC), so periods hold > 100 lines.
  const many: string[] = [];
  for (let i = 0; i < 150; i++) {
    const day = new Date(Date.UTC(2026, 5, 1) + i * 86_400_000).toISOString().slice(0, 10);
    const due = new Date(Date.UTC(2026, 5, 1) + (i + 30) * 86_400_000).toISOString().slice(0, 10);
    many.push(await invoice(`OR-${String(i).padStart(3, "0")}`, "USD", day, due, 10_000 + i * 13));
    if (i % 3 !== 2) await pay([{ invoiceId: many[i]!, amount: i % 4 === 0 ? 10_000 + i * 13 : 4_000 }], "USD", new Date(Date.UTC(2026, 5, 1) + (i + 4) * 86_400_000 + (i % 2 === 0 ? 23.5 : 0.5) * 3_600_000));
  }
  // One payment over two invoices, and a processing ACH payment (not on the statement).
  await pay([{ invoiceId: many[2]!, amount: 1_000 }, { invoiceId: many[5]!, amount: 2_000 }], "USD", at("2026-10-20"));
  await pay([{ invoiceId: many[8]!, amount: 500 }], "USD", at("2026-11-20"), "processing");

  // Credit memo, refund, chargeback with a partial reinstatement, void after a credit, offline payment received before it was recorded.
  const a = await invoice("LT-1", "USD", "2026-09-05", "2026-10-05", 100_000);
  const b = await invoice("LT-2", "USD", "2026-10-10", "2026-11-09", 50_000);
  const paidA = await pay([{ invoiceId: a, amount: 60_000 }], "USD", at("2026-10-01"));
  await db.insert(creditMemos).values({ accountId, invoiceId: a, amount: 10_000, currency: "USD", reason: "Damaged goods", createdAt: at("2026-10-15") });
  await db.update(invoices).set({ amountCredited: 10_000 }).where(eq(invoices.id, a));
  const paidB = await pay([{ invoiceId: b, amount: 50_000 }], "USD", at("2026-10-31"));
  await db.update(invoices).set({ status: "paid" }).where(eq(invoices.id, b));
  const [refund] = await db.insert(refunds).values({ paymentId: paidB, amount: 20_000, status: "succeeded", settledAt: at("2026-11-03"), createdAt: at("2026-11-02") }).returning({ id: refunds.id });
  await db.insert(refundAllocations).values({ refundId: refund!.id, invoiceId: b, amount: 20_000 });
  await db.update(paymentAllocations).set({ amountRefunded: 20_000 }).where(eq(paymentAllocations.paymentId, paidB));
  await db.update(invoices).set({ amountPaid: 30_000, status: "open" }).where(eq(invoices.id, b));
  const [cb] = await db
    .insert(chargebacks)
    .values({ paymentId: paidA, stripeDisputeId: "dp_oracle", amount: 25_000, currency: "USD", stripeStatus: "won", reason: "fraudulent", amountWithdrawn: 10_000, createdAt: at("2026-11-05"), updatedAt: at("2026-11-12"), closedAt: at("2026-11-12") })
    .returning({ id: chargebacks.id });
  await db.insert(chargebackAllocations).values({ chargebackId: cb!.id, invoiceId: a, amount: 10_000 });
  await db.insert(events).values({ type: "invoice.reopened", accountId, subjectType: "invoice", subjectId: a, data: { chargebackId: cb!.id, amount: 25_000 }, createdAt: at("2026-11-05") });
  await db.update(invoices).set({ amountPaid: 50_000 }).where(eq(invoices.id, a));
  const v = await invoice("LT-4", "USD", "2026-10-25", "2026-11-24", 8_000);
  await db.insert(creditMemos).values({ accountId, invoiceId: v, amount: 2_000, currency: "USD", reason: "Goodwill", createdAt: at("2026-10-26") });
  await db.update(invoices).set({ amountCredited: 2_000, status: "void" }).where(eq(invoices.id, v));
  await db.insert(events).values({ type: "invoice.voided", accountId, subjectType: "invoice", subjectId: v, data: {}, createdAt: at("2026-11-01") });
  const d = await invoice("LT-5", "USD", "2026-11-02", "2026-12-02", 12_000);
  await db.insert(events).values({ type: "payment.recorded_offline", accountId, subjectType: "invoice", subjectId: d, data: { amount: 4_000, reference: "WIRE-1", receivedOn: "2026-10-30" }, createdAt: at("2026-11-11") });
  await db.update(invoices).set({ amountPaid: 4_000 }).where(eq(invoices.id, d));

  // Discount taken, late fee, account credit applied.
  const t = await invoice("TT-2", "USD", "2026-11-01", "2026-12-01", 100_000, { amountPaid: 49_000, amountCredited: 1_000, amountDiscounted: 1_000 });
  const [p] = await db.insert(payments).values({ accountId, amount: 49_000, currency: "USD", status: "succeeded", method: "card", methodLabel: "Visa ···· 4242", succeededAt: at("2026-11-05"), createdAt: at("2026-11-05") }).returning();
  await db.insert(paymentAllocations).values({ paymentId: p!.id, invoiceId: t, amount: 49_000, discount: 1_000 });
  await db.insert(events).values({ type: "invoice.discount_taken", accountId, subjectType: "invoice", subjectId: t, data: { paymentId: p!.id, paid: 49_000, discount: 1_000, settled: 50_000, currency: "USD" }, createdAt: at("2026-11-05") });
  await invoice("TT-2-LF1", "USD", "2026-11-22", "2026-11-22", 750, { terms: "Due on receipt", lateFeeForInvoiceId: t, lateFeePeriod: 1 });
  const applied = await invoice("CL-1", "USD", "2026-08-02", "2026-09-02", 30_000, { amountCredited: 12_000 });
  const credit = await make.credit(account, { amount: 20_000, applied: 12_000, reason: "Returned pallets" });
  await db.insert(creditApplications).values({ creditId: credit.id, invoiceId: applied, amount: 12_000, createdAt: at("2026-10-09") });

  // Balances the facts do not explain (loaded without history): one adjustment on each issue date,
  // before and inside the periods; a total-0 invoice; and a currency whose only invoice has a total of 0 (its credit is explained by nothing).
  await invoice("UX-1", "USD", "2026-07-15", "2026-08-14", 20_000, { amountPaid: 7_000 });
  await invoice("UX-2", "USD", "2026-11-10", "2026-12-10", 9_000, { amountPaid: 9_000, status: "paid" });
  // Marked paid while still owing 500 (the aging must count it), and paid later in the period.
  const owing = await invoice("UX-3", "USD", "2026-06-20", "2026-07-20", 2_000, { amountPaid: 1_000, status: "paid" });
  await pay([{ invoiceId: owing, amount: 500 }], "USD", at("2026-11-18"));
  await invoice("Z-0", "USD", "2026-11-15", "2026-12-15", 0);
  const eur = await invoice("EU-0", "EUR", "2026-08-01", "2026-08-31", 0);
  await db.insert(creditMemos).values({ accountId, invoiceId: eur, amount: 3_000, currency: "EUR", reason: "Recorded against nothing", createdAt: at("2026-08-03") });

  // CAD: a second section.
  const e = await invoice("LT-C1", "CAD", "2026-10-01", "2026-10-31", 40_000);
  await pay([{ invoiceId: e, amount: 15_000 }], "CAD", at("2026-11-15"));
});
afterAll(() => setClock(undefined));

const periods: [string, StatementPeriod][] = [
  ["in the past", { from: "2026-10-01", to: "2026-10-31" }],
  ["ending today", { from: "2026-11-01", to: TEST_TODAY }],
  ["starting before the first invoice", { from: "2026-01-01", to: TEST_TODAY }],
  ["before the first invoice", { from: "2026-01-01", to: "2026-05-31" }],
  ["of one day", { from: "2026-11-05", to: "2026-11-05" }],
  ["of one day with a midnight payment", { from: "2026-06-05", to: "2026-06-05" }],
  ["after everything", { from: "2027-01-01", to: "2027-01-31" }],
  ["across the summer", { from: "2026-06-15", to: "2026-09-30" }],
];

describe("the statement from the period's facts and the current balances", () => {
  it.each(periods)("matches the full-history statement for a period %s, on every page and in full", async (_, period) => {
    for (const scope of [payer, staff]) {
      const full = await oracleStatement(scope, accountId, period, null);
      const pageCount = Math.max(1, Math.ceil(full.sections.reduce((n, s) => n + s.lineCount, 0) / 100));
      for (const page of [null, ...Array.from({ length: pageCount + 1 }, (_, i) => i + 1)]) {
        const expected = page === null ? full : await oracleStatement(scope, accountId, period, page);
        const statement = await getStatement(scope, accountId, period, page);
        if (isProblem(statement)) throw new Error(statement.message);
        expect(statement.sections.map(({ processing: _processing, ...s }) => s), `page ${page}`).toEqual(expected.sections);
        expect(statement.lines.map(({ offer: _offer, ...l }) => l), `page ${page}`).toEqual(expected.lines);
        if (page !== null) expect(statement.page?.count).toBe(pageCount);
      }
    }
  });

  it("covers every kind of line and more than one page (so the comparison above means something)", async () => {
    const full = await oracleStatement(staff, accountId, { from: "2026-01-01", to: TEST_TODAY }, null);
    expect(new Set(full.lines.map((l) => l.kind))).toEqual(
      new Set(["invoice", "late_fee", "payment", "offline_payment", "discount", "credit", "refund", "chargeback", "chargeback_reinstated", "void", "adjustment"]),
    );
    expect(full.sections.map((s) => s.currency)).toEqual(["CAD", "EUR", "USD"]);
    expect(full.sections.find((s) => s.currency === "USD")!.lineCount).toBeGreaterThan(200);
    const october = await oracleStatement(staff, accountId, { from: "2026-10-01", to: "2026-10-31" }, null);
    expect(october.sections.find((s) => s.currency === "USD")!.opening).not.toBe(0);
  });
});
