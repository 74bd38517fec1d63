import { and, eq, sql } from "drizzle-orm";
import { parseCrontab } from "graphile-worker";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { events } from "#db/schema/events";
import { invoices } from "#db/schema/invoices";
import { devEmails } from "#db/schema/mail";
import { payments, stripeEvents } from "#db/schema/payments";
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
const { cancelPayment } = await import("./cancel-payment.server");
const { reconcilePayments } = await import("./reconcile-payments.server");
const { refundPayment } = await import("./refund-payment.server");
const { receiveStripeWebhook } = await import("./receive-stripe-webhook.server");
const { drainStripeEvents, MAX_EVENT_ATTEMPTS } = await import("./drain-stripe-events.server");
const { crontab } = await import("~/modules/jobs/tasks.server");
const { stripe } = await import("~/modules/stripe/client.server");

let payer: { userId: string; ip: string | null };
let otherPayer: { userId: string; ip: string | null };
let accountId: string;
let attempt = 0;
const nextAttempt = () => `attempt-${Date.now()}-${++attempt}-abcdefgh`;

let payerEmail: string;
let data: Awaited<ReturnType<typeof testData>>;
let account: Awaited<ReturnType<typeof data.account>>;
let otherAccount: Awaited<ReturnType<typeof data.account>>;

beforeAll(async () => {
  // This file's own customer (and a second account of the same payer), payer, second contact and agent.
  data = await testData();
  account = await data.account();
  otherAccount = await data.account();
  accountId = account.id;
  const { user } = await data.payer({ accounts: [account, otherAccount] });
  payer = { userId: user.id, ip: "203.0.113.9" };
  payerEmail = user.email;
  // A second contact of the same account, to pay at the same time as the first.
  const { user: second } = await data.payer({ accounts: [account] });
  otherPayer = { userId: second.id, ip: "203.0.113.10" };
});
afterAll(() => stripeUnderTest.stop());
beforeEach(async () => {
  await control(emulator, "webhooks/resume");
});

/** New open invoices of the test's account, each used by one test only. */
let invoicesMade = 0;
async function freshOpenInvoices(n: number) {
  return data.invoices(account, Array.from({ length: n }, () => ({ total: 100_00 + 1_00 * ++invoicesMade })));
}

async function invoice(id: string) {
  const [row] = await db.select().from(invoices).where(eq(invoices.id, id));
  return row!;
}

async function payment(id: string) {
  const [row] = await db.select().from(payments).where(eq(payments.id, id));
  return row!;
}

/** Lets webhooks arrive and runs the jobs they queue until `done` holds (or fails after 10 s). */
async function settle(done: () => Promise<boolean>) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    await drainJobs();
    if (await done()) return;
    if (Date.now() > deadline) throw new Error("timed out waiting for the payment to settle");
    await new Promise((r) => setTimeout(r, 50));
  }
}
const statusIs = (id: string, status: string) => async () => (await payment(id)).status === status;

async function start(amounts: Array<{ invoiceId: string; amount: number }>, who = payer, attemptId = nextAttempt()) {
  const result = await startPayment(asPayer(who), { accountId, attemptId, amounts, savePaymentMethod: false });
  if (isProblem(result)) throw new Error(result.message);
  return result;
}

describe("paying by card through Checkout", () => {
  it("pays three invoices in one payment, one of them in part, and settles each balance exactly", async () => {
    const [a, b, c] = await freshOpenInvoices(3);
    const part = Math.floor(c!.balance / 2);
    const started = await start([
      { invoiceId: a!.id, amount: a!.balance },
      { invoiceId: b!.id, amount: b!.balance },
      { invoiceId: c!.id, amount: part },
    ]);
    expect((await invoice(c!.id)).amountPending).toBe(part);
    const session = await stripe().checkout.sessions.retrieve((await payment(started.paymentId)).stripeCheckoutSessionId!);
    expect(session.amount_total).toBe(a!.balance + b!.balance + part);

    await submitHostedCheckout(started.checkoutUrl, { card: "4242424242424242" });
    await settle(statusIs(started.paymentId, "succeeded"));

    expect(await invoice(a!.id)).toMatchObject({ status: "paid", balance: 0, amountPending: 0 });
    expect(await invoice(b!.id)).toMatchObject({ status: "paid", balance: 0, amountPending: 0 });
    expect(await invoice(c!.id)).toMatchObject({ status: "open", balance: c!.balance - part, amountPending: 0, amountPaid: c!.amountPaid + part });
    const p = await payment(started.paymentId);
    expect(p.methodLabel).toBe("Visa •••• 4242");
    // Stripe's receipt goes to the payer who paid, not to the account's billing email.
    const intent = await stripe().paymentIntents.retrieve(p.stripePaymentIntentId!);
    expect(intent.receipt_email).toBe(payerEmail);
    const types = (await db.select().from(events).where(eq(events.subjectId, started.paymentId))).map((e) => e.type);
    expect(types).toEqual(["payment.created", "payment.succeeded"]);
    const paidEvents = await db.select().from(events).where(and(eq(events.type, "invoice.paid"), sql`${events.subjectId} in (${a!.id}, ${b!.id})`));
    expect(paidEvents).toHaveLength(2);
    const receipts = await db.select().from(devEmails).where(sql`${devEmails.subject} like 'Payment received%' and ${devEmails.to} = ${payerEmail}`);
    expect(receipts.length).toBeGreaterThan(0);
  });

  it("keeps the payment open after a decline, records Stripe's reason, and succeeds on retry", async () => {
    const [a] = await freshOpenInvoices(1);
    const started = await start([{ invoiceId: a!.id, amount: a!.balance }]);
    const declined = await submitHostedCheckout(started.checkoutUrl, { card: "4000000000009995" });
    expect(declined.text).toContain("Your card has insufficient funds.");
    await settle(async () => (await payment(started.paymentId)).failureMessage === "Your card has insufficient funds.");
    expect((await payment(started.paymentId)).status).toBe("pending");
    expect((await invoice(a!.id)).amountPending).toBe(a!.balance);

    await submitHostedCheckout(started.checkoutUrl, { card: "4242424242424242" });
    await settle(statusIs(started.paymentId, "succeeded"));
    expect((await invoice(a!.id)).status).toBe("paid");
  });

  it("says why a declined try failed when the payer leaves Checkout before its webhook is processed", async () => {
    const [a] = await freshOpenInvoices(1);
    const started = await start([{ invoiceId: a!.id, amount: a!.balance }]);
    await submitHostedCheckout(started.checkoutUrl, { card: "4000000000009995" });
    // No job has run: the portal has not yet processed Stripe's payment_failed event.
    expect((await payment(started.paymentId)).failureMessage).toBeNull();
    expect(await cancelPayment(asPayer(payer), { paymentId: started.paymentId })).toEqual({ status: "canceled", declined: "Your card has insufficient funds." });
    expect((await invoice(a!.id)).amountPending).toBe(0);
  });
});

describe("paying by bank account (ACH)", () => {
  it("stays processing with the balance reserved until the debit settles, then pays", async () => {
    const [a] = await freshOpenInvoices(1);
    const started = await start([{ invoiceId: a!.id, amount: a!.balance }]);
    await submitHostedCheckout(started.checkoutUrl, { account: "000123456789" });
    await settle(statusIs(started.paymentId, "processing"));
    expect(await invoice(a!.id)).toMatchObject({ status: "open", balance: a!.balance, amountPending: a!.balance });
    // Reconciliation re-reads it from Stripe every 5 minutes; learning nothing, it writes nothing.
    const before = await payment(started.paymentId);
    await reconcilePayments(systemActor("job"), { olderThanSeconds: 0 });
    expect(await payment(started.paymentId)).toEqual(before);

    await control(emulator, "settle", { payment_intent: (await payment(started.paymentId)).stripePaymentIntentId! });
    await settle(statusIs(started.paymentId, "succeeded"));
    expect(await invoice(a!.id)).toMatchObject({ status: "paid", amountPending: 0 });
  });

  it("reopens the balance and emails the payer when the debit fails", async () => {
    const [a] = await freshOpenInvoices(1);
    const started = await start([{ invoiceId: a!.id, amount: a!.balance }]);
    await submitHostedCheckout(started.checkoutUrl, { account: "000111111116" });
    await settle(statusIs(started.paymentId, "processing"));
    await control(emulator, "settle", { payment_intent: (await payment(started.paymentId)).stripePaymentIntentId! });
    await settle(statusIs(started.paymentId, "failed"));

    expect(await invoice(a!.id)).toMatchObject({ status: "open", balance: a!.balance, amountPending: 0, amountPaid: a!.amountPaid });
    expect((await payment(started.paymentId)).failureMessage).toBeTruthy();
    await drainJobs();
    const mail = await db.select().from(devEmails).where(sql`${devEmails.subject} like '%did not go through'`);
    expect(mail.length).toBeGreaterThan(0);
  });
});

describe("never taking the same cent twice", () => {
  it("lets exactly one of several simultaneous payments of one balance through, across payers", async () => {
    const [a] = await freshOpenInvoices(1);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        startPayment(asPayer(i % 2 ? otherPayer : payer), { accountId, attemptId: nextAttempt(), amounts: [{ invoiceId: a!.id, amount: a!.balance }], savePaymentMethod: false }),
      ),
    );
    expect(results.filter((r) => !isProblem(r))).toHaveLength(1);
    expect((await invoice(a!.id)).amountPending).toBe(a!.balance);
  });

  it("turns a double submit of one form into one payment and one Checkout Session", async () => {
    const [a] = await freshOpenInvoices(1);
    const attemptId = nextAttempt();
    const [one, two] = await Promise.all([start([{ invoiceId: a!.id, amount: a!.balance }], payer, attemptId), start([{ invoiceId: a!.id, amount: a!.balance }], payer, attemptId)]);
    expect(one.paymentId).toBe(two.paymentId);
    expect(one.checkoutUrl).toBe(two.checkoutUrl);
    expect(await db.select().from(payments).where(eq(payments.clientAttemptId, attemptId))).toHaveLength(1);
  });

  it("refuses more than the payable balance, computed on the server", async () => {
    const [a] = await freshOpenInvoices(1);
    const result = await startPayment(asPayer(payer), { accountId, attemptId: nextAttempt(), amounts: [{ invoiceId: a!.id, amount: a!.balance + 1 }], savePaymentMethod: false });
    expect(result).toMatchObject({ kind: "invalid" });
    expect((await invoice(a!.id)).amountPending).toBe(0);
  });

  it("refuses another account's invoice", async () => {
    const foreign = await data.invoice(await data.account());
    const result = await startPayment(asPayer(payer), { accountId, attemptId: nextAttempt(), amounts: [{ invoiceId: foreign.id, amount: 100 }], savePaymentMethod: false });
    expect(result).toMatchObject({ kind: "invalid" });
  });

  it("releases the reservation when the payer cancels, and Stripe's session can no longer be paid", async () => {
    const [a] = await freshOpenInvoices(1);
    const started = await start([{ invoiceId: a!.id, amount: a!.balance }]);
    expect(await cancelPayment(asPayer(payer), { paymentId: started.paymentId })).toEqual({ status: "canceled", declined: null });
    expect((await invoice(a!.id)).amountPending).toBe(0);
    const session = await stripe().checkout.sessions.retrieve((await payment(started.paymentId)).stripeCheckoutSessionId!);
    expect(session.status).toBe("expired");
  });
});

describe("webhooks", () => {
  /** Every event Stripe created for this payment's session and PaymentIntent, oldest first. */
  async function eventsOf(paymentId: string) {
    const session = await stripe().checkout.sessions.retrieve((await payment(paymentId)).stripeCheckoutSessionId!);
    const ids = [session.id, typeof session.payment_intent === "string" ? session.payment_intent : session.payment_intent?.id].filter(Boolean) as string[];
    const list = await stripe().events.list({ limit: 100 });
    return list.data.filter((e) => ids.some((id) => JSON.stringify(e.data.object).includes(id))).reverse();
  }
  const sign = (body: string) => stripe().webhooks.generateTestHeaderString({ payload: body, secret: process.env.STRIPE_WEBHOOK_SECRET! });

  /** A signed event as Stripe sends it, naming one object. */
  const stripeEvent = (id: string, type: string, object: Record<string, unknown>) =>
    JSON.stringify({ id, object: "event", api_version: "2025-01-01", created: Math.floor(Date.now() / 1000), livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type, data: { object } });
  const sessionCompleted = (eventId: string, p: { id: string; sessionId: string }) =>
    stripeEvent(eventId, "checkout.session.completed", { id: p.sessionId, object: "checkout.session", metadata: { payment_id: p.id } });

  // One invoice of Pat's other account pays for every payment below, 1.00 at a time, leaving
  // the first account's invoices to the other tests.
  let shared: { accountId: string; invoiceId: string } | undefined;
  async function sharedInvoice() {
    const inv = await data.invoice(otherAccount, { total: 500_00 });
    return { accountId: otherAccount.id, invoiceId: inv.id };
  }
  /** A card payment Stripe took while its webhooks were lost: the portal still says pending. */
  async function paidWithoutWebhooks() {
    await control(emulator, "webhooks/pause");
    shared ??= await sharedInvoice();
    const started = await startPayment(asPayer(payer), { accountId: shared.accountId, attemptId: nextAttempt(), amounts: [{ invoiceId: shared.invoiceId, amount: 100 }], savePaymentMethod: false });
    if (isProblem(started)) throw new Error(started.message);
    await submitHostedCheckout(started.checkoutUrl, { card: "4242424242424242" });
    await control(emulator, "webhooks/drop");
    await control(emulator, "webhooks/resume");
    const p = await payment(started.paymentId);
    expect(p.status).toBe("pending");
    return { id: p.id, sessionId: p.stripeCheckoutSessionId! };
  }
  async function recorded(eventId: string) {
    const [row] = await db
      .select({ row: stripeEvents, dueInSeconds: sql<number>`extract(epoch from ${stripeEvents.nextAttemptAt} - now())::float8` })
      .from(stripeEvents)
      .where(eq(stripeEvents.id, eventId));
    return row ? { ...row.row, dueInSeconds: row.dueInSeconds } : undefined;
  }
  const makeDue = (eventId: string) => db.update(stripeEvents).set({ nextAttemptAt: sql`now()` }).where(eq(stripeEvents.id, eventId));
  async function queuedDrains() {
    const [row] = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'process_stripe_events' and locked_at is null and attempts < max_attempts`,
    );
    return row!.n;
  }

  it("refuses a bad or stale signature with 400 and records nothing, and takes the exact bytes signed", async () => {
    const body = JSON.stringify({ id: "evt_forged", object: "event", type: "checkout.session.completed", data: { object: { id: "cs_test_forged", metadata: {} } } });
    const before = (await db.select().from(stripeEvents)).length;
    expect((await receiveStripeWebhook(body, "t=1,v1=deadbeef")).status).toBe(400);
    expect((await receiveStripeWebhook(body, null)).status).toBe(400);
    const good = sign(body);
    expect((await receiveStripeWebhook(`${body} `, good)).status).toBe(400); // re-serialized body
    // Signed with another secret, or older than Stripe's 5 minutes tolerance.
    expect((await receiveStripeWebhook(body, stripe().webhooks.generateTestHeaderString({ payload: body, secret: "whsec_someone_else" }))).status).toBe(400);
    const stale = stripe().webhooks.generateTestHeaderString({ payload: body, secret: process.env.STRIPE_WEBHOOK_SECRET!, timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect((await receiveStripeWebhook(body, stale)).status).toBe(400);
    expect((await receiveStripeWebhook(Buffer.from(body), good)).status).toBe(200); // the raw bytes, as the server passes them
    expect((await db.select().from(stripeEvents)).length).toBe(before + 1);
  });

  it("records a repeated event once, answers only once it is recorded, and processes it once", async () => {
    const p = await paidWithoutWebhooks();
    const body = sessionCompleted(`evt_repeat_${p.id}`, p);
    const answers = await Promise.all([1, 2, 3].map(() => receiveStripeWebhook(body, sign(body))));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);

    // Answered 200: the event is on record with what the drain needs, and its job is queued.
    expect(await recorded(`evt_repeat_${p.id}`)).toMatchObject({ paymentId: p.id, objectId: p.sessionId, attempts: 0, processedAt: null });
    expect(await queuedDrains()).toBe(1);
    expect((await payment(p.id)).status).toBe("pending");

    await drainJobs();
    expect((await payment(p.id)).status).toBe("succeeded");
    const done = await recorded(`evt_repeat_${p.id}`);
    expect(done).toMatchObject({ attempts: 1, lastError: null });
    expect(done!.processedAt).toBeInstanceOf(Date);

    // Stripe delivers it again later: recorded already, not processed again.
    expect((await receiveStripeWebhook(body, sign(body))).status).toBe(200);
    await drainJobs();
    expect(await recorded(`evt_repeat_${p.id}`)).toMatchObject({ attempts: 1, processedAt: done!.processedAt });
    expect(await db.select().from(events).where(and(eq(events.subjectId, p.id), eq(events.type, "payment.succeeded")))).toHaveLength(1);
  });

  it("retries a failing event with backoff without holding up the others, and gives up after the last attempt", async () => {
    const broken = await paidWithoutWebhooks();
    const healthy = await paidWithoutWebhooks();
    const doomed = await paidWithoutWebhooks();
    // Stripe does not know these sessions: re-reading them fails until the id is put back.
    for (const p of [broken, doomed]) await db.update(payments).set({ stripeCheckoutSessionId: `cs_test_unknown_${p.id}` }).where(eq(payments.id, p.id));
    for (const p of [broken, healthy, doomed]) {
      const body = sessionCompleted(`evt_retry_${p.id}`, p);
      expect((await receiveStripeWebhook(body, sign(body))).status).toBe(200);
    }
    await drainJobs();

    expect((await payment(healthy.id)).status).toBe("succeeded");
    expect((await recorded(`evt_retry_${healthy.id}`))!.processedAt).toBeInstanceOf(Date);
    const failed = (await recorded(`evt_retry_${broken.id}`))!;
    expect(failed).toMatchObject({ attempts: 1, processedAt: null, failedAt: null });
    expect(failed.lastError).toMatch(/cs_test_unknown_/);
    expect(failed.dueInSeconds).toBeGreaterThan(50);
    expect(failed.dueInSeconds).toBeLessThanOrEqual(60);

    // Not tried again before it is due, however often the drain runs.
    await drainStripeEvents(systemActor("stripe"));
    expect(await recorded(`evt_retry_${broken.id}`)).toMatchObject({ attempts: 1 });

    // Due and failing again: the wait doubles.
    await makeDue(`evt_retry_${broken.id}`);
    await drainStripeEvents(systemActor("stripe"));
    const again = (await recorded(`evt_retry_${broken.id}`))!;
    expect(again).toMatchObject({ attempts: 2, processedAt: null });
    expect(again.dueInSeconds).toBeGreaterThan(110);
    expect(again.dueInSeconds).toBeLessThanOrEqual(120);

    // Once Stripe knows the session again, the next attempt brings the payment in line.
    await db.update(payments).set({ stripeCheckoutSessionId: broken.sessionId }).where(eq(payments.id, broken.id));
    await makeDue(`evt_retry_${broken.id}`);
    expect(await drainStripeEvents(systemActor("stripe"))).toMatchObject({ failed: 0 });
    expect(await recorded(`evt_retry_${broken.id}`)).toMatchObject({ attempts: 3, lastError: null });
    expect((await payment(broken.id)).status).toBe("succeeded");

    // The last attempt fails: the event is given up and never claimed again.
    await db.update(stripeEvents).set({ attempts: MAX_EVENT_ATTEMPTS - 1, nextAttemptAt: sql`now()` }).where(eq(stripeEvents.id, `evt_retry_${doomed.id}`));
    await drainStripeEvents(systemActor("stripe"));
    const givenUp = (await recorded(`evt_retry_${doomed.id}`))!;
    expect(givenUp).toMatchObject({ attempts: MAX_EVENT_ATTEMPTS, processedAt: null });
    expect(givenUp.failedAt).toBeInstanceOf(Date);
    await makeDue(`evt_retry_${doomed.id}`);
    await drainStripeEvents(systemActor("stripe"));
    expect(await recorded(`evt_retry_${doomed.id}`)).toMatchObject({ attempts: MAX_EVENT_ATTEMPTS });
  });

  it("still processes an event whose job was lost, on the once-a-minute sweep", async () => {
    const p = await paidWithoutWebhooks();
    const body = sessionCompleted(`evt_lost_${p.id}`, p);
    expect((await receiveStripeWebhook(body, sign(body))).status).toBe(200);
    // The process dies before its job runs, and the job is lost with it; the event's row is not.
    await db.execute(sql`delete from graphile_worker._private_jobs where task_id in (select id from graphile_worker._private_tasks where identifier = 'process_stripe_events')`);
    await drainJobs();
    expect(await recorded(`evt_lost_${p.id}`)).toMatchObject({ processedAt: null, attempts: 0 });

    // The crontab runs the drain every minute, under the same key as the nudges.
    const [sweep] = parseCrontab(crontab).filter((item) => item.task === "process_stripe_events");
    expect(sweep?.options.jobKey).toBe("process_stripe_events");
    for (const min of [0, 17, 59]) expect(sweep!.match({ min, hour: 3, date: 9, month: 5, dow: 2 })).toBe(true);
    // What the cron does at the next minute:
    await db.execute(sql`select graphile_worker.add_job(${sweep!.task}, '{}'::json, job_key => ${sweep!.options.jobKey})`);
    await drainJobs();
    expect((await recorded(`evt_lost_${p.id}`))!.processedAt).toBeInstanceOf(Date);
    expect((await payment(p.id)).status).toBe("succeeded");
  });

  it("reaches the same final state whatever the order and number of deliveries", async () => {
    await control(emulator, "webhooks/pause");
    const [a] = await freshOpenInvoices(1);
    const started = await start([{ invoiceId: a!.id, amount: a!.balance }]);
    await submitHostedCheckout(started.checkoutUrl, { account: "000123456789" });
    await control(emulator, "settle", {});
    await control(emulator, "webhooks/drop");
    const stripeSide = await eventsOf(started.paymentId);
    expect(stripeSide.length).toBeGreaterThanOrEqual(3);

    // Newest first, each twice, then everything replayed once more.
    for (const event of [...stripeSide].reverse()) {
      const body = JSON.stringify(event);
      expect((await receiveStripeWebhook(body, sign(body))).status).toBe(200);
      expect((await receiveStripeWebhook(body, sign(body))).status).toBe(200);
    }
    await drainJobs();
    const after = await payment(started.paymentId);
    expect(after.status).toBe("succeeded");
    for (const event of stripeSide) {
      const body = JSON.stringify(event);
      await receiveStripeWebhook(body, sign(body));
    }
    await drainJobs();
    expect(await invoice(a!.id)).toMatchObject({ status: "paid", amountPaid: a!.amountPaid + a!.balance, amountPending: 0 });
    const succeeded = await db.select().from(events).where(and(eq(events.subjectId, started.paymentId), eq(events.type, "payment.succeeded")));
    expect(succeeded).toHaveLength(1);
    const recorded = await db.select().from(stripeEvents).where(sql`${stripeEvents.id} in ${stripeSide.map((e) => e.id)}`);
    expect(recorded).toHaveLength(stripeSide.length);
  });

  it("repairs a payment whose webhooks never came, by reconciliation", async () => {
    await control(emulator, "webhooks/pause");
    const [a] = await freshOpenInvoices(1);
    const started = await start([{ invoiceId: a!.id, amount: a!.balance }]);
    await submitHostedCheckout(started.checkoutUrl, { card: "4242424242424242" });
    await control(emulator, "webhooks/drop");
    await drainJobs();
    expect((await payment(started.paymentId)).status).toBe("pending");

    const result = await reconcilePayments(systemActor("job"), { olderThanSeconds: 0 });
    expect(result.changed).toBeGreaterThanOrEqual(1);
    expect((await payment(started.paymentId)).status).toBe("succeeded");
    expect((await invoice(a!.id)).status).toBe("paid");
  });
});

describe("refunds", () => {
  it("refunds part of a payment and reopens exactly the chosen invoice's balance", async () => {
    const [a, b] = await freshOpenInvoices(2);
    const started = await start([
      { invoiceId: a!.id, amount: a!.balance },
      { invoiceId: b!.id, amount: b!.balance },
    ]);
    await submitHostedCheckout(started.checkoutUrl, { card: "4242424242424242" });
    await settle(statusIs(started.paymentId, "succeeded"));
    const staff = { userId: (await data.staff("ar_agent")).id, ip: null };

    const refund = await refundPayment(asStaff(staff), { paymentId: started.paymentId, parts: [{ invoiceId: b!.id, amount: 300 }], reason: "price adjustment" });
    expect(refund).toMatchObject({ status: "succeeded" });
    expect(await invoice(b!.id)).toMatchObject({ status: "open", balance: 300 });
    expect(await invoice(a!.id)).toMatchObject({ status: "paid", balance: 0 });
    expect((await payment(started.paymentId)).amountRefunded).toBe(300);

    const tooMuch = await refundPayment(asStaff(staff), { paymentId: started.paymentId, parts: [{ invoiceId: b!.id, amount: b!.balance }], reason: null });
    expect(tooMuch).toMatchObject({ kind: "invalid" });
    const refundedEvents = await db.select().from(events).where(and(eq(events.subjectId, started.paymentId), eq(events.type, "payment.refunded")));
    expect(refundedEvents).toHaveLength(1);
  });
});

describe("saved cards", () => {
  it("saves the card when asked, and a later payment with it succeeds at once without Checkout", async () => {
    const [a, b] = await freshOpenInvoices(2);
    const first = await startPayment(asPayer(payer), { accountId, attemptId: nextAttempt(), amounts: [{ invoiceId: a!.id, amount: a!.balance }], savePaymentMethod: true });
    if (isProblem(first)) throw new Error(first.message);
    await submitHostedCheckout(first.checkoutUrl, { card: "4242424242424242" });
    await settle(statusIs(first.paymentId, "succeeded"));
    const [saved] = await db.execute<{ id: string; label: string }>(sql`select id, label from saved_payment_methods where account_id = ${accountId}`);
    expect(saved).toMatchObject({ label: "Visa •••• 4242" });

    const second = await startPayment(asPayer(payer), { accountId, attemptId: nextAttempt(), amounts: [{ invoiceId: b!.id, amount: b!.balance }], savePaymentMethod: false, savedMethodId: saved!.id });
    if (isProblem(second)) throw new Error(second.message);
    expect(second.checkoutUrl).toMatch(/\/payments\/pay_/);
    const p = await payment(second.paymentId);
    expect(p).toMatchObject({ status: "succeeded", stripeCheckoutSessionId: null });
    expect(await invoice(b!.id)).toMatchObject({ status: "paid", amountPending: 0 });
  });

  it("refuses a saved card of another account", async () => {
    const [a] = await freshOpenInvoices(1);
    const result = await startPayment(asPayer(payer), { accountId, attemptId: nextAttempt(), amounts: [{ invoiceId: a!.id, amount: a!.balance }], savePaymentMethod: false, savedMethodId: "spm_not_ours" });
    expect(result).toMatchObject({ kind: "invalid" });
    expect((await invoice(a!.id)).amountPending).toBe(0);
  });
});
