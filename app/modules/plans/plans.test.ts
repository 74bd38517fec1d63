import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { events } from "#db/schema/events";
import { invoices } from "#db/schema/invoices";
import { accounts } from "#db/schema/accounts";
import { devEmails } from "#db/schema/mail";
import { paymentAllocations, payments } from "#db/schema/payments";
import { installments, paymentPlans } from "#db/schema/plans";
import { db } from "~/db.server";
import { setClock } from "~/utils/clock";
import { addDays } from "~/utils/dates";
import type { PayerActor, StaffActor } from "~/modules/auth/actor";
import { isProblem } from "~/utils/problem";
import { drainJobs, TEST_TODAY, testData } from "../../../test/helpers";
import { submitHostedCheckout } from "../../../test/hosted-checkout";
import { control, startTestStripe } from "../../../test/stripe";

const stripeUnderTest = await startTestStripe();
const { emulator } = stripeUnderTest;

const { enrolInPlan } = await import("./enrol.server");
const { runPlanSchedule } = await import("./run-plan-schedule.server");
const { approvePlan, declinePlan } = await import("./review-plan.server");
const { payInstallments } = await import("./pay-installments.server");
const { openSetupCheckout } = await import("./setup-checkout.server");
const { updatePlanRules, defaultPlanRules } = await import("./policy.server");
const { cancelPlan } = await import("./cancel-plan.server");
const { startPayment } = await import("~/modules/payments/start-payment.server");

let payer: PayerActor;
let admin: StaffActor;
let accountId: string;
let make: Awaited<ReturnType<typeof testData>>;
let attempt = 0;
const nextAttempt = () => `plan-attempt-${Date.now()}-${++attempt}-abcdefgh`;
let day = TEST_TODAY;
const moveTo = (date: string) => {
  day = date;
  setClock(() => new Date(`${date}T15:00:00Z`));
};

beforeAll(async () => {
  moveTo(TEST_TODAY);
  make = await testData();
  const customer = await make.payer();
  payer = { kind: "payer", userId: customer.user.id, ip: "203.0.113.9" };
  accountId = customer.accounts[0]!.id;
  admin = { kind: "staff", userId: (await make.staff("ar_admin")).id, role: "ar_admin", ip: null };
});
afterAll(async () => {
  setClock(undefined);
  await stripeUnderTest.stop();
});
beforeEach(() => moveTo(TEST_TODAY));

/** Open invoices of the payer's USD account, made for the test that asks (due 10 to 40 days out, $250 to $480). */
async function freshInvoices(n: number) {
  const [account] = await db.select().from(accounts).where(eq(accounts.id, accountId));
  return make.invoices(account!, Array.from({ length: n }, (_, i) => ({ total: 250_00 + 23_00 * ((attempt + i) % 11), dueInDays: 10 + ((attempt * 7 + i * 13) % 31) })));
}

async function plan(id: string) {
  const [row] = await db.select().from(paymentPlans).where(eq(paymentPlans.id, id));
  return row!;
}
async function scheduleOf(id: string) {
  return db.select().from(installments).where(eq(installments.planId, id)).orderBy(installments.sequence);
}
async function settle(done: () => Promise<boolean>) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    await drainJobs();
    if (await done()) return;
    if (Date.now() > deadline) throw new Error("timed out waiting for the plan to settle");
    await new Promise((r) => setTimeout(r, 50));
  }
}
const planIs = (id: string, status: string) => async () => (await plan(id)).status === status;
const installmentIs = (id: string, sequence: number, status: string) => async () => (await scheduleOf(id)).find((s) => s.sequence === sequence)?.status === status;

async function enrol(invoiceIds: string[], options: { count?: number; frequency?: "weekly" | "biweekly" | "monthly"; firstDate?: string } = {}) {
  const result = await enrolInPlan(payer, {
    accountId,
    attemptId: nextAttempt(),
    invoiceIds,
    installmentCount: options.count ?? 3,
    frequency: options.frequency ?? "monthly",
    firstDate: options.firstDate ?? day,
  });
  if (isProblem(result)) throw new Error(`enrolment refused: ${result.message} ${JSON.stringify(result.fields)}`);
  expect(result.checkoutUrl).toMatch(/^http/);
  return { planId: result.planId, checkoutUrl: result.checkoutUrl! };
}

async function eventTypes(planId: string) {
  const rows = await db.select({ type: events.type }).from(events).where(sql`${events.subjectId} = ${planId} or ${events.data}->>'planId' = ${planId}`).orderBy(events.seq);
  return rows.map((r) => r.type);
}

describe("enrolling and charging a card plan", () => {
  it("charges the first of 3 monthly installments at once and the second when its date comes", async () => {
    const chosen = await freshInvoices(2);
    const total = chosen.reduce((s, i) => s + i.balance, 0);
    const { planId, checkoutUrl } = await enrol(chosen.map((i) => i.id));

    // The invoices belong to the plan straight away: no one can pay or enrol them elsewhere.
    for (const i of chosen) expect((await db.select().from(invoices).where(eq(invoices.id, i.id)))[0]!.paymentPlanId).toBe(planId);
    const before = await scheduleOf(planId);
    expect(before.map((s) => s.amount).reduce((a, b) => a + b, 0)).toBe(total);
    expect(before.map((s) => s.dueDate)).toEqual([TEST_TODAY, "2026-12-24", "2027-01-24"]);
    expect((await plan(planId)).status).toBe("authorizing");

    const page = await submitHostedCheckout(checkoutUrl, { card: "4242424242424242" });
    expect(page.status).toBe(303);
    await settle(installmentIs(planId, 1, "paid"));
    expect((await plan(planId)).status).toBe("active");
    expect((await plan(planId)).methodLabel).toMatch(/4242/);

    // Allocated oldest due first.
    const [first] = await scheduleOf(planId);
    const allocations = await db.select().from(paymentAllocations).where(eq(paymentAllocations.paymentId, first!.paymentId!));
    const oldest = [...chosen].sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.number.localeCompare(b.number))[0]!;
    expect(allocations[0]!.invoiceId).toBe(oldest.id);
    expect(allocations.reduce((s, a) => s + a.amount, 0)).toBe(first!.amount);

    // Nothing more happens until the next date …
    moveTo("2026-12-23");
    await runPlanSchedule();
    expect((await scheduleOf(planId))[1]!.status).toBe("scheduled");
    // … when the second installment is charged.
    moveTo("2026-12-24");
    await runPlanSchedule();
    await settle(installmentIs(planId, 2, "paid"));
    moveTo("2027-01-24");
    await runPlanSchedule();
    await settle(planIs(planId, "completed"));
    for (const i of chosen) {
      const [row] = await db.select().from(invoices).where(eq(invoices.id, i.id));
      expect(row!.status).toBe("paid");
      expect(row!.paymentPlanId).toBeNull();
    }
    expect(await eventTypes(planId)).toEqual(expect.arrayContaining(["plan.created", "plan.activated", "installment.succeeded", "plan.completed"]));
  });

  it("retries a card that fails after setup (4000000000000341), then defaults the plan", async () => {
    const chosen = await freshInvoices(1);
    const { planId, checkoutUrl } = await enrol([chosen[0]!.id], { count: 2, frequency: "monthly" });
    await submitHostedCheckout(checkoutUrl, { card: "4000000000000341" });
    await settle(installmentIs(planId, 1, "failed"));
    let [first] = await scheduleOf(planId);
    expect(first!.attempts).toBe(1);
    expect(first!.nextAttemptOn).toBe(addDays(TEST_TODAY, 3));
    expect((await plan(planId)).status).toBe("active");
    // The invoice is not paid, and nothing stays reserved after the decline.
    expect((await db.select().from(invoices).where(eq(invoices.id, chosen[0]!.id)))[0]!.amountPending).toBe(0);
    const mails = await db.select().from(devEmails).where(sql`${devEmails.subject} like 'Your installment of%'`);
    expect(mails.length).toBeGreaterThan(0);

    moveTo(addDays(TEST_TODAY, 3));
    await runPlanSchedule();
    [first] = await scheduleOf(planId);
    expect(first!.attempts).toBe(2);
    moveTo(addDays(TEST_TODAY, 8));
    await runPlanSchedule();
    [first] = await scheduleOf(planId);
    expect(first!.attempts).toBe(3);
    moveTo(addDays(TEST_TODAY, 15));
    await runPlanSchedule();
    await settle(planIs(planId, "defaulted"));
    const [invoice] = await db.select().from(invoices).where(eq(invoices.id, chosen[0]!.id));
    expect(invoice!.paymentPlanId).toBeNull();
    expect(invoice!.balance).toBe(chosen[0]!.balance);
    expect((await scheduleOf(planId)).map((s) => s.status)).toEqual(["failed", "canceled"]);
    expect(await eventTypes(planId)).toEqual(expect.arrayContaining(["installment.failed", "plan.defaulted"]));
    const staffMail = await db.select().from(devEmails).where(sql`${devEmails.subject} like 'Payment plan defaulted%'`);
    expect(staffMail.length).toBeGreaterThan(0);
  });
});

describe("a bank account plan", () => {
  it("confirms the mandate by email, keeps the installment processing until the debit settles", async () => {
    const chosen = await freshInvoices(1);
    const { planId, checkoutUrl } = await enrol([chosen[0]!.id], { count: 2 });
    await submitHostedCheckout(checkoutUrl, { account: "000123456789" });
    await settle(installmentIs(planId, 1, "processing"));
    const p = await plan(planId);
    expect(p.method).toBe("us_bank_account");
    expect(p.stripeMandateId).toMatch(/^mandate_/);
    const [mandateMail] = await db.select().from(devEmails).where(sql`${devEmails.subject} = 'Your bank debit authorization for your payment plan'`);
    expect(mandateMail!.text).toMatch(/ending 6789/);
    const [first] = await scheduleOf(planId);
    const [pay] = await db.select().from(payments).where(eq(payments.id, first!.paymentId!));
    await control(emulator, "settle", { payment_intent: pay!.stripePaymentIntentId! });
    await settle(installmentIs(planId, 1, "paid"));
  });
});

describe("the AR team's rules", () => {
  it("holds a plan above the approval threshold until staff approve it", async () => {
    const chosen = await freshInvoices(1);
    await updatePlanRules(admin, { ...defaultPlanRules, approvalThreshold: 100 });
    try {
      const { planId, checkoutUrl } = await enrol([chosen[0]!.id], { count: 2 });
      await submitHostedCheckout(checkoutUrl, { card: "4242424242424242" });
      await settle(planIs(planId, "awaiting_approval"));
      await runPlanSchedule();
      expect((await scheduleOf(planId))[0]!.status).toBe("scheduled");
      expect(await approvePlan(admin, { planId })).toEqual({ planId });
      await settle(installmentIs(planId, 1, "paid"));
      expect(await eventTypes(planId)).toEqual(expect.arrayContaining(["plan.approved", "plan.activated"]));
    } finally {
      await updatePlanRules(admin, defaultPlanRules);
    }
  });

  it("frees the invoices when staff decline a plan", async () => {
    const chosen = await freshInvoices(1);
    await updatePlanRules(admin, { ...defaultPlanRules, approvalThreshold: 100 });
    try {
      const { planId, checkoutUrl } = await enrol([chosen[0]!.id], { count: 2 });
      await submitHostedCheckout(checkoutUrl, { card: "4242424242424242" });
      await settle(planIs(planId, "awaiting_approval"));
      expect(await declinePlan(admin, { planId, reason: "" })).toMatchObject({ kind: "invalid", message: "Give the payer a reason for declining (at least 3 characters).", fields: { reason: expect.any(String) } });
      // Only the AR team declines: the payer cannot, even their own plan.
      expect(await declinePlan(payer, { planId, reason: "I changed my mind." })).toMatchObject({ kind: "forbidden" });
      expect(await declinePlan(admin, { planId, reason: "Please pay the older invoices first." })).toEqual({ planId });
      expect((await plan(planId)).status).toBe("declined");
      expect((await db.select().from(invoices).where(eq(invoices.id, chosen[0]!.id)))[0]!.paymentPlanId).toBeNull();
    } finally {
      await updatePlanRules(admin, defaultPlanRules);
    }
  });

  it("refuses ineligible balances with the reason", async () => {
    const [small] = await freshInvoices(1);
    await updatePlanRules(admin, { ...defaultPlanRules, minTotal: small!.balance + 1 });
    try {
      const refused = await enrolInPlan(payer, { accountId, attemptId: nextAttempt(), invoiceIds: [small!.id], installmentCount: 2, frequency: "monthly", firstDate: TEST_TODAY });
      expect(refused).toMatchObject({ kind: "invalid", message: expect.stringMatching(/^Payment plans start at USD [\d,.]+; the chosen invoices total USD [\d,.]+\.$/) });
    } finally {
      await updatePlanRules(admin, defaultPlanRules);
    }
    const [onPlan] = await freshInvoices(1);
    const { planId } = await enrol([onPlan!.id], { count: 2 });
    const again = await enrolInPlan(payer, { accountId, attemptId: nextAttempt(), invoiceIds: [onPlan!.id], installmentCount: 2, frequency: "monthly", firstDate: TEST_TODAY });
    expect(again).toMatchObject({ kind: "invalid", fields: { [`invoice.${onPlan!.id}`]: expect.stringMatching(/already on a payment plan/) } });
    // The pay page refuses it too: it is paid through the plan.
    const paid = await startPayment(payer, { accountId, attemptId: nextAttempt(), amounts: [{ invoiceId: onPlan!.id, amount: 1000 }], savePaymentMethod: false });
    expect(paid).toMatchObject({ kind: "invalid" });
    // A disputed invoice waits for its dispute.
    const [disputed] = await freshInvoices(1);
    await db.update(invoices).set({ amountDisputed: 100 }).where(eq(invoices.id, disputed!.id));
    const refused = await enrolInPlan(payer, { accountId, attemptId: nextAttempt(), invoiceIds: [disputed!.id], installmentCount: 2, frequency: "monthly", firstDate: TEST_TODAY });
    expect(refused).toMatchObject({ kind: "invalid", fields: { [`invoice.${disputed!.id}`]: expect.stringMatching(/in dispute/) } });
    // Schedule outside the rules.
    const [other] = await freshInvoices(1);
    const tooMany = await enrolInPlan(payer, { accountId, attemptId: nextAttempt(), invoiceIds: [other!.id], installmentCount: 13, frequency: "monthly", firstDate: TEST_TODAY });
    expect(tooMany).toMatchObject({ kind: "invalid", fields: { installmentCount: "Choose between 2 and 12 installments." } });
    const late = await enrolInPlan(payer, { accountId, attemptId: nextAttempt(), invoiceIds: [other!.id], installmentCount: 2, frequency: "monthly", firstDate: addDays(TEST_TODAY, 45) });
    expect(late).toMatchObject({ kind: "invalid", fields: { firstDate: "The first installment must fall within 30 days." } });
    // Another payer cannot withdraw it (it is not theirs: as if it did not exist).
    const stranger = await make.payer();
    expect(await cancelPlan({ kind: "payer", userId: stranger.user.id, ip: null }, { planId })).toMatchObject({ kind: "not_found" });
    // A payer may withdraw before the plan starts; the invoice is free again.
    expect(await cancelPlan(payer, { planId })).toEqual({ planId });
    // … and once it has ended, staff cannot cancel it again.
    expect(await cancelPlan(admin, { planId })).toMatchObject({ kind: "conflict", message: "This plan has already ended." });
    expect((await db.select().from(invoices).where(eq(invoices.id, onPlan!.id)))[0]!.paymentPlanId).toBeNull();
  });
});

describe("paying ahead and replacing the method", () => {
  it("pays off the rest through Checkout and completes the plan", async () => {
    const chosen = await freshInvoices(1);
    const { planId, checkoutUrl } = await enrol([chosen[0]!.id], { count: 3 });
    await submitHostedCheckout(checkoutUrl, { card: "4242424242424242" });
    await settle(installmentIs(planId, 1, "paid"));
    const result = await payInstallments(payer, { accountId, planId, scope: "rest", attemptId: nextAttempt() });
    if (isProblem(result)) throw new Error(result.message);
    expect((await scheduleOf(planId)).map((s) => s.status)).toEqual(["paid", "paying", "paying"]);
    // The schedule job leaves installments being paid alone.
    moveTo("2026-12-24");
    await runPlanSchedule();
    await submitHostedCheckout(result.checkoutUrl, { card: "4242424242424242" });
    await settle(planIs(planId, "completed"));
    const [invoice] = await db.select().from(invoices).where(eq(invoices.id, chosen[0]!.id));
    expect(invoice!.status).toBe("paid");
  });

  it("retries a failed installment at once with a replacement card", async () => {
    const chosen = await freshInvoices(1);
    const { planId, checkoutUrl } = await enrol([chosen[0]!.id], { count: 2 });
    await submitHostedCheckout(checkoutUrl, { card: "4000000000000341" });
    await settle(installmentIs(planId, 1, "failed"));
    // Another payer, of another account, cannot open a setup session for this plan: to them it does not exist.
    const other = await make.payer();
    const otherActor: PayerActor = { kind: "payer", userId: other.user.id, ip: null };
    expect(await openSetupCheckout(otherActor, { planId, accountId: other.accounts[0]!.id })).toMatchObject({ kind: "not_found" });
    expect(await openSetupCheckout(otherActor, { planId, accountId })).toMatchObject({ kind: "not_found" });
    // Staff do not authorize a payer's card.
    expect(await openSetupCheckout(admin, { planId, accountId })).toMatchObject({ kind: "forbidden" });
    const replace = await openSetupCheckout(payer, { planId, accountId });
    if (isProblem(replace)) throw new Error(replace.message);
    await submitHostedCheckout(replace.url, { card: "4242424242424242" });
    await settle(installmentIs(planId, 1, "paid"));
    expect((await plan(planId)).methodLabel).toMatch(/4242/);
    expect(await eventTypes(planId)).toContain("plan.payment_method_updated");
  });
});

describe("paying while the schedule charges", () => {
  it("refuses to pay while a due installment awaits its scheduled charge, and a stale 'pay next' never pays a later one early", async () => {
    const { nextChargeDate } = await import("./dev-clock.server");
    const chosen = await freshInvoices(1);
    const { planId, checkoutUrl } = await enrol([chosen[0]!.id], { count: 3 });
    await submitHostedCheckout(checkoutUrl, { card: "4242424242424242" });
    await settle(installmentIs(planId, 1, "paid"));
    const [, second, third] = await scheduleOf(planId);

    // The development clock finds the next charge date (here the second installment's, 30 days on).
    const nextDue = await nextChargeDate();
    expect(nextDue! > TEST_TODAY && nextDue! <= second!.dueDate).toBe(true);

    // The second installment falls due: the schedule charges it by itself, so the payer may not.
    moveTo(second!.dueDate);
    const meanwhile = await payInstallments(payer, { accountId, planId, scope: "next", attemptId: nextAttempt(), installmentId: second!.id });
    expect(meanwhile).toMatchObject({ kind: "conflict", message: expect.stringMatching(/^Installment 2 is being charged/) });
    const rest = await payInstallments(payer, { accountId, planId, scope: "rest", attemptId: nextAttempt() });
    expect(rest).toMatchObject({ kind: "conflict" });
    expect((await scheduleOf(planId)).map((s) => s.status)).toEqual(["paid", "scheduled", "scheduled"]);

    await runPlanSchedule();
    await settle(installmentIs(planId, 2, "paid"));
    // A page still showing the second installment as next: its button pays nothing.
    const stale = await payInstallments(payer, { accountId, planId, scope: "next", attemptId: nextAttempt(), installmentId: second!.id });
    expect(stale).toMatchObject({ kind: "conflict", message: expect.stringMatching(/no longer the next one to pay/) });
    expect((await scheduleOf(planId)).map((s) => s.status)).toEqual(["paid", "paid", "scheduled"]);
    expect(await db.select().from(payments).where(eq(payments.planId, planId))).toHaveLength(2);

    // The page's current button (naming the third) still pays it early.
    const early = await payInstallments(payer, { accountId, planId, scope: "next", attemptId: nextAttempt(), installmentId: third!.id });
    expect(early).toMatchObject({ checkoutUrl: expect.stringMatching(/^http/) });
    expect((await scheduleOf(planId)).map((s) => s.status)).toEqual(["paid", "paid", "paying"]);
  });
});

describe("the transition functions", () => {
  it("refuse a move the table does not allow, or from a state the plan has left, and write nothing", async () => {
    const { transitionPlan } = await import("./transition-plan.server");
    const { transitionInstallments } = await import("./transition-installments.server");
    const chosen = await freshInvoices(1);
    const { planId } = await enrol([chosen[0]!.id], { count: 2 });
    const stale = await plan(planId);
    const eventsBefore = await eventTypes(planId);

    // authorizing → paused is not a move of the plan's machine.
    const refused = await db.transaction((tx) => transitionPlan(tx, admin, stale, "paused"));
    expect(refused).toMatchObject({ kind: "conflict" });
    // A page that still sees "authorizing" after the plan was canceled cannot move it back into the flow.
    expect(await cancelPlan(payer, { planId })).toEqual({ planId });
    const late = await db.transaction((tx) => transitionPlan(tx, admin, stale, "active"));
    expect(late).toMatchObject({ kind: "conflict" });
    expect((await plan(planId)).status).toBe("canceled");
    expect((await eventTypes(planId)).filter((t) => t === "plan.activated" || t === "plan.paused")).toEqual([]);
    expect(await eventTypes(planId)).toEqual([...eventsBefore, "plan.canceled"]);

    // Installments move all together or not at all: the ended plan's were canceled, so none can start being paid.
    const rows = await scheduleOf(planId);
    const none = await db.transaction((tx) => transitionInstallments(tx, admin, stale, rows, "paying"));
    expect(none).toMatchObject({ kind: "conflict" });
    expect((await scheduleOf(planId)).map((s) => s.status)).toEqual(["canceled", "canceled"]);
  });
});
