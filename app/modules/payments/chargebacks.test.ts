import { and, eq, like, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { events } from "#db/schema/events";
import { invoices, type Invoice } from "#db/schema/invoices";
import { devEmails } from "#db/schema/mail";
import { chargebacks, paymentAllocations, payments, refunds } from "#db/schema/payments";
import { accountCredits } from "#db/schema/terms";
import { db } from "~/db.server";
import { control, startTestStripe } from "../../../test/stripe";
import { drainJobs, testData } from "../../../test/helpers";
import { submitHostedCheckout } from "../../../test/hosted-checkout";
import { systemActor } from "~/modules/auth/actor";
import { isProblem } from "~/utils/problem";

/** The actors the use cases take, from the ids these tests keep. */
const asPayer = (who: { userId: string; ip: string | null }) => ({ kind: "payer" as const, ...who });
const asStaff = (who: { userId: string; ip: string | null }) => ({ kind: "staff" as const, role: "ar_agent" as const, ...who });

// The emulator must be up before anything reads the configuration.
const stripeUnderTest = await startTestStripe();
const { emulator } = stripeUnderTest;

const { startPayment } = await import("./start-payment.server");
const { refundPayment } = await import("./refund-payment.server");
const { receiveStripeWebhook } = await import("./receive-stripe-webhook.server");
const { getPaymentForStaff } = await import("./get-payment.server");
const { reconcilePayments } = await import("./reconcile-payments.server");
const { stripe } = await import("~/modules/stripe/client.server");

let payer: { userId: string; ip: string | null };
let staff: { userId: string; ip: string | null };
let accountId: string;
let attempt = 0;

let adminEmail: string;
let data: Awaited<ReturnType<typeof testData>>;
let account: Awaited<ReturnType<typeof data.account>>;

beforeAll(async () => {
  // This file's own customer, payer, agent and admin (who gets the staff emails).
  data = await testData();
  account = await data.account();
  accountId = account.id;
  const { user } = await data.payer({ accounts: [account] });
  payer = { userId: user.id, ip: "203.0.113.9" };
  staff = { userId: (await data.staff("ar_agent")).id, ip: null };
  adminEmail = (await data.staff("ar_admin")).email;
});
afterAll(() => stripeUnderTest.stop());
beforeEach(async () => {
  await control(emulator, "webhooks/resume");
});

/** New open invoices of the test's account, with distinct due dates, oldest due first. */
let invoicesMade = 0;
async function freshOpenInvoices(n: number): Promise<Invoice[]> {
  const specs = Array.from({ length: n }, (_, i) => ({ total: 100_00 + 1_00 * ++invoicesMade, dueInDays: -30 + 10 * i }));
  return data.invoices(account, specs);
}

const invoice = async (id: string) => (await db.select().from(invoices).where(eq(invoices.id, id)))[0]!;
const payment = async (id: string) => (await db.select().from(payments).where(eq(payments.id, id)))[0]!;
const chargebackOf = async (paymentId: string) => (await db.select().from(chargebacks).where(eq(chargebacks.paymentId, paymentId)))[0];
const eventTypes = async (subjectId: string) => (await db.select().from(events).where(eq(events.subjectId, subjectId)).orderBy(events.seq)).map((e) => e.type);
const mailsLike = (pattern: string) => db.select().from(devEmails).where(and(like(devEmails.subject, pattern), eq(devEmails.to, adminEmail)));

/** Lets webhooks arrive and runs the jobs they queue until `done` holds (or fails after 10 s). */
async function settle(done: () => Promise<boolean>) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    await drainJobs();
    if (await done()) return;
    if (Date.now() > deadline) throw new Error("timed out waiting for Stripe's events to be processed");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Pays the invoices in full through Checkout with a card or bank account and waits until it succeeded. */
async function paid(list: Invoice[], pay: { card: string } | { account: string }) {
  const result = await startPayment(asPayer(payer), { accountId, attemptId: `attempt-${Date.now()}-${++attempt}-chargebacks`, amounts: list.map((i) => ({ invoiceId: i.id, amount: i.balance })), savePaymentMethod: false });
  if (isProblem(result)) throw new Error(result.message);
  await submitHostedCheckout(result.checkoutUrl, pay);
  if ("account" in pay) await control(emulator, "settle");
  await settle(async () => (await payment(result.paymentId)).status === "succeeded");
  return payment(result.paymentId);
}

describe("card chargebacks", () => {
  it("a 0259 chargeback reopens every invoice, tells the AR admins and the back office; winning it closes them again", async () => {
    const [a, b] = await freshOpenInvoices(2);
    const p = await paid([a!, b!], { card: "4000000000000259" });
    expect(await invoice(a!.id)).toMatchObject({ status: "paid", balance: 0 });

    await control(emulator, "settle"); // opens the test card's dispute now
    await settle(async () => (await payment(p.id)).chargebackState === "open" && (await payment(p.id)).amountChargedBack > 0);

    expect(await payment(p.id)).toMatchObject({ status: "succeeded", chargebackState: "open", amountChargedBack: p.amount });
    expect(await invoice(a!.id)).toMatchObject({ status: "open", balance: a!.balance, amountPaid: a!.amountPaid });
    expect(await invoice(b!.id)).toMatchObject({ status: "open", balance: b!.balance, amountPaid: b!.amountPaid });
    const cb = (await chargebackOf(p.id))!;
    expect(cb).toMatchObject({ stripeStatus: "needs_response", reason: "fraudulent", method: "card", amount: p.amount, amountWithdrawn: p.amount, livemode: false });
    expect(cb.stripeDisputeId).toMatch(/^dp_/);
    expect(cb.evidenceDueBy!.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    expect(await eventTypes(p.id)).toEqual(["payment.created", "payment.succeeded", "payment.disputed"]);
    const reopened = await db.select().from(events).where(and(eq(events.type, "invoice.reopened"), sql`${events.data}->>'chargebackId' = ${cb.id}`));
    expect(reopened.map((e) => e.subjectId).sort()).toEqual([a!.id, b!.id].sort());
    const [mail] = await mailsLike("Chargeback:%");
    expect(mail!.text).toContain(`https://dashboard.stripe.com/test/disputes/${cb.stripeDisputeId}`);
    expect(mail!.text).toContain(a!.number);

    // The staff page's data carries the chargeback.
    const detail = await getPaymentForStaff(asStaff(staff), p.id);
    expect(detail).toMatchObject({ chargebacks: expect.anything() });
    expect((detail as { chargebacks: unknown }).chargebacks).toMatchObject([{ stripeDisputeId: cb.stripeDisputeId, stripeStatus: "needs_response", amountWithdrawn: p.amount }]);

    // Refunding a charged-back payment is refused (Stripe would refuse too).
    const refused = await refundPayment(asStaff(staff), { paymentId: p.id, parts: [{ invoiceId: a!.id, amount: 100 }], reason: null });
    expect(refused).toMatchObject({ kind: "conflict", message: expect.stringMatching(/charged back/) });

    await control(emulator, `disputes/${cb.stripeDisputeId}/won`);
    await settle(async () => (await payment(p.id)).chargebackState === "won");
    expect(await payment(p.id)).toMatchObject({ chargebackState: "won", amountChargedBack: 0 });
    expect(await invoice(a!.id)).toMatchObject({ status: "paid", balance: 0 });
    expect(await invoice(b!.id)).toMatchObject({ status: "paid", balance: 0 });
    expect(await chargebackOf(p.id)).toMatchObject({ stripeStatus: "won", amountWithdrawn: 0, amountUnapplied: 0 });
    expect((await chargebackOf(p.id))!.closedAt).not.toBeNull();
    expect(await eventTypes(p.id)).toEqual(["payment.created", "payment.succeeded", "payment.disputed", "payment.dispute_closed"]);
    const closed = await db.select().from(events).where(and(eq(events.subjectId, p.id), eq(events.type, "payment.dispute_closed")));
    expect(closed[0]!.data).toMatchObject({ outcome: "won", stripeDisputeId: cb.stripeDisputeId });
    expect(await mailsLike("Chargeback won:%")).toHaveLength(1);
  });

  it("a partial chargeback reopens the invoice due last first; accepting it (lost) leaves the balances open", async () => {
    const [older, newer] = await freshOpenInvoices(2);
    const p = await paid([older!, newer!], { card: "4242424242424242" });
    const amount = newer!.balance + 100;
    const opened = (await control(emulator, "disputes", { payment_intent: p.stripePaymentIntentId!, amount: String(amount) })) as Stripe.Dispute;
    await settle(async () => (await payment(p.id)).amountChargedBack === amount);

    expect(await invoice(newer!.id)).toMatchObject({ status: "open", balance: newer!.balance });
    expect(await invoice(older!.id)).toMatchObject({ status: "open", balance: 100 });
    const allocations = await db.select().from(paymentAllocations).where(eq(paymentAllocations.paymentId, p.id));
    expect(Object.fromEntries(allocations.map((x) => [x.invoiceId, x.amountChargedBack]))).toEqual({ [newer!.id]: newer!.balance, [older!.id]: 100 });

    await stripe().disputes.close(opened.id);
    await settle(async () => (await payment(p.id)).chargebackState === "lost");
    expect(await invoice(newer!.id)).toMatchObject({ status: "open", balance: newer!.balance });
    expect(await invoice(older!.id)).toMatchObject({ status: "open", balance: 100 });
    expect(await payment(p.id)).toMatchObject({ amountChargedBack: amount });
    const closed = await db.select().from(events).where(and(eq(events.subjectId, p.id), eq(events.type, "payment.dispute_closed")));
    expect(closed.map((e) => e.data.outcome)).toEqual(["lost"]);
  });

  it("duplicate and out-of-order dispute events end in Stripe's current state, once", async () => {
    const [a] = await freshOpenInvoices(1);
    const p = await paid([a!], { card: "4242424242424242" });
    await control(emulator, "webhooks/pause");
    const opened = (await control(emulator, "disputes", { payment_intent: p.stripePaymentIntentId! })) as Stripe.Dispute;
    await control(emulator, `disputes/${opened.id}/won`);
    await control(emulator, "webhooks/drop");
    const list = await stripe().events.list({ types: ["charge.dispute.created", "charge.dispute.funds_withdrawn", "charge.dispute.funds_reinstated", "charge.dispute.closed"], limit: 100 });
    const mine = list.data.filter((e) => (e.data.object as Stripe.Dispute).id === opened.id);
    expect(mine.map((e) => e.type)).toEqual(["charge.dispute.closed", "charge.dispute.funds_reinstated", "charge.dispute.funds_withdrawn", "charge.dispute.created"]);

    const sign = (body: string) => stripe().webhooks.generateTestHeaderString({ payload: body, secret: process.env.STRIPE_WEBHOOK_SECRET! });
    // Newest first (closed before created), each delivered twice, drained between deliveries.
    for (const event of mine) {
      const body = JSON.stringify(event);
      expect((await receiveStripeWebhook(body, sign(body))).status).toBe(200);
      await drainJobs();
      expect((await receiveStripeWebhook(body, sign(body))).status).toBe(200);
    }
    await drainJobs();
    expect(await payment(p.id)).toMatchObject({ chargebackState: "won", amountChargedBack: 0 });
    expect(await invoice(a!.id)).toMatchObject({ status: "paid", balance: 0 });
    expect(await eventTypes(p.id)).toEqual(["payment.created", "payment.succeeded", "payment.disputed", "payment.dispute_closed"]);
    expect(await db.select().from(chargebacks).where(eq(chargebacks.stripeDisputeId, opened.id))).toHaveLength(1);
  });

  it("processes the withdrawal and the reinstatement when they arrive in order, one by one", async () => {
    const [a] = await freshOpenInvoices(1);
    const p = await paid([a!], { card: "4242424242424242" });
    const opened = (await control(emulator, "disputes", { payment_intent: p.stripePaymentIntentId! })) as Stripe.Dispute;
    await settle(async () => (await payment(p.id)).amountChargedBack === p.amount);
    expect((await invoice(a!.id)).status).toBe("open");
    // Meanwhile the reopened balance was partly settled another way (an offline payment of 200).
    await db.update(invoices).set({ amountPaid: sql`${invoices.amountPaid} + 200` }).where(eq(invoices.id, a!.id));
    await control(emulator, `disputes/${opened.id}/won`);
    await settle(async () => (await payment(p.id)).chargebackState === "won");
    // The invoice is paid in full, never past its total; the 200 too many is reported, not lost.
    expect(await invoice(a!.id)).toMatchObject({ status: "paid", balance: 0 });
    expect(await chargebackOf(p.id)).toMatchObject({ amountWithdrawn: 0, amountUnapplied: 200 });
    // …and becomes the customer's overpayment credit, to apply to a later invoice.
    const credits = await db.select().from(accountCredits).where(and(eq(accountCredits.accountId, accountId), eq(accountCredits.source, "overpayment")));
    expect(credits.filter((c) => c.reason.includes(p.id)).map((c) => ({ amount: c.amount, currency: c.currency, applied: c.amountApplied }))).toEqual([{ amount: 200, currency: "USD", applied: 0 }]);
    const [mail] = (await mailsLike("Chargeback won:%")).filter((x) => x.text.includes(p.id));
    expect(mail!.text).toMatch(/USD 2\.00 of the returned money found no open balance/);
  });
});

describe("missed dispute webhooks", () => {
  it("reconciliation finds a dispute whose webhooks never came, and its later decision", async () => {
    const [a] = await freshOpenInvoices(1);
    const p = await paid([a!], { card: "4242424242424242" });
    await control(emulator, "webhooks/pause");
    const opened = (await control(emulator, "disputes", { payment_intent: p.stripePaymentIntentId! })) as Stripe.Dispute;
    await control(emulator, "webhooks/drop");
    await drainJobs();
    expect((await payment(p.id)).chargebackState).toBeNull();

    await reconcilePayments(systemActor("job"));
    expect(await payment(p.id)).toMatchObject({ chargebackState: "open", amountChargedBack: p.amount });
    expect((await invoice(a!.id)).status).toBe("open");
    // Reconciling again with nothing new at Stripe writes nothing.
    const [before] = await db.select().from(chargebacks).where(eq(chargebacks.stripeDisputeId, opened.id));
    const paymentBefore = await payment(p.id);
    await reconcilePayments(systemActor("job"));
    const [after] = await db.select().from(chargebacks).where(eq(chargebacks.stripeDisputeId, opened.id));
    expect(after!.updatedAt).toEqual(before!.updatedAt);
    expect((await payment(p.id)).updatedAt).toEqual(paymentBefore.updatedAt);

    await control(emulator, "webhooks/pause");
    await control(emulator, `disputes/${opened.id}/lost`);
    await control(emulator, "webhooks/drop");
    await reconcilePayments(systemActor("job"));
    expect(await payment(p.id)).toMatchObject({ chargebackState: "lost", amountChargedBack: p.amount });
    expect((await eventTypes(p.id)).filter((t) => t.startsWith("payment.dispute"))).toEqual(["payment.disputed", "payment.dispute_closed"]);
  });
});

describe("ACH unauthorized returns", () => {
  it("a returned bank debit is a lost chargeback at once: balance reopened, staff told", async () => {
    const [a] = await freshOpenInvoices(1);
    const p = await paid([a!], { account: "000123456789" });
    expect(p.method).toBe("us_bank_account");
    await control(emulator, "disputes", { payment_intent: p.stripePaymentIntentId! });
    await settle(async () => (await payment(p.id)).chargebackState === "lost");
    expect(await payment(p.id)).toMatchObject({ amountChargedBack: p.amount });
    expect(await invoice(a!.id)).toMatchObject({ status: "open", balance: a!.balance });
    expect(await chargebackOf(p.id)).toMatchObject({ method: "us_bank_account", reason: "debit_not_authorized", stripeStatus: "lost", evidenceDueBy: null });
    expect((await eventTypes(p.id)).slice(-3)).toEqual(["payment.succeeded", "payment.disputed", "payment.dispute_closed"]);
    const mails = (await mailsLike("Chargeback:%")).filter((m) => m.text.includes(p.id));
    expect(mails[0]!.text).toMatch(/ACH/);
  });
});

describe("refund failures", () => {
  it("a card refund that succeeded and then failed closes the reopened balance again and tells staff", async () => {
    const [a, b] = await freshOpenInvoices(2);
    const p = await paid([a!, b!], { card: "4000000000005126" });
    const result = await refundPayment(asStaff(staff), { paymentId: p.id, parts: [{ invoiceId: b!.id, amount: 300 }], reason: "goodwill" });
    expect(result).toMatchObject({ status: "succeeded" });
    expect(await invoice(b!.id)).toMatchObject({ status: "open", balance: 300 });

    await control(emulator, "settle");
    await settle(async () => (await db.select().from(refunds).where(eq(refunds.paymentId, p.id)))[0]!.status === "failed");
    const [refund] = await db.select().from(refunds).where(eq(refunds.paymentId, p.id));
    expect(refund).toMatchObject({ status: "failed", failureReason: "expired_or_canceled_card" });
    expect(await invoice(b!.id)).toMatchObject({ status: "paid", balance: 0 });
    expect(await payment(p.id)).toMatchObject({ amountRefunded: 0 });
    expect(await eventTypes(p.id)).toEqual(["payment.created", "payment.succeeded", "payment.refunded", "payment.refund_failed"]);
    const mails = (await mailsLike("Refund failed:%")).filter((m) => m.text.includes(p.id));
    expect(mails).toHaveLength(1);
    // Redelivering Stripe's events changes nothing more.
    const list = await stripe().events.list({ types: ["refund.failed"], limit: 100 });
    const sign = (body: string) => stripe().webhooks.generateTestHeaderString({ payload: body, secret: process.env.STRIPE_WEBHOOK_SECRET! });
    for (const e of list.data) {
      const body = JSON.stringify({ ...e, id: `${e.id}_again` });
      await receiveStripeWebhook(body, sign(body));
    }
    await drainJobs();
    expect(await invoice(b!.id)).toMatchObject({ status: "paid", balance: 0 });
    expect((await eventTypes(p.id)).filter((t) => t === "payment.refund_failed")).toHaveLength(1);
  });

  it("an ACH refund that fails never reopens the balance and can be refunded again", async () => {
    const [a] = await freshOpenInvoices(1);
    const p = await paid([a!], { account: "000444444440" });
    const result = await refundPayment(asStaff(staff), { paymentId: p.id, parts: [{ invoiceId: a!.id, amount: 500 }], reason: null });
    expect(result).toMatchObject({ status: "pending" });
    expect(await payment(p.id)).toMatchObject({ amountRefunded: 500 });
    await control(emulator, "settle");
    await settle(async () => (await db.select().from(refunds).where(eq(refunds.paymentId, p.id)))[0]!.status === "failed");
    expect(await invoice(a!.id)).toMatchObject({ status: "paid", balance: 0 });
    expect(await payment(p.id)).toMatchObject({ amountRefunded: 0 });
    const [failed] = await db.select().from(events).where(and(eq(events.subjectId, p.id), eq(events.type, "payment.refund_failed")));
    expect(failed!.data).toMatchObject({ amount: 500, failureReason: "declined", wasSucceeded: false });
  });
});

describe("disputes that are not ours", () => {
  it("a dispute on a charge the portal never made is processed and ignored", async () => {
    const customer = await stripe().customers.create();
    const pi = await stripe().paymentIntents.create({ amount: 1234, currency: "usd", customer: customer.id, payment_method: "pm_card_visa", confirm: true });
    const opened = (await control(emulator, "disputes", { payment_intent: pi.id })) as Stripe.Dispute;
    await settle(async () => {
      const rows = await db.execute<{ processed_at: Date | null }>(sql`select processed_at from stripe_events where object_id = ${opened.id}`);
      return rows.length >= 2 && rows.every((r) => r.processed_at !== null);
    });
    expect(await db.select().from(chargebacks).where(eq(chargebacks.stripeDisputeId, opened.id))).toHaveLength(0);
  });
});
