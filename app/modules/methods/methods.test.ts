import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Account } from "#db/schema/accounts";
import { autopayEnrollments } from "#db/schema/autopay";
import { auditLog } from "#db/schema/audit";
import { devEmails } from "#db/schema/mail";
import { payments, savedPaymentMethods } from "#db/schema/payments";
import { paymentPlans } from "#db/schema/plans";
import { db } from "~/db.server";
import { systemActor, type PayerActor, type StaffActor } from "~/modules/auth/actor";
import { setClock } from "~/utils/clock";
import { isProblem } from "~/utils/problem";
import { drainJobs, TEST_TODAY, testData } from "../../../test/helpers";
import { submitHostedCheckout } from "../../../test/hosted-checkout";
import { control, startTestStripe } from "../../../test/stripe";

// The emulator must be up before anything reads the configuration.
const stripeUnderTest = await startTestStripe();
const { emulator } = stripeUnderTest;

const { startPayment } = await import("~/modules/payments/start-payment.server");
const { enrolInPlan } = await import("~/modules/plans/enrol.server");
const { cancelPlan } = await import("~/modules/plans/cancel-plan.server");
const { listMethods } = await import("./list-methods.server");
const { makeDefaultMethod } = await import("./make-default-method.server");
const { removeMethod } = await import("./remove-method.server");
const { notifyExpiringCards } = await import("./notify-expiring-cards.server");
const { stripe } = await import("~/modules/stripe/client.server");

let make: Awaited<ReturnType<typeof testData>>;
let attempt = 0;
const nextAttempt = () => `methods-${Date.now()}-${++attempt}-abcdefgh`;
const moveTo = (date: string) => setClock(() => new Date(`${date}T15:00:00Z`));

beforeAll(async () => {
  make = await testData();
});
afterAll(async () => {
  setClock(undefined);
  await stripeUnderTest.stop();
});
beforeEach(() => moveTo(TEST_TODAY));

/** A payer of a new USD account of their own. */
async function newPayer(): Promise<{ actor: PayerActor; account: Account; email: string }> {
  const { user, accounts: [account] } = await make.payer();
  return { actor: { kind: "payer", userId: user.id, ip: "203.0.113.7" }, account: account!, email: user.email };
}

async function settle(done: () => Promise<boolean>) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    await drainJobs();
    if (await done()) return;
    if (Date.now() > deadline) throw new Error("timed out waiting for Stripe's outcome");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const methodsOf = (accountId: string) => db.select().from(savedPaymentMethods).where(eq(savedPaymentMethods.accountId, accountId)).orderBy(savedPaymentMethods.createdAt, savedPaymentMethods.id);

/** Pays one new invoice through Checkout with "save" ticked; returns the method saved by it. */
async function payAndSave(who: { actor: PayerActor; account: Account }, pay: { card: string } | { account: string }) {
  const [invoice] = await make.invoices(who.account, [{ total: 120_00 }]);
  const started = await startPayment(who.actor, { accountId: who.account.id, attemptId: nextAttempt(), amounts: [{ invoiceId: invoice!.id, amount: invoice!.balance }], savePaymentMethod: true });
  if (isProblem(started)) throw new Error(started.message);
  await submitHostedCheckout(started.checkoutUrl, pay);
  const paymentStatus = async () => (await db.select({ status: payments.status, pi: payments.stripePaymentIntentId }).from(payments).where(eq(payments.id, started.paymentId)))[0]!;
  if ("account" in pay) {
    await settle(async () => (await paymentStatus()).status === "processing");
    await control(emulator, "settle", { payment_intent: (await paymentStatus()).pi! });
  }
  await settle(async () => (await paymentStatus()).status === "succeeded");
  const [pm] = await db.select({ id: payments.stripePaymentIntentId }).from(payments).where(eq(payments.id, started.paymentId));
  const pi = await stripe().paymentIntents.retrieve(pm!.id!);
  const [saved] = await db.select().from(savedPaymentMethods).where(eq(savedPaymentMethods.stripePaymentMethodId, String(pi.payment_method)));
  if (!saved) throw new Error("the method was not saved");
  return saved;
}

/** A plan authorized with a card through the setup Checkout; returns the plan and its saved method. */
async function planWithCard(who: { actor: PayerActor; account: Account }, card = "4242424242424242") {
  const invoices = await make.invoices(who.account, [
    { total: 250_00, dueInDays: 20 },
    { total: 260_00, dueInDays: 25 },
  ]);
  const enrolled = await enrolInPlan(who.actor, { accountId: who.account.id, attemptId: nextAttempt(), invoiceIds: invoices.map((i) => i.id), installmentCount: 3, frequency: "monthly", firstDate: TEST_TODAY });
  if (isProblem(enrolled)) throw new Error(enrolled.message);
  await submitHostedCheckout(enrolled.checkoutUrl!, { card });
  const planRow = async () => (await db.select().from(paymentPlans).where(eq(paymentPlans.id, enrolled.planId)))[0]!;
  await settle(async () => (await planRow()).stripePaymentMethodId !== null);
  const plan = await planRow();
  const [saved] = await db.select().from(savedPaymentMethods).where(eq(savedPaymentMethods.stripePaymentMethodId, plan.stripePaymentMethodId!));
  return { plan, saved: saved! };
}

describe("recording a saved method's details", () => {
  it("keeps a card's brand, last 4 and expiry, verified, and the account's first method becomes its default", async () => {
    const who = await newPayer();
    const card = await payAndSave(who, { card: "4242424242424242" });
    expect(card).toMatchObject({ type: "card", label: "Visa •••• 4242", brand: "visa", last4: "4242", expMonth: 12, expYear: 2034, verification: "verified", isDefault: true, stripeMandateId: null, mandateText: null });
  });

  it("keeps a bank account's bank, last 4, holder type and mandate; a second method is not the default", async () => {
    const who = await newPayer();
    await payAndSave(who, { card: "4242424242424242" });
    const bank = await payAndSave(who, { account: "000123456789" });
    expect(bank).toMatchObject({ type: "us_bank_account", last4: "6789", accountHolderType: "individual", verification: "verified", isDefault: false, expMonth: null });
    expect(bank.brand).toBeTruthy();
    expect(bank.stripeMandateId).toMatch(/^mandate_/);
    expect(bank.mandateText).toContain("authorize");
    expect(bank.mandateAcceptedAt).toBeInstanceOf(Date);
    const listed = await listMethods(who.actor, { accountId: who.account.id });
    if (isProblem(listed)) throw new Error(listed.message);
    expect(listed.map((m) => [m.type, m.isDefault])).toEqual([
      ["card", true],
      ["us_bank_account", false],
    ]);
  });

  it("saves a plan's authorized card among the account's methods, with what uses it", async () => {
    const who = await newPayer();
    const { plan, saved } = await planWithCard(who);
    expect(saved).toMatchObject({ accountId: who.account.id, type: "card", last4: "4242", isDefault: true });
    const listed = await listMethods(who.actor, { accountId: who.account.id });
    if (isProblem(listed)) throw new Error(listed.message);
    expect(listed[0]!.uses.plans.map((p) => p.id)).toEqual([plan.id]);
  });
});

describe("default and removal", () => {
  it("makes another method the default, leaving exactly one", async () => {
    const who = await newPayer();
    const first = await payAndSave(who, { card: "4242424242424242" });
    const second = await payAndSave(who, { card: "5555555555554444" });
    expect(second.isDefault).toBe(false);
    const made = await makeDefaultMethod(who.actor, { accountId: who.account.id, methodId: second.id });
    expect(made).toMatchObject({ id: second.id });
    const rows = await methodsOf(who.account.id);
    expect(rows.filter((r) => r.isDefault).map((r) => r.id)).toEqual([second.id]);
    expect(rows.find((r) => r.id === first.id)!.isDefault).toBe(false);
    const [audit] = await db.select().from(auditLog).where(and(eq(auditLog.subjectId, second.id), eq(auditLog.action, "payment_method.made_default")));
    expect(audit).toBeDefined();
  });

  it("removes a method: detached in Stripe, hidden from the list, the default passed on; removing again is fine", async () => {
    const who = await newPayer();
    const first = await payAndSave(who, { card: "4242424242424242" });
    const second = await payAndSave(who, { card: "5555555555554444" });
    expect((await stripe().paymentMethods.retrieve(first.stripePaymentMethodId)).customer).not.toBeNull();

    const removed = await removeMethod(who.actor, { accountId: who.account.id, methodId: first.id });
    expect(removed).toMatchObject({ id: first.id });
    expect((await stripe().paymentMethods.retrieve(first.stripePaymentMethodId)).customer).toBeNull();
    const listed = await listMethods(who.actor, { accountId: who.account.id });
    if (isProblem(listed)) throw new Error(listed.message);
    expect(listed.map((m) => m.id)).toEqual([second.id]);
    expect(listed[0]!.isDefault).toBe(true);

    expect(await removeMethod(who.actor, { accountId: who.account.id, methodId: first.id })).toMatchObject({ id: first.id });
    // A removed method can no longer be paid with.
    const [invoice] = await make.invoices(who.account, [{ total: 50_00 }]);
    const refused = await startPayment(who.actor, { accountId: who.account.id, attemptId: nextAttempt(), amounts: [{ invoiceId: invoice!.id, amount: invoice!.balance }], savePaymentMethod: false, savedMethodId: first.id });
    expect(isProblem(refused)).toBe(true);
  });

  it("refuses to remove a card a plan charges, with the reason, and allows it once the plan has ended", async () => {
    const who = await newPayer();
    const { plan, saved } = await planWithCard(who);
    const refused = await removeMethod(who.actor, { accountId: who.account.id, methodId: saved.id });
    expect(refused).toMatchObject({ kind: "conflict", code: "method_in_use" });
    expect(isProblem(refused) && refused.message).toMatch(/^Your payment plan of USD 510\.00 \(pln_\w+\) charges this card\. Switch the plan to another method first\.$/);
    expect((await stripe().paymentMethods.retrieve(saved.stripePaymentMethodId)).customer).not.toBeNull();
    expect((await methodsOf(who.account.id))[0]!.removedAt).toBeNull();

    // The AR team cancels the plan (a payer may not cancel a running one).
    const admin: StaffActor = { kind: "staff", userId: (await make.staff("ar_admin")).id, role: "ar_admin", ip: null };
    const canceled = await cancelPlan(admin, { planId: plan.id, reason: "Paying another way" });
    expect(isProblem(canceled)).toBe(false);
    expect(await removeMethod(who.actor, { accountId: who.account.id, methodId: saved.id })).toMatchObject({ id: saved.id });
    expect((await methodsOf(who.account.id))[0]!.removedAt).not.toBeNull();
  });

  it("refuses to remove a method autopay charges (active or paused), and allows it once autopay is canceled", async () => {
    const who = await newPayer();
    const card = await payAndSave(who, { card: "4242424242424242" });
    const [enrollment] = await db.insert(autopayEnrollments).values({ accountId: who.account.id, savedMethodId: card.id, currency: "USD", maxCharge: 1_000_00, timing: "due_date", status: "paused", authorization: { text: "I authorize autopay.", acceptedAt: new Date().toISOString(), ip: null, userAgent: null } }).returning();
    const refused = await removeMethod(who.actor, { accountId: who.account.id, methodId: card.id });
    expect(refused).toMatchObject({ kind: "conflict", message: "Autopay charges this card. Choose another method for autopay (or turn it off) first." });
    const listed = await listMethods(who.actor, { accountId: who.account.id });
    if (isProblem(listed)) throw new Error(listed.message);
    expect(listed[0]!.uses.autopay).toEqual([{ id: enrollment!.id, status: "paused" }]);

    await db.update(autopayEnrollments).set({ status: "canceled", canceledAt: new Date() }).where(eq(autopayEnrollments.id, enrollment!.id));
    expect(await removeMethod(who.actor, { accountId: who.account.id, methodId: card.id })).toMatchObject({ id: card.id });
  });

  it("does not find another account's method, for a payer who is not its contact", async () => {
    const owner = await newPayer();
    const stranger = await newPayer();
    const card = await payAndSave(owner, { card: "4242424242424242" });
    // The stranger names the owner's account, or their own account with the owner's method: not found either way.
    expect(await removeMethod(stranger.actor, { accountId: owner.account.id, methodId: card.id })).toMatchObject({ kind: "not_found" });
    expect(await removeMethod(stranger.actor, { accountId: stranger.account.id, methodId: card.id })).toMatchObject({ kind: "not_found" });
    expect(await makeDefaultMethod(stranger.actor, { accountId: stranger.account.id, methodId: card.id })).toMatchObject({ kind: "not_found" });
    expect(await listMethods(stranger.actor, { accountId: owner.account.id })).toEqual([]);
    expect((await methodsOf(owner.account.id))[0]!.removedAt).toBeNull();
    expect((await stripe().paymentMethods.retrieve(card.stripePaymentMethodId)).customer).not.toBeNull();
  });

  it("lets staff see an account's methods but not change them", async () => {
    const who = await newPayer();
    const card = await payAndSave(who, { card: "4242424242424242" });
    const staff: StaffActor = { kind: "staff", userId: (await make.staff("ar_admin")).id, role: "ar_admin", ip: null };
    const listed = await listMethods(staff, { accountId: who.account.id });
    expect(isProblem(listed) ? listed : listed.map((m) => m.id)).toEqual([card.id]);
    expect(await removeMethod(staff, { accountId: who.account.id, methodId: card.id })).toMatchObject({ kind: "forbidden" });
  });
});

describe("expiring cards", () => {
  const subjectTo = async (email: string) =>
    (await db.select({ subject: devEmails.subject, text: devEmails.text }).from(devEmails).where(sql`${devEmails.to} like ${`%${email}%`}`)).filter((e) => e.subject.includes("expires soon"));

  it("emails the billing contacts once about a card a plan charges that expires within 30 days", async () => {
    const who = await newPayer();
    // A card expiring 12/2034 that nothing charges by itself, on another account: no notice.
    const idle = await newPayer();
    const idleCard = await payAndSave(idle, { card: "4242424242424242" });
    await db.update(savedPaymentMethods).set({ isDefault: false }).where(eq(savedPaymentMethods.id, idleCard.id));
    const { saved } = await planWithCard(who);

    moveTo("2034-11-30"); // 31 days before the end of December: not yet
    await notifyExpiringCards(systemActor("job"));
    await drainJobs();
    expect(await subjectTo(who.email)).toEqual([]);

    moveTo("2034-12-02");
    await notifyExpiringCards(systemActor("job"));
    await drainJobs();
    const sent = await subjectTo(who.email);
    expect(sent.map((e) => e.subject)).toEqual(["Your card Visa •••• 4242 expires soon"]);
    expect(sent[0]!.text).toContain("expires on");
    expect(sent[0]!.text).toContain("charged for your payment plan of USD 510.00");
    expect(sent[0]!.text).toContain("/payment-methods");
    expect((await db.select().from(savedPaymentMethods).where(eq(savedPaymentMethods.id, saved.id)))[0]!.expiryNoticeSentAt).not.toBeNull();

    // Daily runs after that send nothing more.
    moveTo("2034-12-03");
    await notifyExpiringCards(systemActor("job"));
    await drainJobs();
    expect(await subjectTo(who.email)).toHaveLength(1);
    expect(await subjectTo(idle.email)).toEqual([]);
  });
});
