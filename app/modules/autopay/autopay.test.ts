import { and, eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { autopayCharges, autopayEnrollments } from "#db/schema/autopay";
import { events } from "#db/schema/events";
import { invoices } from "#db/schema/invoices";
import { devEmails } from "#db/schema/mail";
import { payments, savedPaymentMethods } from "#db/schema/payments";
import { db } from "~/db.server";
import { systemActor } from "~/modules/auth/actor";
import { setClock } from "~/utils/clock";
import { addDays } from "~/utils/dates";
import { isProblem } from "~/utils/problem";
import { control, startTestStripe } from "../../../test/stripe";
import { drainJobs, testData } from "../../../test/helpers";

const stripeUnderTest = await startTestStripe();
const { emulator } = stripeUnderTest;
const { enrolAutopay } = await import("./enrol-autopay.server");
const { changeAutopay } = await import("./change-autopay.server");
const { runAutopay } = await import("./run-autopay.server");
const { ensureStripeCustomer } = await import("~/modules/payments/start-payment.server");
const { stripe } = await import("~/modules/stripe/client.server");

const START = "2027-01-04";
const onDay = (date: string) => setClock(() => new Date(`${date}T15:00:00Z`));

let data: Awaited<ReturnType<typeof testData>>;
beforeAll(async () => {
  data = await testData();
});
afterAll(() => stripeUnderTest.stop());
afterEach(() => setClock(undefined));

/** A payer's own account with a saved method (a Stripe test method attached to its customer), enrolled in autopay. */
async function enrolled(testMethod: string, options: { type?: "card" | "us_bank_account"; maxCharge?: number; timing?: "due_date" | "days_before"; daysBefore?: number } = {}) {
  onDay(START);
  const account = await data.account();
  const { user } = await data.payer({ accounts: [account] });
  const payer = { kind: "payer" as const, userId: user.id, ip: "203.0.113.50" };
  const customer = await ensureStripeCustomer(account.id);
  const pm = await stripe().paymentMethods.attach(testMethod, { customer });
  const type = options.type ?? "card";
  const [method] = await db
    .insert(savedPaymentMethods)
    .values({ accountId: account.id, stripePaymentMethodId: pm.id, type, label: type === "card" ? "Visa •••• 4242" : "STRIPE TEST BANK •••• 6789", accountHolderType: type === "card" ? null : "company", isDefault: true })
    .returning();
  const result = await enrolAutopay(payer, { accountId: account.id, savedMethodId: method!.id, maxCharge: options.maxCharge ?? 1_000_00, timing: options.timing ?? "due_date", daysBefore: options.daysBefore ?? 0, userAgent: "vitest" });
  if (isProblem(result)) throw new Error(result.message);
  return { account, user, payer, method: method!, enrollmentId: result.enrollmentId };
}

/** Open invoices of the account due `dueInDays` after START. */
async function dueOn(account: { id: string; currency: string }, total: number, dueInDays: number) {
  const [inv] = await data.invoices(account as Parameters<typeof data.invoices>[0], [{ total, dueInDays }]);
  return inv!;
}

const chargesOf = (enrollmentId: string) => db.select().from(autopayCharges).where(eq(autopayCharges.enrollmentId, enrollmentId)).orderBy(autopayCharges.createdAt);
const invoice = async (id: string) => (await db.select().from(invoices).where(eq(invoices.id, id)))[0]!;
const mailTo = async (email: string, subject: string) => db.select().from(devEmails).where(and(sql`${devEmails.to} like ${`%${email}%`}`, sql`${devEmails.subject} like ${`${subject}%`}`));

async function runOn(date: string) {
  onDay(date);
  const run = await runAutopay(systemActor("job"));
  if (isProblem(run)) throw new Error(run.message);
  await drainJobs();
  return run;
}

describe("autopay with a saved card", () => {
  it("announces an invoice falling due 3 days ahead, charges it once on its due date, and a rerun changes nothing", async () => {
    const { account, user, enrollmentId } = await enrolled("pm_card_visa");
    const inv = await dueOn(account, 250_00, 10);
    const due = addDays(START, 10);

    expect((await runOn(addDays(due, -4))).announced).toBe(0);
    expect(await chargesOf(enrollmentId)).toHaveLength(0);
    expect((await runOn(addDays(due, -3))).announced).toBe(1);
    await runOn(addDays(due, -3));
    const [charge] = await chargesOf(enrollmentId);
    expect(await chargesOf(enrollmentId)).toHaveLength(1);
    expect(charge).toMatchObject({ status: "noticed", chargeOn: due, amount: 250_00, invoiceIds: [inv.id] });
    const notice = await mailTo(user.email, "Autopay: USD 250.00 will be charged on");
    expect(notice).toHaveLength(1);
    expect(notice[0]!.text).toContain(`${inv.number}: USD 250.00`);
    expect(await db.select().from(events).where(and(eq(events.type, "autopay.charge_scheduled"), eq(events.subjectId, enrollmentId)))).toHaveLength(1);

    expect((await runOn(addDays(due, -1))).charged).toBe(0);
    expect((await runOn(due)).charged).toBe(1);
    expect(await invoice(inv.id)).toMatchObject({ status: "paid", balance: 0 });
    const [paid] = await chargesOf(enrollmentId);
    expect(paid).toMatchObject({ status: "paid", attempts: 1 });
    const [payment] = await db.select().from(payments).where(eq(payments.id, paid!.paymentId!));
    expect(payment).toMatchObject({ status: "succeeded", amount: 250_00 });
    await runOn(due);
    await runOn(addDays(due, 1));
    expect(await db.select().from(payments).where(eq(payments.accountId, account.id))).toHaveLength(1);
  });

  it("does not charge above the cap: the payer gets a reminder to pay instead", async () => {
    const { account, user, enrollmentId } = await enrolled("pm_card_visa", { maxCharge: 100_00 });
    await dueOn(account, 600_00, 5);
    const run = await runOn(addDays(START, 2));
    expect(run).toMatchObject({ announced: 0, overCap: 1 });
    expect((await chargesOf(enrollmentId))[0]).toMatchObject({ status: "over_cap", amount: 600_00 });
    expect(await mailTo(user.email, "Autopay will not charge USD 600.00: above your limit")).toHaveLength(1);
    await runOn(addDays(START, 5));
    expect(await db.select().from(payments).where(eq(payments.accountId, account.id))).toHaveLength(0);
  });

  it("charges what the quote says: credits first, paid invoices and disputed parts left out; pause and cancel withdraw what was announced", async () => {
    const { account, payer, enrollmentId } = await enrolled("pm_card_visa");
    const [a, b] = await data.invoices(account, [{ total: 300_00, dueInDays: 6 }, { total: 200_00, dueInDays: 6 }]);
    await data.credit(account, { amount: 50_00 });
    await runOn(addDays(START, 3));
    expect((await chargesOf(enrollmentId))[0]).toMatchObject({ status: "noticed", amount: 450_00 });
    // Before the day: b is paid elsewhere, and 100.00 of a is disputed.
    await db.update(invoices).set({ amountPaid: 200_00, status: "paid" }).where(eq(invoices.id, b!.id));
    await data.dispute(a!, { amount: 100_00 });
    await runOn(addDays(START, 6));
    const [charge] = await chargesOf(enrollmentId);
    const [payment] = await db.select().from(payments).where(eq(payments.id, charge!.paymentId!));
    expect(payment).toMatchObject({ status: "succeeded", amount: 150_00 });
    expect(await invoice(a!.id)).toMatchObject({ balance: 100_00, amountCredited: 50_00, amountPaid: 150_00, amountDisputed: 100_00 });

    onDay(START);
    const [later] = await data.invoices(account, [{ total: 80_00, dueInDays: 20 }]);
    await runOn(addDays(START, 17));
    expect((await chargesOf(enrollmentId)).find((c) => c.invoiceIds.includes(later!.id))).toMatchObject({ status: "noticed" });
    expect(await changeAutopay(payer, { accountId: account.id, change: "pause" })).toEqual({ status: "paused" });
    expect((await chargesOf(enrollmentId)).find((c) => c.invoiceIds.includes(later!.id))).toMatchObject({ status: "canceled" });
    await runOn(addDays(START, 20));
    expect(await invoice(later!.id)).toMatchObject({ status: "open", balance: 80_00 });
    expect(await changeAutopay(payer, { accountId: account.id, change: "cancel" })).toEqual({ status: "canceled" });
    expect(await db.select().from(events).where(and(eq(events.type, "autopay.disabled"), eq(events.subjectId, enrollmentId)))).toHaveLength(2);
  });
});

describe("autopay from a bank account", () => {
  async function settleDebit(enrollmentId: string) {
    const charges = await chargesOf(enrollmentId);
    const charge = charges[charges.length - 1]!;
    const [payment] = await db.select().from(payments).where(eq(payments.id, charge.paymentId!));
    expect(payment!.status).toBe("processing");
    await control(emulator, "settle", { payment_intent: payment!.stripePaymentIntentId! });
    const deadline = Date.now() + 10_000;
    for (;;) {
      await drainJobs();
      const [now] = await db.select().from(payments).where(eq(payments.id, payment!.id));
      if (now!.status !== "processing") return now!;
      if (Date.now() > deadline) throw new Error("the debit did not settle");
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it("is told 10 days ahead; an R01 return is retried (twice at most), then autopay gives up on that charge", async () => {
    const { account, user, enrollmentId } = await enrolled("pm_usBankAccount_insufficientFunds", { type: "us_bank_account" });
    const inv = await dueOn(account, 400_00, 12);
    const due = addDays(START, 12);
    expect((await runOn(addDays(due, -11))).announced).toBe(0);
    expect((await runOn(addDays(due, -10))).announced).toBe(1);
    await runOn(due);
    expect((await settleDebit(enrollmentId)).failureCode).toBe("insufficient_funds");
    expect((await chargesOf(enrollmentId))[0]).toMatchObject({ status: "retrying", attempts: 1, nextAttemptOn: addDays(due, 5), lastFailureCode: "insufficient_funds" });
    expect(await mailTo(user.email, "Autopay could not collect USD 400.00; we will try again on")).toHaveLength(1);
    expect(await invoice(inv.id)).toMatchObject({ status: "open", amountPending: 0, balance: 400_00 });

    await runOn(addDays(due, 5));
    await settleDebit(enrollmentId);
    expect((await chargesOf(enrollmentId))[0]).toMatchObject({ status: "retrying", attempts: 2 });
    await runOn(addDays(due, 10));
    await settleDebit(enrollmentId);
    expect((await chargesOf(enrollmentId))[0]).toMatchObject({ status: "failed", attempts: 3 });
    expect(await db.select().from(payments).where(eq(payments.accountId, account.id))).toHaveLength(3);
    await runOn(addDays(due, 20));
    expect(await db.select().from(payments).where(eq(payments.accountId, account.id))).toHaveLength(3);
    expect((await db.select().from(autopayEnrollments).where(eq(autopayEnrollments.id, enrollmentId)))[0]!.status).toBe("active");
  });

  it("stops at once on an R03 (no account) and asks the payer for a new method", async () => {
    const { account, user, payer, enrollmentId } = await enrolled("pm_usBankAccount_noAccount", { type: "us_bank_account" });
    await dueOn(account, 90_00, 10);
    await runOn(START);
    await runOn(addDays(START, 10));
    await settleDebit(enrollmentId);
    expect((await chargesOf(enrollmentId))[0]).toMatchObject({ status: "stopped", lastFailureCode: "no_account" });
    expect((await db.select().from(autopayEnrollments).where(eq(autopayEnrollments.id, enrollmentId)))[0]).toMatchObject({ status: "paused", stoppedReason: "Your bank could not find the account." });
    expect(await mailTo(user.email, "Autopay stopped: please choose a new payment method")).toHaveLength(1);
    const disabled = await db.select().from(events).where(and(eq(events.type, "autopay.disabled"), eq(events.subjectId, enrollmentId)));
    expect(disabled.map((e) => e.data)).toEqual([expect.objectContaining({ by: "bank", failureCode: "no_account" })]);
    // Resuming needs a new method.
    expect(await changeAutopay(payer, { accountId: account.id, change: "resume" })).toMatchObject({ kind: "conflict" });
  });
});
