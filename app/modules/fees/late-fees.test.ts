import { and, eq, isNull, like, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { accounts, type Account } from "#db/schema/accounts";
import { events } from "#db/schema/events";
import { invoiceLines, invoices, type Invoice } from "#db/schema/invoices";
import { devEmails } from "#db/schema/mail";
import { paymentPlans } from "#db/schema/plans";
import { receivableEntries } from "#db/schema/receivables";
import { lateFeePolicies } from "#db/schema/terms";
import { db } from "~/db.server";
import { systemActor, type StaffActor } from "~/modules/auth/actor";
import { defaultPlanRules } from "~/modules/plans/plan-rules-limits";
import { setClock } from "~/utils/clock";
import { addDays, daysBetween } from "~/utils/dates";
import { isProblem } from "~/utils/problem";
import { drainJobs, TEST_TODAY, testData } from "../../../test/helpers";

import { addMonths, periodStart } from "./late-fee-rules";

const { postLateFees } = await import("./post-late-fees.server");

let make: Awaited<ReturnType<typeof testData>>;
const job = systemActor("job", "post_late_fees");
const moveTo = (date: string) => setClock(() => new Date(`${date}T12:00:00Z`));
const day = (n: number) => addDays(TEST_TODAY, n);

async function run(n: number) {
  moveTo(day(n));
  const result = await postLateFees(job, { on: day(n) });
  if (isProblem(result)) throw new Error(result.message);
  return result;
}

/** An account whose contract allows fees, with its own policy (1.5 % a month after 15 days unless told). */
async function feeAccount(policy: Partial<typeof lateFeePolicies.$inferInsert> = {}): Promise<Account> {
  const account = await make.account();
  await db.update(accounts).set({ lateFeesAllowed: true }).where(eq(accounts.id, account.id));
  await db.insert(lateFeePolicies).values({ accountId: account.id, kind: "percent", rateBps: 150, graceDays: 15, ...policy });
  return account;
}

async function feesOn(parent: Invoice) {
  return db
    .select({ id: invoices.id, number: invoices.number, period: invoices.lateFeePeriod, total: invoices.total, subtotal: invoices.subtotal, taxTotal: invoices.taxTotal, issueDate: invoices.issueDate, dueDate: invoices.dueDate, terms: invoices.terms, currency: invoices.currency, accountId: invoices.accountId, externalId: invoices.externalId })
    .from(invoices)
    .where(eq(invoices.lateFeeForInvoiceId, parent.id))
    .orderBy(invoices.lateFeePeriod);
}

const feeEvents = (parent: Invoice) => db.select().from(events).where(and(eq(events.type, "invoice.late_fee_posted"), sql`${events.data}->>'parentInvoiceId' = ${parent.id}`));

beforeAll(async () => {
  moveTo(TEST_TODAY);
  make = await testData();
});
beforeEach(() => moveTo(TEST_TODAY));
afterAll(() => setClock(undefined));

describe("the issue's late fee: 1.5 % a month after 15 days' grace", () => {
  it("accrues only on the undisputed overdue part and posts once a month as its own invoice with one line", async () => {
    const account = await feeAccount();
    const parent = await make.invoice(account, { total: 1_000_00, dueInDays: 0, number: `LATE-${account.number}` });
    await make.dispute(parent, { amount: 400_00 });
    // Every day for 80 days: periods start the day after the grace (day 16) and a calendar month later each.
    for (let n = 0; n <= 80; n++) await run(n);

    const fees = await feesOn(parent);
    expect(fees.map((f) => f.period)).toEqual([1, 2, 3]);
    expect(fees.map((f) => f.issueDate)).toEqual([day(16), periodStart(day(0), 15, 2), periodStart(day(0), 15, 3)]);
    expect(periodStart(day(0), 15, 2)).toBe(addDays(addMonths(day(15), 1), 1));
    // 1.5 % of the undisputed USD 600.00, not of the USD 1,000.00 balance.
    expect(fees.every((f) => f.total === 9_00 && f.subtotal === 9_00 && f.taxTotal === 0)).toBe(true);
    expect(fees[0]).toMatchObject({ number: `${parent.number}-LF1`, issueDate: day(16), dueDate: day(16), terms: "Due on receipt", currency: "USD", accountId: account.id, externalId: null });
    expect(fees.map((f) => f.number)).toEqual([1, 2, 3].map((p) => `${parent.number}-LF${p}`));

    const lines = await db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, fees[1]!.id));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ description: `Late fee: 1.5 % of USD 600.00 overdue on ${parent.number} (period 2)`, amount: 9_00, unitAmount: 9_00 });

    // The parent is untouched; the fee is receivable from its posting date (the ledger triggers).
    const [after] = await db.select().from(invoices).where(eq(invoices.id, parent.id));
    expect(after!.balance).toBe(1_000_00);
    const ledger = await db.select().from(receivableEntries).where(eq(receivableEntries.invoiceId, fees[0]!.id));
    expect(ledger.some((e) => e.effectiveOn === day(16) && e.amount === 9_00)).toBe(true);

    // One event per fee, with what the back office needs to book it.
    const sent = await feeEvents(parent);
    expect(sent).toHaveLength(3);
    expect(sent.map((e) => e.subjectId).sort()).toEqual(fees.map((f) => f.id).sort());
    expect(sent.find((e) => e.subjectId === fees[0]!.id)!.data).toMatchObject({ number: `${parent.number}-LF1`, parentNumber: parent.number, period: 1, amount: 9_00, currency: "USD", basis: 600_00, policy: { kind: "percent", rateBps: 150, graceDays: 15 } });
  });

  it("is not posted twice after a 3-day outage, nor by reruns or two runs at once, and a missed period is not back-charged", async () => {
    const account = await feeAccount({ kind: "fixed", rateBps: null, fixedAmount: 25_00, graceDays: 0 });
    const parent = await make.invoice(account, { total: 500_00, dueInDays: 0 });
    // Period 1 from day 1; period 2 from a month after the due date, plus a day.
    expect((await run(1)).posted).toHaveLength(1);
    // Down on days 2–4; back on day 5, run three times (and twice at once).
    for (let i = 0; i < 3; i++) expect((await run(5)).posted).toHaveLength(0);
    moveTo(day(5));
    const [a, b] = await Promise.all([postLateFees(job, { on: day(5) }), postLateFees(job, { on: day(5) })]);
    expect(!isProblem(a) && !isProblem(b) && a.posted.length + b.posted.length).toBe(0);
    expect((await feesOn(parent)).map((f) => f.period)).toEqual([1]);

    // An outage across the start of period 2: the first run after it posts period 2 once.
    const n2 = daysBetween(day(0), periodStart(day(0), 0, 2));
    expect((await run(n2 + 2)).posted.map((f) => f.period)).toEqual([2]);
    for (let i = 0; i < 3; i++) await run(n2 + 2);
    const [c, d] = await Promise.all([postLateFees(job, { on: day(n2 + 3) }), postLateFees(job, { on: day(n2 + 3) })]);
    expect(!isProblem(c) && !isProblem(d) && c.posted.length + d.posted.length).toBe(0);

    // Down for all of period 3 and into period 4: period 3 is never charged, period 4 once.
    const n4 = daysBetween(day(0), periodStart(day(0), 0, 4));
    expect(n4 - n2).toBeGreaterThan(58);
    const fourth = await run(n4 + 1);
    expect(fourth.posted.map((f) => f.period)).toEqual([4]);
    await run(n4 + 1);
    const fees = await feesOn(parent);
    expect(fees.map((f) => [f.period, f.total])).toEqual([
      [1, 25_00],
      [2, 25_00],
      [4, 25_00],
    ]);
    expect(await feeEvents(parent)).toHaveLength(3);
  });

  it("stops while the invoice is on a payment plan or under an open promise, and never charges a fee on a fee", async () => {
    const account = await feeAccount();
    const [onPlan, promised, broken] = await make.invoices(account, [
      { total: 1_000_00, dueInDays: 0 },
      { total: 1_000_00, dueInDays: 0 },
      { total: 1_000_00, dueInDays: 0 },
    ]);
    expect((await run(16)).posted.map((f) => f.parentNumber).sort()).toEqual([onPlan!.number, promised!.number, broken!.number].sort());

    const [plan] = await db.insert(paymentPlans).values({ accountId: account.id, currency: "USD", total: 1_000_00, frequency: "monthly", installmentCount: 3, status: "active", policy: defaultPlanRules }).returning();
    await db.update(invoices).set({ paymentPlanId: plan!.id }).where(eq(invoices.id, onPlan!.id));
    await make.promise(account, [promised!], { promisedFor: day(60) });
    await make.promise(account, [broken!], { status: "broken" });

    const later = await run(50);
    expect(later.posted.map((f) => f.parentNumber)).toEqual([broken!.number]);
    expect(later.skipped.promised).toBe(1);
    expect((await feesOn(onPlan!)).map((f) => f.period)).toEqual([1]);
    expect((await feesOn(promised!)).map((f) => f.period)).toEqual([1]);
    expect((await feesOn(broken!)).map((f) => f.period)).toEqual([1, 2]);
    // The fee invoices are overdue too, and get no fee of their own.
    const fee = (await feesOn(broken!))[0]!;
    expect(await db.select().from(invoices).where(eq(invoices.lateFeeForInvoiceId, fee.id))).toHaveLength(0);
  });

  it("respects its caps: on one invoice over its life, and on the account's unpaid fees", async () => {
    const capped = await feeAccount({ capPerInvoice: 20_00 });
    const parent = await make.invoice(capped, { total: 1_000_00, dueInDays: 0 });
    for (const n of [16, 50, 80, 110]) await run(n);
    expect((await feesOn(parent)).map((f) => [f.period, f.total])).toEqual([
      [1, 15_00],
      [2, 5_00],
    ]);

    moveTo(TEST_TODAY);
    const perAccount = await feeAccount({ capPerAccount: 40_00 });
    const [a, b] = await make.invoices(perAccount, [
      { total: 2_000_00, dueInDays: -1, number: `CAP-A-${perAccount.number}` },
      { total: 2_000_00, dueInDays: 0, number: `CAP-B-${perAccount.number}` },
    ]);
    await run(16);
    // 30.00 on the older invoice, then what is left of the 40.00 on the next one.
    expect((await feesOn(a!)).map((f) => f.total)).toEqual([30_00]);
    expect((await feesOn(b!)).map((f) => f.total)).toEqual([10_00]);
    expect((await run(50)).skipped.account_cap_reached).toBe(2);
    // Paying a fee makes room under the account cap again.
    const fee = (await feesOn(a!))[0]!;
    await db.update(invoices).set({ amountPaid: 30_00, status: "paid" }).where(eq(invoices.id, fee.id));
    await run(51);
    expect((await feesOn(a!)).map((f) => f.total)).toEqual([30_00, 30_00]);
  });

  it("charges nothing where the contract does not allow fees or no policy is enabled; the default policy applies otherwise", async () => {
    const notAllowed = await make.account();
    await db.insert(lateFeePolicies).values({ accountId: notAllowed.id, kind: "percent", rateBps: 150, graceDays: 15 });
    const disabled = await feeAccount({ enabled: false });
    const byDefault = await make.account();
    await db.update(accounts).set({ lateFeesAllowed: true }).where(eq(accounts.id, byDefault.id));
    const [x, y, z] = [await make.invoice(notAllowed, { dueInDays: 0 }), await make.invoice(disabled, { dueInDays: 0 }), await make.invoice(byDefault, { total: 200_00, dueInDays: 0 })];
    await run(20);
    expect(await feesOn(z)).toHaveLength(0); // no default policy yet
    await db.insert(lateFeePolicies).values({ accountId: null, kind: "fixed", fixedAmount: 7_50, graceDays: 5 }).onConflictDoNothing();
    await run(21);
    expect(await feesOn(x)).toHaveLength(0);
    expect(await feesOn(y)).toHaveLength(0);
    expect((await feesOn(z)).map((f) => f.total)).toEqual([7_50]);
    await db.delete(lateFeePolicies).where(isNull(lateFeePolicies.accountId));
  });

  it("emails the account's billing contacts once per run, listing its fees; only the schedule or an AR admin runs it", async () => {
    const account = await feeAccount();
    const [a, b] = await make.invoices(account, [
      { total: 100_00, dueInDays: 0, number: `MAIL-A-${account.number}` },
      { total: 300_00, dueInDays: 0, number: `MAIL-B-${account.number}` },
    ]);
    await run(16);
    await run(16);
    await drainJobs();
    const mail = await db.select().from(devEmails).where(like(devEmails.to, `%${account.billingEmail!}%`));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe("Late fees added: USD 6.00");
    expect(mail[0]!.text).toContain(`${a!.number}-LF1: Late fee: 1.5 % of USD 100.00 overdue on ${a!.number} (period 1): USD 1.50`);
    expect(mail[0]!.text).toContain(`${b!.number}-LF1`);

    const agent: StaffActor = { kind: "staff", userId: (await make.staff("ar_agent")).id, role: "ar_agent", ip: null };
    const refused = await postLateFees(agent, { on: day(16) });
    expect(isProblem(refused) && refused.kind).toBe("forbidden");
  });
});

describe("setting late fees up", () => {
  it("reads the typed policy, each mistake at its field", async () => {
    const { defaultLateFeePolicyForm, accountLateFeesForm } = await import("./late-fee-forms");
    expect(defaultLateFeePolicyForm.safeParse({ enabled: "on", kind: "percent", rate: "1.5", graceDays: "15", capPerInvoice: "100.00" }).data).toEqual({
      enabled: true,
      kind: "percent",
      rateBps: 150,
      fixedAmount: null,
      graceDays: 15,
      capPerInvoice: 100_00,
      capPerAccount: null,
    });
    const wrong = defaultLateFeePolicyForm.safeParse({ kind: "fixed", rate: "1.555", graceDays: "400", capPerAccount: "-1" });
    expect(Object.fromEntries(wrong.error!.issues.map((i) => [i.path[0], i.message]))).toEqual({
      rate: "Enter the monthly rate as a percent from 0.01 to 100 with at most 2 decimals, like 1.5.",
      fixedAmount: "Enter the fee per period in dollars, like 25.00 (at most 1,000,000.00).",
      graceDays: "Enter the grace as a whole number of days from 0 to 365, like 15.",
      capPerAccount: "Enter the most unpaid fees one customer can owe in dollars, like 500.00, or leave it empty for no cap.",
    });
    // On the default policy a customer's policy fields may be empty, but what is typed must read.
    expect(accountLateFeesForm.safeParse({ intent: "late_fees", lateFeesAllowed: "on", feePolicy: "default" }).data).toEqual({ intent: "late_fees", allowed: true, own: null });
    expect(accountLateFeesForm.safeParse({ intent: "late_fees", feePolicy: "default", feeRate: "abc" }).success).toBe(false);
    expect(accountLateFeesForm.safeParse({ intent: "late_fees", feePolicy: "own", feeKind: "fixed", feeFixedAmount: "25", feeGraceDays: "0" }).data).toMatchObject({ own: { kind: "fixed", fixedAmount: 25_00, rateBps: null, graceDays: 0 } });
  });

  it("only an AR admin changes the default policy and a customer's fees; saving them unchanged writes nothing; every change is audited", async () => {
    const { saveDefaultLateFeePolicy } = await import("./save-default-late-fee-policy.server");
    const { setAccountLateFees } = await import("./set-account-late-fees.server");
    const { auditLog } = await import("#db/schema/audit");
    const admin: StaffActor = { kind: "staff", userId: (await make.staff("ar_admin")).id, role: "ar_admin", ip: null };
    const agent: StaffActor = { kind: "staff", userId: (await make.staff("ar_agent")).id, role: "ar_agent", ip: null };
    const policy = { enabled: true, kind: "percent" as const, rateBps: 150, fixedAmount: null, graceDays: 15, capPerInvoice: null, capPerAccount: 500_00 };
    const audits = async (subjectId: string) => (await db.select().from(auditLog).where(eq(auditLog.subjectId, subjectId))).length;

    const refused = await saveDefaultLateFeePolicy(agent, policy);
    expect(isProblem(refused) && refused.kind).toBe("forbidden");
    expect(await saveDefaultLateFeePolicy(admin, policy)).toEqual({ changed: true });
    const [row] = await db.select().from(lateFeePolicies).where(isNull(lateFeePolicies.accountId));
    expect(row).toMatchObject({ ...policy, updatedByUserId: admin.userId });
    expect(await saveDefaultLateFeePolicy(admin, policy)).toEqual({ changed: false });
    expect(await saveDefaultLateFeePolicy(admin, { ...policy, graceDays: 10 })).toEqual({ changed: true });
    expect(await audits(row!.id)).toBe(2);

    const account = await make.account();
    const own = { kind: "fixed" as const, rateBps: null, fixedAmount: 25_00, graceDays: 0, capPerInvoice: null, capPerAccount: null };
    expect(isProblem(await setAccountLateFees(agent, { accountId: account.id, allowed: true, own: null }))).toBe(true);
    expect(await setAccountLateFees(admin, { accountId: account.id, allowed: true, own })).toEqual({ changed: true });
    expect(await setAccountLateFees(admin, { accountId: account.id, allowed: true, own })).toEqual({ changed: false });
    const [flag] = await db.select({ allowed: accounts.lateFeesAllowed }).from(accounts).where(eq(accounts.id, account.id));
    expect(flag!.allowed).toBe(true);
    expect(await db.select().from(lateFeePolicies).where(eq(lateFeePolicies.accountId, account.id))).toHaveLength(1);
    // Back to the default policy: their own is gone.
    expect(await setAccountLateFees(admin, { accountId: account.id, allowed: true, own: null })).toEqual({ changed: true });
    expect(await db.select().from(lateFeePolicies).where(eq(lateFeePolicies.accountId, account.id))).toHaveLength(0);
    expect(await audits(account.id)).toBe(2);
    await db.delete(lateFeePolicies).where(isNull(lateFeePolicies.accountId));
  });
});
