import { and, eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { events } from "#db/schema/events";
import { invoices } from "#db/schema/invoices";
import { devEmails } from "#db/schema/mail";
import { paymentAllocations, payments } from "#db/schema/payments";
import { accountCredits, creditApplications, quotes } from "#db/schema/terms";
import { db } from "~/db.server";
import { setClock } from "~/utils/clock";
import { isProblem, type Problem } from "~/utils/problem";
import { payLinkToken } from "~/modules/collections/pay-link-token.server";
import { control, startTestStripe } from "../../../test/stripe";
import { drainJobs, testData } from "../../../test/helpers";
import { submitHostedCheckout } from "../../../test/hosted-checkout";

// The issue's example: a $1,000 invoice on 2/10 net 30, issued on Dec 1 ("day 0").
const ISSUED = "2026-12-01";
const day = (n: number) => `2026-12-${String(1 + n).padStart(2, "0")}`;
const onDay = (n: number) => setClock(() => new Date(`${day(n)}T15:00:00Z`));

const stripeUnderTest = await startTestStripe();
const { emulator } = stripeUnderTest;
const { startPayment, STALE_QUOTE } = await import("~/modules/payments/start-payment.server");
const { loadPayForm } = await import("~/modules/payments/pay-form.server");
const { openPayLink } = await import("~/modules/collections/open-pay-link.server");
const { payByLink } = await import("~/modules/collections/pay-link-pay.server");
const { stripe } = await import("~/modules/stripe/client.server");
const { enrolInPlan } = await import("~/modules/plans/enrol.server");

let data: Awaited<ReturnType<typeof testData>>;
let account: Awaited<ReturnType<typeof data.account>>;
let payer: { kind: "payer"; userId: string; ip: string };
beforeAll(async () => {
  data = await testData();
  account = await data.account();
  const { user } = await data.payer({ accounts: [account] });
  payer = { kind: "payer", userId: user.id, ip: "203.0.113.40" };
});
afterAll(() => stripeUnderTest.stop());
afterEach(() => setClock(undefined));

let attempts = 0;
const attempt = () => `terms-${Date.now()}-${++attempts}-abcdefgh`;

/** A $1,000 invoice issued on Dec 1, due Dec 31, on 2/10 net 30. */
async function twoTenNet30(total = 1_000_00) {
  onDay(0);
  const [invoice] = await data.invoices(account, [{ total, issuedDaysAgo: 0, dueInDays: 30 }]);
  await db.update(invoices).set({ issueDate: ISSUED, terms: "2/10 net 30", netDays: 30, discountBps: 200, discountDays: 10 }).where(eq(invoices.id, invoice!.id));
  return invoice!.id;
}

const invoice = async (id: string) => (await db.select().from(invoices).where(eq(invoices.id, id)))[0]!;
const payment = async (id: string) => (await db.select().from(payments).where(eq(payments.id, id)))[0]!;

async function settle(done: () => Promise<boolean>) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    await drainJobs();
    if (await done()) return;
    if (Date.now() > deadline) throw new Error("timed out waiting for the payment");
    await new Promise((r) => setTimeout(r, 50));
  }
}
const statusIs = (id: string, status: string) => async () => (await payment(id)).status === status;

async function pay(invoiceId: string, amount: number, options: { quoteBasis?: string; savedMethodId?: string; savePaymentMethod?: boolean } = {}) {
  const started = await startPayment(payer, { accountId: account.id, attemptId: attempt(), amounts: [{ invoiceId, amount }], savePaymentMethod: options.savePaymentMethod ?? false, savedMethodId: options.savedMethodId ?? null, quoteBasis: options.quoteBasis ?? null });
  if (isProblem(started)) throw new Error(started.message);
  return started;
}

async function checkoutAmount(paymentId: string) {
  return (await stripe().checkout.sessions.retrieve((await payment(paymentId)).stripeCheckoutSessionId!)).amount_total;
}

describe("2/10 net 30 on $1,000", () => {
  it("$490 paid on day 5 settles $500; the rest costs $490 until day 10; the back office hears of each discount", async () => {
    const id = await twoTenNet30();
    onDay(5);
    const first = await pay(id, 490_00);
    expect(await checkoutAmount(first.paymentId)).toBe(490_00);
    // Reserved with its discount: nothing of the $500 it settles can be paid twice meanwhile.
    expect(await invoice(id)).toMatchObject({ amountPending: 500_00 });
    await submitHostedCheckout(first.checkoutUrl, { card: "4242424242424242" });
    await settle(statusIs(first.paymentId, "succeeded"));
    expect(await invoice(id)).toMatchObject({ amountPaid: 490_00, amountCredited: 10_00, amountDiscounted: 10_00, amountPending: 0, balance: 500_00, status: "open" });

    onDay(10);
    const page = await loadPayForm(payer, { accountId: account.id, invoiceIds: [id] });
    expect(page.invoices[0]).toMatchObject({ payable: 500_00, mostPayable: 490_00, offer: { until: day(10), payInFull: 490_00, saves: 10_00 } });
    const rest = await pay(id, 490_00, { quoteBasis: page.quoteBasis });
    expect(await checkoutAmount(rest.paymentId)).toBe(490_00);
    await submitHostedCheckout(rest.checkoutUrl, { card: "4242424242424242" });
    await settle(statusIs(rest.paymentId, "succeeded"));
    expect(await invoice(id)).toMatchObject({ amountPaid: 980_00, amountDiscounted: 20_00, balance: 0, status: "paid" });

    const taken = await db.select().from(events).where(and(eq(events.subjectId, id), eq(events.type, "invoice.discount_taken")));
    expect(taken.map((e) => e.data)).toEqual([
      expect.objectContaining({ paid: 490_00, discount: 10_00, settled: 500_00, currency: "USD" }),
      expect.objectContaining({ paid: 490_00, discount: 10_00, settled: 500_00, currency: "USD" }),
    ]);
    // The receipt says what was taken.
    await drainJobs();
    const receipts = await db.select().from(devEmails).where(sql`${devEmails.subject} like 'Payment received%' and ${devEmails.text} like ${`%${(await invoice(id)).number}%`}`);
    expect(receipts.some((m) => m.text.includes("+ USD 10.00 early-payment discount (settles USD 500.00)"))).toBe(true);
  });

  it("on day 11 nothing is discounted, and a page quoted on day 10 is refused before Checkout", async () => {
    const id = await twoTenNet30();
    onDay(10);
    const page = await loadPayForm(payer, { accountId: account.id, invoiceIds: [id] });
    expect(page.invoices[0]!.mostPayable).toBe(980_00);
    onDay(11);
    const stale = (await startPayment(payer, { accountId: account.id, attemptId: attempt(), amounts: [{ invoiceId: id, amount: 980_00 }], savePaymentMethod: false, quoteBasis: page.quoteBasis })) as Problem;
    expect(stale).toMatchObject({ kind: "conflict", code: STALE_QUOTE });
    expect(await invoice(id)).toMatchObject({ amountPending: 0 });
    expect(await db.select().from(payments).innerJoin(paymentAllocations, eq(paymentAllocations.paymentId, payments.id)).where(eq(paymentAllocations.invoiceId, id))).toHaveLength(0);

    const today = await loadPayForm(payer, { accountId: account.id, invoiceIds: [id] });
    expect(today.invoices[0]).toMatchObject({ mostPayable: 1_000_00, offer: null });
    const full = await pay(id, 1_000_00, { quoteBasis: today.quoteBasis });
    expect(await checkoutAmount(full.paymentId)).toBe(1_000_00);
    expect((await db.select().from(paymentAllocations).where(eq(paymentAllocations.paymentId, full.paymentId)))[0]).toMatchObject({ amount: 1_000_00, discount: 0 });
  });

  it("never takes more than the quoted full amount inside the window, and refuses a page whose balance changed", async () => {
    const id = await twoTenNet30();
    onDay(3);
    const tooMuch = (await startPayment(payer, { accountId: account.id, attemptId: attempt(), amounts: [{ invoiceId: id, amount: 1_000_00 }], savePaymentMethod: false })) as Problem;
    expect(tooMuch).toMatchObject({ kind: "invalid" });
    expect(Object.values(tooMuch.fields)).toEqual(["You can pay at most USD 980.00 on " + (await invoice(id)).number + "."]);

    const page = await loadPayForm(payer, { accountId: account.id, invoiceIds: [id] });
    // Meanwhile the back office credits $100: the page's $980 is no longer today's amount.
    await db.update(invoices).set({ amountCredited: 100_00 }).where(eq(invoices.id, id));
    const stale = (await startPayment(payer, { accountId: account.id, attemptId: attempt(), amounts: [{ invoiceId: id, amount: 980_00 }], savePaymentMethod: false, quoteBasis: page.quoteBasis })) as Problem;
    expect(stale.code).toBe(STALE_QUOTE);
  });

  it("a bank debit quoted inside the window settles by that day's rules when it clears after it, and the quote is stored", async () => {
    const id = await twoTenNet30();
    onDay(9);
    const started = await pay(id, 980_00);
    await submitHostedCheckout(started.checkoutUrl, { account: "000123456789" });
    await settle(statusIs(started.paymentId, "processing"));
    onDay(14);
    await control(emulator, "settle", { payment_intent: (await payment(started.paymentId)).stripePaymentIntentId! });
    await settle(statusIs(started.paymentId, "succeeded"));
    expect(await invoice(id)).toMatchObject({ amountPaid: 980_00, amountDiscounted: 20_00, balance: 0, status: "paid" });
    const [quote] = await db.select().from(quotes).where(eq(quotes.id, (await payment(started.paymentId)).quoteId!));
    expect(quote).toMatchObject({ quotedOn: day(9), total: 980_00, discountTotal: 20_00 });
    expect(quote!.lines).toEqual([expect.objectContaining({ invoiceId: id, amount: 980_00, discount: 20_00 })]);
    expect(quote!.expiresAt.toISOString()).toBe(`${day(10)}T00:00:00.000Z`);
  });

  it("a failed payment gives back the discount it had reserved", async () => {
    const id = await twoTenNet30();
    onDay(2);
    const started = await pay(id, 980_00);
    await submitHostedCheckout(started.checkoutUrl, { account: "000111111116" });
    await settle(statusIs(started.paymentId, "processing"));
    await control(emulator, "settle", { payment_intent: (await payment(started.paymentId)).stripePaymentIntentId! });
    await settle(statusIs(started.paymentId, "failed"));
    expect(await invoice(id)).toMatchObject({ amountPending: 0, amountPaid: 0, amountCredited: 0, amountDiscounted: 0, balance: 1_000_00 });
  });

  it("a saved card charges the quoted amount", async () => {
    const [setup] = await data.invoices(account, [{ total: 5_00 }]);
    const first = await pay(setup!.id, 5_00, { savePaymentMethod: true });
    await submitHostedCheckout(first.checkoutUrl, { card: "4242424242424242" });
    await settle(statusIs(first.paymentId, "succeeded"));
    const [saved] = await db.execute<{ id: string }>(sql`select id from saved_payment_methods where account_id = ${account.id} and removed_at is null limit 1`);

    const id = await twoTenNet30();
    onDay(4);
    const charged = await pay(id, 980_00, { savedMethodId: saved!.id });
    expect(await payment(charged.paymentId)).toMatchObject({ status: "succeeded", amount: 980_00 });
    const intent = await stripe().paymentIntents.retrieve((await payment(charged.paymentId)).stripePaymentIntentId!);
    expect(intent.amount).toBe(980_00);
    expect(await invoice(id)).toMatchObject({ status: "paid", balance: 0, amountDiscounted: 20_00 });
  });

  it("a pay link asks for the discounted amount and Checkout charges exactly it", async () => {
    const id = await twoTenNet30();
    const link = await data.payLink(account, [await invoice(id)]);
    onDay(6);
    const page = await openPayLink(payLinkToken(link.id), "198.51.100.77");
    if (isProblem(page)) throw new Error(page.message);
    expect(page.invoices[0]).toMatchObject({ dueNow: 980_00, offer: { until: day(10), saves: 20_00 } });
    const started = await payByLink(page.actor, { attemptId: attempt(), invoiceIds: [id], quoteBasis: page.quoteBasis });
    if (isProblem(started)) throw new Error(started.message);
    expect(await checkoutAmount(started.paymentId)).toBe(980_00);
    await submitHostedCheckout(started.checkoutUrl, { card: "4242424242424242" });
    await settle(statusIs(started.paymentId, "succeeded"));
    expect(await invoice(id)).toMatchObject({ status: "paid", balance: 0, amountDiscounted: 20_00 });
  });
});

describe("late fees on the pay page", () => {
  it("come with the invoice they are charged on, as their own line, and the payment pays both", async () => {
    const acc = await data.account();
    const { user } = await data.payer({ accounts: [acc] });
    const who = { kind: "payer" as const, userId: user.id, ip: "203.0.113.43" };
    const [parent, other] = await data.invoices(acc, [{ total: 500_00, dueInDays: -40 }, { total: 70_00, dueInDays: -40 }]);
    const [fee] = await data.invoices(acc, [{ total: 7_50, dueInDays: 0, issuedDaysAgo: 0, number: `${parent!.number}-LF1` }]);
    await db.update(invoices).set({ lateFeeForInvoiceId: parent!.id, lateFeePeriod: 1 }).where(eq(invoices.id, fee!.id));
    const page = await loadPayForm(who, { accountId: acc.id, invoiceIds: [parent!.id] });
    expect(page.invoices.map((i) => [i.number, i.feeForNumber, i.mostPayable])).toEqual([
      [parent!.number, null, 500_00],
      [fee!.number, parent!.number, 7_50],
    ]);
    expect(page.invoices.some((i) => i.id === other!.id)).toBe(false);
    const started = await startPayment(who, { accountId: acc.id, attemptId: attempt(), amounts: page.invoices.map((i) => ({ invoiceId: i.id, amount: i.mostPayable })), savePaymentMethod: false, quoteBasis: page.quoteBasis });
    if (isProblem(started)) throw new Error(started.message);
    expect(await checkoutAmount(started.paymentId)).toBe(507_50);
  });
});

describe("payment plans", () => {
  it("quote the balance with no early-payment discount: the plan's total is the stored quote's", async () => {
    const acc = await data.account();
    const { user } = await data.payer({ accounts: [acc] });
    onDay(0);
    const [inv] = await data.invoices(acc, [{ total: 1_000_00, issuedDaysAgo: 0, dueInDays: 30 }]);
    await db.update(invoices).set({ issueDate: ISSUED, discountBps: 200, discountDays: 10 }).where(eq(invoices.id, inv!.id));
    onDay(2);
    const enrolled = await enrolInPlan({ kind: "payer", userId: user.id, ip: "203.0.113.42" }, { accountId: acc.id, attemptId: attempt(), invoiceIds: [inv!.id], installmentCount: 2, frequency: "monthly", firstDate: day(2) });
    if (isProblem(enrolled)) throw new Error(enrolled.message);
    const [created] = await db.select().from(events).where(and(eq(events.subjectId, enrolled.planId), eq(events.type, "plan.created")));
    expect(created!.data).toMatchObject({ total: 1_000_00 });
    const [quote] = await db.select().from(quotes).where(eq(quotes.id, created!.data.quoteId as string));
    expect(quote).toMatchObject({ total: 1_000_00, discountTotal: 0, quotedOn: day(2) });
  });
});

describe("credits applied in the portal", () => {
  /** A payer of their own account (its credits are the test's alone). */
  async function ownAccount() {
    const acc = await data.account();
    const { user } = await data.payer({ accounts: [acc] });
    return { acc, who: { kind: "payer" as const, userId: user.id, ip: "203.0.113.41" } };
  }

  it("reduce exactly the chosen invoices, and the card pays the rest", async () => {
    const { acc, who } = await ownAccount();
    const [a, b, untouched] = await data.invoices(acc, [{ total: 300_00, dueInDays: 5 }, { total: 200_00, dueInDays: 10 }, { total: 150_00, dueInDays: 1 }]);
    const credit = await data.credit(acc, { amount: 350_00 });
    const page = await loadPayForm(who, { accountId: acc.id, invoiceIds: [a!.id, b!.id] });
    expect(page.credits).toEqual([expect.objectContaining({ id: credit.id, available: 350_00 })]);
    const started = await startPayment(who, { accountId: acc.id, attemptId: attempt(), amounts: [{ invoiceId: a!.id, amount: 300_00 }, { invoiceId: b!.id, amount: 200_00 }], savePaymentMethod: false, quoteBasis: page.quoteBasis, credits: [{ creditId: credit.id, amount: 350_00 }] });
    if (isProblem(started) || "settledByCredit" in started) throw new Error("expected a card payment for the rest");
    // Oldest due first: all of a, then 50.00 of b; the card pays b's 150.00.
    expect(await checkoutAmount(started.paymentId)).toBe(150_00);
    expect(await invoice(a!.id)).toMatchObject({ status: "paid", balance: 0, amountCredited: 300_00 });
    expect(await invoice(b!.id)).toMatchObject({ balance: 150_00, amountCredited: 50_00, amountPending: 150_00 });
    expect(await invoice(untouched!.id)).toMatchObject({ balance: 150_00, amountCredited: 0, amountPending: 0 });
    expect((await db.select().from(accountCredits).where(eq(accountCredits.id, credit.id)))[0]!.amountApplied).toBe(350_00);
    const applied = await db.select().from(creditApplications).where(eq(creditApplications.creditId, credit.id));
    expect(applied.map((x) => [x.invoiceId, x.amount, x.quoteId]).sort()).toEqual([[a!.id, 300_00, (await payment(started.paymentId)).quoteId], [b!.id, 50_00, (await payment(started.paymentId)).quoteId]].sort());
    expect(await db.select().from(events).where(and(eq(events.type, "credit.applied"), eq(events.accountId, acc.id)))).toHaveLength(2);
    await submitHostedCheckout(started.checkoutUrl, { card: "4242424242424242" });
    await settle(statusIs(started.paymentId, "succeeded"));
    expect(await invoice(b!.id)).toMatchObject({ status: "paid", balance: 0 });
  });

  it("covering everything inside the discount window, settle at once with the discount and charge nothing", async () => {
    const { acc, who } = await ownAccount();
    onDay(0);
    const [inv] = await data.invoices(acc, [{ total: 1_000_00, issuedDaysAgo: 0, dueInDays: 30 }]);
    await db.update(invoices).set({ issueDate: ISSUED, discountBps: 200, discountDays: 10 }).where(eq(invoices.id, inv!.id));
    const credit = await data.credit(acc, { amount: 1_200_00 });
    onDay(3);
    const page = await loadPayForm(who, { accountId: acc.id, invoiceIds: [inv!.id] });
    const settled = await startPayment(who, { accountId: acc.id, attemptId: attempt(), amounts: [{ invoiceId: inv!.id, amount: 980_00 }], savePaymentMethod: false, quoteBasis: page.quoteBasis, credits: [{ creditId: credit.id, amount: 1_200_00 }] });
    expect(settled).toMatchObject({ settledByCredit: true, creditTotal: 980_00, discountTotal: 20_00 });
    expect(await invoice(inv!.id)).toMatchObject({ status: "paid", balance: 0, amountCredited: 1_000_00, amountDiscounted: 20_00, amountPending: 0 });
    // What was not needed stays on the credit.
    expect((await db.select().from(accountCredits).where(eq(accountCredits.id, credit.id)))[0]!.amountApplied).toBe(980_00);
    expect(await db.select().from(payments).where(eq(payments.accountId, acc.id))).toHaveLength(0);
    expect((await db.select().from(events).where(and(eq(events.subjectId, inv!.id), eq(events.type, "invoice.discount_taken"))))[0]!.data).toMatchObject({ discount: 20_00, paymentId: null });
  });

  it("refuse more credit than is left, a remainder below the card minimum, and credits on a pay link — changing nothing", async () => {
    const { acc, who } = await ownAccount();
    const [inv] = await data.invoices(acc, [{ total: 100_00 }]);
    const credit = await data.credit(acc, { amount: 99_80 });
    const over = (await startPayment(who, { accountId: acc.id, attemptId: attempt(), amounts: [{ invoiceId: inv!.id, amount: 100_00 }], savePaymentMethod: false, credits: [{ creditId: credit.id, amount: 99_90 }] })) as Problem;
    expect(over.message).toBe("That credit has USD 99.80 left to use.");
    const dust = (await startPayment(who, { accountId: acc.id, attemptId: attempt(), amounts: [{ invoiceId: inv!.id, amount: 100_00 }], savePaymentMethod: false, credits: [{ creditId: credit.id, amount: 99_80 }] })) as Problem;
    expect(dust.message).toBe("After your credit, USD 0.20 is left to pay, below the USD 0.50 a card or bank payment can be. Apply less credit or pay more.");
    const link = await data.payLink(acc, [inv!]);
    const page = await openPayLink(payLinkToken(link.id), "198.51.100.78");
    if (isProblem(page)) throw new Error(page.message);
    expect(isProblem(await startPayment(page.actor, { accountId: acc.id, attemptId: attempt(), amounts: [{ invoiceId: inv!.id, amount: 100_00 }], savePaymentMethod: false, credits: [{ creditId: credit.id, amount: 50_00 }] }))).toBe(true);
    expect(await invoice(inv!.id)).toMatchObject({ balance: 100_00, amountCredited: 0, amountPending: 0 });
    expect((await db.select().from(accountCredits).where(eq(accountCredits.id, credit.id)))[0]!.amountApplied).toBe(0);
    expect(await db.select().from(quotes).where(eq(quotes.accountId, acc.id))).toHaveLength(0);
  });
});
