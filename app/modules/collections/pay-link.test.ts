/**
 * Pay by link: a reminder's link opens without signing in and reaches exactly the invoices it
 * names, of its one account — tampered, expired, revoked and paid links are refused, another
 * invoice posted to its pay action is not found, its payment goes through Checkout back to the
 * link's page (bank accounts verified instantly), and every open is recorded.
 */
import { and, eq, like, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "#db/schema/audit";
import { paymentPromises, payLinks, promiseInvoices } from "#db/schema/collections";
import { invoices } from "#db/schema/invoices";
import { devEmails } from "#db/schema/mail";
import { paymentAllocations, payments } from "#db/schema/payments";
import { db } from "~/db.server";
import { systemActor } from "~/modules/auth/actor";
import { setClock } from "~/utils/clock";
import { isProblem, type Problem } from "~/utils/problem";
import { drainJobs, testData } from "../../../test/helpers";
import { submitHostedCheckout } from "../../../test/hosted-checkout";
import { startTestStripe } from "../../../test/stripe";

// The emulator must be up before anything reads the configuration.
const stripeUnderTest = await startTestStripe();
const { payLinkToken } = await import("./pay-link-token.server");
const { openPayLink } = await import("./open-pay-link.server");
const { payLinkAccess, payLinkLimits } = await import("./pay-link-access.server");
const { payByLink } = await import("./pay-link-pay.server");
const { payLinkPayment } = await import("./pay-link-payment.server");
const { promiseByLink } = await import("./pay-link-promise.server");
const { revokePayLink } = await import("./revoke-pay-link.server");
const { listPayLinks } = await import("./list-pay-links.server");
const { startPayment } = await import("~/modules/payments/start-payment.server");
const { cancelPayment } = await import("~/modules/payments/cancel-payment.server");
const { stripe } = await import("~/modules/stripe/client.server");
const { env } = await import("~/env.server");

let data: Awaited<ReturnType<typeof testData>>;
beforeAll(async () => {
  data = await testData();
});
afterAll(() => stripeUnderTest.stop());
afterEach(() => setClock(undefined));

let ipCounter = 0;
/** A fresh client address per call, so the per-IP limit only bites where a test means it to. */
const ip = () => `198.51.100.${++ipCounter % 250}`;

/** An account with a billing contact, three invoices, and a link naming the first two. */
async function linkedAccount(options: { expiresInDays?: number; revoked?: boolean } = {}) {
  const account = await data.account();
  const { user } = await data.payer({ accounts: [account] });
  const [first, second, notOnLink] = await data.invoices(account, [{ total: 120_00, dueInDays: -10 }, { total: 80_00, dueInDays: 5 }, { total: 55_00 }]);
  const link = await data.payLink(account, [first!, second!], options);
  return { account, contact: user, first: first!, second: second!, notOnLink: notOnLink!, link, token: payLinkToken(link.id) };
}

async function open(token: string, from = ip()) {
  const page = await openPayLink(token, from);
  if (isProblem(page)) throw new Error(`refused: ${page.message}`);
  return page;
}

function refusedWith(result: unknown, kind: Problem["kind"], code?: string): Problem {
  expect(isProblem(result), "a refusal").toBe(true);
  const problem = result as Problem;
  expect(problem.kind).toBe(kind);
  if (code) expect(problem.code).toBe(code);
  return problem;
}

const attempt = () => `attempt-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;

describe("a link that does not open", () => {
  it("refuses a tampered or made-up token before reading anything", async () => {
    const { link, token } = await linkedAccount();
    const mac = token.slice(token.indexOf(".") + 1);
    const flipped = `${link.id}.${mac[0] === "A" ? "B" : "A"}${mac.slice(1)}`;
    for (const bad of [flipped, link.id, `${link.id}.`, "", "not-a-token", `pl_${"0".repeat(26)}.${mac}`, `${token}x`]) {
      refusedWith(await openPayLink(bad, ip()), "not_found", "invalid");
    }
    // A valid MAC over an id that has no row (never made, or deleted) is refused the same way.
    refusedWith(await openPayLink(payLinkToken(`pl_${"1".repeat(26)}`), ip()), "not_found", "invalid");
    const [row] = await db.select().from(payLinks).where(eq(payLinks.id, link.id));
    expect(row!.openCount).toBe(0);
  });

  it("refuses an expired link, a revoked one (naming who withdrew it) and one whose invoices are all paid or void", async () => {
    const expired = await linkedAccount({ expiresInDays: -1 });
    expect(refusedWith(await openPayLink(expired.token, ip()), "conflict", "expired").message).toMatch(/^This payment link has expired/);

    const revoked = await linkedAccount({ revoked: true });
    expect(refusedWith(await openPayLink(revoked.token, ip()), "conflict", "revoked").message).toContain(`withdrawn by ${env().COMPANY_NAME}`);

    const settled = await linkedAccount();
    await db.update(invoices).set({ status: "paid", amountPaid: settled.first.total }).where(eq(invoices.id, settled.first.id));
    await db.update(invoices).set({ status: "void" }).where(eq(invoices.id, settled.second.id));
    expect(refusedWith(await openPayLink(settled.token, ip()), "conflict", "paid").message).toBe("These invoices are already paid — thank you. Sign in to see your account.");
    // The account still has an open invoice, but not on this link: it is not the link's business.
    expect((await db.select().from(invoices).where(eq(invoices.id, settled.notOnLink.id)))[0]!.status).toBe("open");
  });

  it("expires on the portal's clock", async () => {
    const { token } = await linkedAccount({ expiresInDays: 2 });
    await open(token);
    setClock(() => new Date(Date.now() + 3 * 86_400_000));
    refusedWith(await openPayLink(token, ip()), "conflict", "expired");
  });
});

describe("opening a link", () => {
  it("shows only the link's invoices, with what is due now and why the rest is on hold", async () => {
    const { account, first, second, notOnLink, token } = await linkedAccount();
    await data.dispute(first, { amount: 20_00 });
    const page = await open(token);
    expect(page.accountName).toBe(account.name);
    expect(page.actor).toMatchObject({ kind: "pay_link", accountId: account.id });
    expect(page.invoices.map((i) => i.id).sort()).toEqual([first.id, second.id].sort());
    expect(page.invoices.some((i) => i.id === notOnLink.id)).toBe(false);
    const disputed = page.invoices.find((i) => i.id === first.id)!;
    expect(disputed).toMatchObject({ balance: 120_00, amountDisputed: 20_00, amountPending: 0, dueNow: 100_00 });
    // Nothing else of the account: the page's data has no contacts, payments, saved methods or account number.
    expect(Object.keys(page).sort()).toEqual(["accountName", "actor", "companyName", "expiresAt", "invoices", "promiseEarliest", "promiseLatest", "quoteBasis"]);
    expect(JSON.stringify(page)).not.toContain(account.number);
  });

  it("records each visit on the link and in the audit log, not every reload", async () => {
    const { link, token } = await linkedAccount();
    await open(token, "203.0.113.77");
    await open(token, "203.0.113.77");
    let [row] = await db.select().from(payLinks).where(eq(payLinks.id, link.id));
    expect(row!.openCount).toBe(1);
    expect(row!.lastOpenedAt).not.toBeNull();
    const audits = await db.select().from(auditLog).where(and(eq(auditLog.action, "pay_link.opened"), eq(auditLog.subjectId, link.id)));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorUserId: null, ip: "203.0.113.77", subjectType: "pay_link" });

    setClock(() => new Date(Date.now() + 11 * 60_000));
    await open(token);
    [row] = await db.select().from(payLinks).where(eq(payLinks.id, link.id));
    expect(row!.openCount).toBe(2);
    expect(await db.select().from(auditLog).where(and(eq(auditLog.action, "pay_link.opened"), eq(auditLog.subjectId, link.id)))).toHaveLength(2);
  });

  it("is rate-limited per IP, then per link, with when to try again", async () => {
    const { token } = await linkedAccount();
    const from = "192.0.2.200";
    for (let i = 0; i < payLinkLimits.perIp.limit; i++) expect(isProblem(await payLinkAccess(token, from))).toBe(false);
    const byIp = refusedWith(await openPayLink(token, from), "rate_limited");
    expect(byIp.retryAfterSeconds).toBeGreaterThan(0);
    expect(byIp.retryAfterSeconds).toBeLessThanOrEqual(payLinkLimits.perIp.windowSeconds);
    // Even a tampered token counts against the address (no fast guessing).
    refusedWith(await openPayLink("pl_x.y", from), "rate_limited");

    const other = await linkedAccount();
    for (let i = 0; i < payLinkLimits.perLink.limit; i++) expect(isProblem(await payLinkAccess(other.token, `10.9.${Math.floor(i / 100)}.${i % 100}`))).toBe(false);
    const byLink = refusedWith(await openPayLink(other.token, ip()), "rate_limited");
    expect(byLink.message).toMatch(/opened too often/);
  });
});

describe("paying through a link", () => {
  it("refuses another account's invoice and an invoice of the same account the link does not name", async () => {
    const { notOnLink, token, first } = await linkedAccount();
    const stranger = await data.account();
    const strangersInvoice = await data.invoice(stranger, { total: 42_00 });
    const { actor } = await open(token);
    const before = await db.select({ n: sql<number>`count(*)::int` }).from(payments);

    for (const ids of [[strangersInvoice.id], [notOnLink.id], [first.id, strangersInvoice.id], [first.id, notOnLink.id]]) {
      refusedWith(await payByLink(actor, { attemptId: attempt(), invoiceIds: ids }), "not_found");
    }
    // startPayment itself holds the line too, amounts and all, whatever a caller hands it.
    const direct = await startPayment(actor, { accountId: actor.accountId, attemptId: attempt(), amounts: [{ invoiceId: strangersInvoice.id, amount: 42_00 }], savePaymentMethod: false });
    expect((direct as Problem).message).toMatch(/could not be found/);
    refusedWith(await startPayment({ ...actor, accountId: stranger.id }, { accountId: stranger.id, attemptId: attempt(), amounts: [{ invoiceId: strangersInvoice.id, amount: 42_00 }], savePaymentMethod: false }), "invalid");
    refusedWith(await startPayment(actor, { accountId: actor.accountId, attemptId: attempt(), amounts: [{ invoiceId: first.id, amount: 1_00 }], savePaymentMethod: true }), "invalid");

    expect(await db.select({ n: sql<number>`count(*)::int` }).from(payments)).toEqual(before);
    expect((await db.select().from(invoices).where(eq(invoices.id, strangersInvoice.id)))[0]!.amountPending).toBe(0);
  });

  it("pays exactly the ticked invoices' amounts due now by card, back to the link's page, receipt to the billing contacts", async () => {
    const { contact, first, second, notOnLink, token, link } = await linkedAccount();
    await data.dispute(first, { amount: 20_00 });
    const { actor } = await open(token);
    const started = await payByLink(actor, { attemptId: attempt(), invoiceIds: [first.id, second.id] });
    if (isProblem(started)) throw new Error(started.message);

    const [payment] = await db.select().from(payments).where(eq(payments.id, started.paymentId));
    expect(payment).toMatchObject({ createdByUserId: null, amount: 100_00 + 80_00, savePaymentMethod: false });
    const allocations = await db.select().from(paymentAllocations).where(eq(paymentAllocations.paymentId, started.paymentId));
    expect(allocations.map((a) => [a.invoiceId, a.amount]).sort()).toEqual([[first.id, 100_00], [second.id, 80_00]].sort());

    const session = await stripe().checkout.sessions.retrieve(payment!.stripeCheckoutSessionId!);
    const page = `${env().APP_URL}/pay-link/${token}?payment=${started.paymentId}`;
    expect(session.success_url).toBe(`${page}&returned=1`);
    expect(session.cancel_url).toMatch(new RegExp(`^${page.replace(/[.?]/g, "\\$&")}&canceled=`));
    // A bank debit through a link must be verified at once (Financial Connections), never by microdeposits.
    expect(session.payment_method_options?.us_bank_account?.verification_method).toBe("instant");

    // The same form sent twice finds the payment it already made.
    const again = await payByLink(actor, { attemptId: payment!.clientAttemptId!.split(":").at(-1)!, invoiceIds: [first.id, second.id] });
    expect(again).toMatchObject({ paymentId: started.paymentId });

    await submitHostedCheckout(started.checkoutUrl, { card: "4242424242424242" });
    const deadline = Date.now() + 10_000;
    while ((await db.select().from(payments).where(eq(payments.id, started.paymentId)))[0]!.status !== "succeeded") {
      if (Date.now() > deadline) throw new Error("the payment did not settle");
      await drainJobs();
      await new Promise((r) => setTimeout(r, 50));
    }
    await drainJobs();

    const rows = await db.select().from(invoices).where(sql`${invoices.id} in (${first.id}, ${second.id}, ${notOnLink.id})`);
    expect(rows.find((r) => r.id === second.id)).toMatchObject({ status: "paid", balance: 0 });
    expect(rows.find((r) => r.id === first.id)).toMatchObject({ status: "open", balance: 20_00, amountDisputed: 20_00, amountPending: 0 });
    expect(rows.find((r) => r.id === notOnLink.id)).toMatchObject({ status: "open", amountPaid: 0 });

    // The account's one email: its billing email and billing contacts (issue 17).
    const receipts = await db.select().from(devEmails).where(sql`${devEmails.subject} like 'Payment received%' and ${devEmails.to} like ${`%${contact.email}%`}`);
    expect(receipts).toHaveLength(1);

    // Back on the link's page: the payment's outcome, and only this link's payments are readable there.
    const shown = await payLinkPayment(actor, { paymentId: started.paymentId });
    expect(shown).toMatchObject({ status: "succeeded", amount: 180_00, methodLabel: "Visa •••• 4242" });
    const otherLink = await data.payLink((await data.account()), []);
    expect(await payLinkPayment({ ...actor, payLinkId: otherLink.id }, { paymentId: started.paymentId })).toBeNull();
    // Only the disputed part is left: the link still opens, with nothing due now on it.
    const after = await open(token);
    expect(after.invoices.find((i) => i.id === first.id)).toMatchObject({ dueNow: 0, amountDisputed: 20_00 });
    expect((await db.select().from(payLinks).where(eq(payLinks.id, link.id)))[0]!.openCount).toBe(1);
  });

  it("cancels only its own payment left open in Checkout", async () => {
    const { first, second, contact, token } = await linkedAccount();
    const { actor } = await open(token);
    const started = await payByLink(actor, { attemptId: attempt(), invoiceIds: [first.id] });
    if (isProblem(started)) throw new Error(started.message);
    const other = await linkedAccount();
    const { actor: otherActor } = await open(other.token);
    refusedWith(await cancelPayment(otherActor, { paymentId: started.paymentId }), "not_found");
    expect((await db.select().from(payments).where(eq(payments.id, started.paymentId)))[0]!.status).toBe("pending");
    // A payment the account's payer made in the portal is not the link's either.
    const portal = await startPayment({ kind: "payer", userId: contact.id, ip: null }, { accountId: actor.accountId, attemptId: attempt(), amounts: [{ invoiceId: second.id, amount: 10_00 }], savePaymentMethod: false });
    if (isProblem(portal)) throw new Error(portal.message);
    refusedWith(await cancelPayment(actor, { paymentId: portal.paymentId }), "not_found");
    expect(await payLinkPayment(actor, { paymentId: portal.paymentId })).toBeNull();
    expect(await cancelPayment(actor, { paymentId: started.paymentId })).toEqual({ status: "canceled", declined: null });
    expect((await db.select().from(invoices).where(eq(invoices.id, first.id)))[0]!.amountPending).toBe(0);
  });
});

describe("promising through a link", () => {
  it("records a promise on the link's open invoices only, from the link", async () => {
    const { first, second, notOnLink, token, link } = await linkedAccount();
    const { actor, promiseLatest } = await open(token);
    refusedWith(await promiseByLink(actor, { amount: 50_00, promisedFor: "2000-01-01" }), "invalid");
    const made = await promiseByLink(actor, { amount: 50_00, promisedFor: promiseLatest });
    if (isProblem(made)) throw new Error(made.message);
    const [promise] = await db.select().from(paymentPromises).where(eq(paymentPromises.id, made.promiseId));
    expect(promise).toMatchObject({ source: "pay_link", payLinkId: link.id, amount: 50_00, createdByUserId: null });
    const covered = await db.select().from(promiseInvoices).where(eq(promiseInvoices.promiseId, made.promiseId));
    expect(covered.map((c) => c.invoiceId).sort()).toEqual([first.id, second.id].sort());
    expect(covered.some((c) => c.invoiceId === notOnLink.id)).toBe(false);
  });
});

describe("staff revoking a link", () => {
  it("revokes (audited), after which the link refuses; payers and links cannot; the panel lists it", async () => {
    const { account, contact, token, link } = await linkedAccount();
    const agent = await data.staff();
    await open(token);
    const staffActor = { kind: "staff" as const, userId: agent.id, role: "ar_agent" as const, ip: "203.0.113.5" };
    expect(await listPayLinks(staffActor, { accountId: account.id })).toEqual([expect.objectContaining({ id: link.id, status: "active", openCount: 1 })]);

    refusedWith(await revokePayLink({ kind: "payer", userId: contact.id, ip: null }, { payLinkId: link.id }), "not_found");
    const { actor } = await open(token);
    refusedWith(await revokePayLink(actor, { payLinkId: link.id }), "not_found");

    expect(await revokePayLink(staffActor, { payLinkId: link.id })).toEqual({ payLinkId: link.id, accountId: account.id });
    refusedWith(await revokePayLink(staffActor, { payLinkId: link.id }), "conflict");
    refusedWith(await revokePayLink(staffActor, { payLinkId: "pl_nope" }), "not_found");
    const [audit] = await db.select().from(auditLog).where(and(eq(auditLog.action, "pay_link.revoked"), eq(auditLog.subjectId, link.id)));
    expect(audit).toMatchObject({ actorUserId: agent.id, ip: "203.0.113.5" });

    refusedWith(await openPayLink(token, ip()), "conflict", "revoked");
    // A form already on the holder's screen is refused too: every action checks the link again.
    refusedWith(await payLinkAccess(token, ip()), "conflict", "revoked");
    expect(await listPayLinks(staffActor, { accountId: account.id })).toEqual([expect.objectContaining({ id: link.id, status: "revoked" })]);
    refusedWith(await listPayLinks({ kind: "payer", userId: contact.id, ip: null }, { accountId: account.id }), "forbidden");
  });
});

describe("the link a reminder carries", () => {
  it("opens the page of exactly the invoices the reminder email named", async () => {
    const { runReminders } = await import("./run-reminders.server");
    const account = await data.account();
    await data.payer({ accounts: [account] });
    // Due in 3 days: the default cadence's −3 step is today. The other is not reminded today.
    const [due, notYet] = await data.invoices(account, [{ total: 310_00, dueInDays: 3 }, { total: 90_00, dueInDays: 25 }]);
    const run = await runReminders(systemActor("job", "run_reminders"));
    if (isProblem(run)) throw new Error(run.message);
    await drainJobs();
    const [email] = await db.select().from(devEmails).where(like(devEmails.to, `%${account.billingEmail!}%`));
    const token = /\/pay-link\/([^\s"<>]+)/.exec(email!.text)![1]!;

    const page = await open(token);
    expect(page.accountName).toBe(account.name);
    expect(page.invoices.map((i) => [i.id, i.dueNow])).toEqual([[due!.id, 310_00]]);
    expect(page.invoices.some((i) => i.id === notYet!.id)).toBe(false);
  });
});
