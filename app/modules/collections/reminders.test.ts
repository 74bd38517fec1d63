import { and, eq, like, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { accountContacts, type Account } from "#db/schema/accounts";
import { collectionProfiles, collectionTasks, paymentPromises, reminderDecisions } from "#db/schema/collections";
import { events } from "#db/schema/events";
import { invoices, type Invoice } from "#db/schema/invoices";
import { devEmails } from "#db/schema/mail";
import { db } from "~/db.server";
import { systemActor, type StaffActor } from "~/modules/auth/actor";
import { setClock } from "~/utils/clock";
import { addDays, formatDate } from "~/utils/dates";
import { isProblem } from "~/utils/problem";
import { drainJobs, TEST_TODAY, testData } from "../../../test/helpers";

const { runReminders } = await import("./run-reminders.server");
const { reminderCalendar } = await import("./reminder-calendar.server");
const { createPromise } = await import("./create-promise.server");
const { payLinkIdFromToken } = await import("./pay-link-token.server");
const { reminderEmail } = await import("./reminder-email");

let make: Awaited<ReturnType<typeof testData>>;
let admin: StaffActor;
const job = systemActor("job", "run_reminders");

const moveTo = (date: string) => setClock(() => new Date(`${date}T09:00:00Z`));
const day = (n: number) => addDays(TEST_TODAY, n);

async function run(n: number) {
  moveTo(day(n));
  const result = await runReminders(job, { on: day(n) });
  if (isProblem(result)) throw new Error(result.message);
  return result;
}

/** Reminders sent to one account, by day: the offsets and invoice numbers of each. */
async function sentTo(account: Account) {
  const rows = await db
    .select({ runOn: reminderDecisions.runOn, offset: reminderDecisions.offsetDays, number: invoices.number, channel: reminderDecisions.channel, amountDue: reminderDecisions.amountDue })
    .from(reminderDecisions)
    .innerJoin(invoices, eq(invoices.id, reminderDecisions.invoiceId))
    .where(and(eq(reminderDecisions.accountId, account.id), eq(reminderDecisions.action, "send")))
    .orderBy(reminderDecisions.runOn, invoices.number);
  return rows;
}

async function skipsOf(invoice: Invoice) {
  return db.select({ runOn: reminderDecisions.runOn, offset: reminderDecisions.offsetDays, reason: reminderDecisions.reason, amountDue: reminderDecisions.amountDue }).from(reminderDecisions).where(and(eq(reminderDecisions.invoiceId, invoice.id), eq(reminderDecisions.action, "skip")));
}

async function emailsTo(account: Account) {
  return db.select().from(devEmails).where(like(devEmails.to, `%${account.billingEmail!}%`)).orderBy(devEmails.createdAt);
}

beforeAll(async () => {
  moveTo(TEST_TODAY);
  make = await testData();
  admin = { kind: "staff", userId: (await make.staff("ar_admin")).id, role: "ar_admin", ip: null };
});
beforeEach(() => moveTo(TEST_TODAY));
afterAll(() => setClock(undefined));

describe("the default cadence", () => {
  it("sends one grouped email per account per step over 60 days, with one pay link for exactly its invoices", async () => {
    const account = await make.account();
    const cc = await make.payer({ accounts: [account] });
    await db.update(accountContacts).set({ reminders: "cc" }).where(eq(accountContacts.userId, cc.user.id));
    const [a, b] = await make.invoices(account, [
      { total: 400_00, dueInDays: 5, number: `A-${account.number}` },
      { total: 250_00, dueInDays: 12, number: `B-${account.number}` },
    ]);
    for (let n = 0; n <= 60; n++) await run(n);
    await drainJobs();

    const sent = await sentTo(account);
    // A (due day 5): −3 on day 2, 0 on 5, +7 on 12, +14 on 19, +30 on 35.
    // B (due day 12): −3 on 9, 0 on 12, +7 on 19, +14 on 26, +30 on 42.
    expect(sent.filter((s) => s.number === a!.number).map((s) => [s.runOn, s.offset])).toEqual([[day(2), -3], [day(5), 0], [day(12), 7], [day(19), 14], [day(35), 30]]);
    expect(sent.filter((s) => s.number === b!.number).map((s) => [s.runOn, s.offset])).toEqual([[day(9), -3], [day(12), 0], [day(19), 7], [day(26), 14], [day(42), 30]]);

    const emails = await emailsTo(account);
    expect(emails).toHaveLength(8); // days 2, 5, 9, 12, 19, 26, 35, 42: A and B share days 12 and 19
    const day12 = emails[3]!;
    expect(day12.text).toContain(a!.number);
    expect(day12.text).toContain(b!.number);
    expect(day12.text).toContain("Total due: USD 650.00");
    expect(day12.to).toContain(`cc: ${cc.user.email}`);
    // The grouped email speaks with the most advanced step's template (+7: "Past due").
    expect(day12.subject).toBe(`Past due: USD 650.00 for ${account.name}`);

    const token = /\/pay-link\/([^\s"<]+)/.exec(day12.text)![1]!;
    const linkId = payLinkIdFromToken(token);
    expect(linkId).not.toBeNull();
    const [link] = await db.execute<{ invoice_ids: string[]; account_id: string }>(sql`select invoice_ids, account_id from pay_links where id = ${linkId}`);
    expect(link!.account_id).toBe(account.id);
    expect([...link!.invoice_ids].sort()).toEqual([a!.id, b!.id].sort());

    const sentEvents = await db.select().from(events).where(and(eq(events.type, "reminder.sent"), eq(events.accountId, account.id)));
    expect(sentEvents).toHaveLength(8);
  });

  it("sends nothing twice: a rerun the same day, and a new invoice after the day's email, wait", async () => {
    const account = await make.account();
    await make.invoice(account, { dueInDays: 0 });
    await run(0);
    const again = await run(0);
    expect(again.sent).toBe(0);
    await make.invoice(account, { dueInDays: 0 });
    const third = await run(0);
    expect((await sentTo(account)).length).toBe(1); // the second invoice waits for tomorrow
    expect(third.emails).toBe(0);
    await run(1);
    expect((await sentTo(account)).map((s) => s.runOn)).toEqual([day(0), day(1)]);
  });

  it("a sender job retried after some emails went sends only the ones that did not", async () => {
    const [first, second] = [await make.account(), await make.account()];
    await make.invoice(first, { dueInDays: 0 });
    await make.invoice(second, { dueInDays: 0 });
    await run(0);
    const { sendReminderEmail, sendReminderEmails } = await import("./send-reminder-email.server");
    // The first email went before the job failed; the retry sends the second alone.
    expect(await sendReminderEmail({ accountId: first.id, runOn: day(0) })).toBe("sent");
    expect(await sendReminderEmails({ runOn: day(0), accountIds: [first.id, second.id] })).toEqual({ sent: 1, skipped: 1 });
    await drainJobs(); // the run's own job: both already sent
    expect(await emailsTo(first)).toHaveLength(1);
    expect(await emailsTo(second)).toHaveLength(1);
  });

  it("after a 3-day outage sends only the latest step that fell due, once", async () => {
    const account = await make.account();
    const [invoice] = await make.invoices(account, [{ dueInDays: 5 }]);
    await run(0);
    await run(1); // nothing due yet (−3 falls on day 2)
    // Days 2, 3 and 4: the worker is down. Day 5: step 0 fell due, −3 is behind it.
    await run(5);
    await run(5);
    await drainJobs();
    expect((await sentTo(account)).map((s) => [s.runOn, s.offset])).toEqual([[day(5), 0]]);
    expect(await emailsTo(account)).toHaveLength(1);
    expect((await skipsOf(invoice!)).map((s) => [s.offset, s.reason])).toEqual([[-3, "superseded by step 0"]]);
  });
});

describe("early-payment offers in reminders", () => {
  it("shows the offer for an invoice inside its discount window, and none once it has ended", async () => {
    const account = await make.account();
    // 2/30 net 30, issued 25 days ago: the discount can be earned until day 5, the due date.
    const inv = await make.invoice(account, { total: 400_00, dueInDays: 5, issuedDaysAgo: 25, number: `EPD-${account.number}` });
    await db.update(invoices).set({ netDays: 30, discountBps: 200, discountDays: 30 }).where(eq(invoices.id, inv.id));
    for (let n = 0; n <= 12; n++) {
      await run(n);
      await drainJobs();
    }
    const emails = await emailsTo(account);
    expect(emails.map((e) => e.subject)).toHaveLength(3); // −3 on day 2, 0 on day 5, +7 on day 12
    const offer = `Pay USD 392.00 by ${formatDate(day(5))} and save USD 8.00 on invoice ${inv.number}.`;
    expect(emails[0]!.text).toContain(offer);
    expect(emails[0]!.html).toContain(offer);
    expect(emails[1]!.text).toContain(offer); // the window's last day is inside it
    expect(emails[2]!.text).not.toContain("and save");
  });

  it("fills {{discount_offer}} with each invoice's offer, and with nothing when there is none", () => {
    const facts = {
      to: "ap@example.test",
      company: "Acme",
      accountName: "Globex",
      currency: "USD",
      subject: "Save {{discount_offer}}",
      body: "Reminder. {{discount_offer}}",
      payUrl: "https://portal.example/pay-link/x",
      payLinkExpiresOn: "2026-12-31",
      portalUrl: "https://portal.example",
    };
    const withOffer = reminderEmail({
      ...facts,
      lines: [
        { number: "INV-1", dueDate: "2026-12-20", daysLate: -5, amountDue: 1_000_00, amountOnHold: 0, offer: { until: "2026-12-16", payInFull: 980_00, saves: 20_00 } },
        { number: "INV-2", dueDate: "2026-12-20", daysLate: -5, amountDue: 50_00, amountOnHold: 0, offer: null },
      ],
    });
    expect(withOffer.text).toContain("Reminder. Pay USD 980.00 by Dec 16, 2026 and save USD 20.00 on invoice INV-1.");
    expect(withOffer.text).not.toContain("INV-2.");
    const without = reminderEmail({ ...facts, lines: [{ number: "INV-2", dueDate: "2026-12-20", daysLate: -5, amountDue: 50_00, amountOnHold: 0 }] });
    expect(without.subject).toBe("Save ");
    expect(without.text).not.toContain("{{discount_offer}}");
    expect(without.text).not.toContain("and save");
  });
});

describe("what is skipped", () => {
  it("skips a fully disputed invoice and chases the undisputed rest of a partly disputed one", async () => {
    const account = await make.account();
    const [whole, part] = await make.invoices(account, [{ total: 300_00, dueInDays: 0 }, { total: 500_00, dueInDays: 0 }]);
    await make.dispute(whole!, { amount: 300_00 });
    await make.dispute(part!, { amount: 120_00 });
    await run(0);
    await drainJobs();
    expect((await sentTo(account)).map((s) => [s.number, s.amountDue])).toEqual([[part!.number, 380_00]]);
    expect((await skipsOf(whole!)).map((s) => s.reason)).toEqual(["held in an open dispute"]);
    const [email] = await emailsTo(account);
    expect(email!.text).toContain(`USD 120.00 of invoice ${part!.number} is on hold while your dispute is open`);
    expect(email!.text).not.toContain(whole!.number);
  });

  it("pauses for a payment plan, a payment processing and an account on hold, and says why", async () => {
    const account = await make.account();
    const [onPlan, processing, plain] = await make.invoices(account, [{ dueInDays: 0 }, { dueInDays: 0 }, { dueInDays: 0 }]);
    await db.update(invoices).set({ paymentPlanId: "pln_test" }).where(eq(invoices.id, onPlan!.id));
    await db.update(invoices).set({ amountPending: 100_00 }).where(eq(invoices.id, processing!.id));
    await run(0);
    expect((await sentTo(account)).map((s) => s.number)).toEqual([plain!.number]);
    expect((await skipsOf(onPlan!)).map((s) => s.reason)).toEqual(["on a payment plan"]);
    expect((await skipsOf(processing!)).map((s) => s.reason)).toEqual(["payment processing"]);

    const held = await make.account();
    const [h] = await make.invoices(held, [{ dueInDays: 0 }]);
    await db.insert(collectionProfiles).values({ accountId: held.id, onHold: true, holdReason: "bankruptcy filing" });
    await run(0);
    await run(1);
    expect(await sentTo(held)).toEqual([]);
    // Logged once, not every day.
    expect((await skipsOf(h!)).map((s) => s.reason)).toEqual(["account on hold: bankruptcy filing"]);
  });

  it("pauses for a promise until its date + grace days; broken, the collector is told and reminders resume the next day", async () => {
    const collector = await make.staff("ar_agent");
    const account = await make.account();
    await db.insert(collectionProfiles).values({ accountId: account.id, collectorId: collector.id });
    const [invoice] = await make.invoices(account, [{ total: 900_00, dueInDays: -1 }]);
    await run(0); // step 0 was yesterday: sent today (the latest that fell due)
    moveTo(day(1));
    const promise = await createPromise(admin, { accountId: account.id, invoiceIds: [invoice!.id], amount: 900_00, promisedFor: day(10) });
    expect(isProblem(promise)).toBe(false);
    // +7 falls on day 6, +14 on day 13: paused until day 12 (10 + 2 grace days); on day 13 the
    // promise is broken and the latest step due (+14) goes, +7 is not sent late.
    for (let n = 1; n <= 12; n++) await run(n);
    expect((await sentTo(account)).map((s) => s.offset)).toEqual([0]);
    expect((await skipsOf(invoice!)).map((s) => s.reason)).toEqual(["superseded by step 0", `promise to pay until ${day(10)}`]);

    const day13 = await run(13);
    expect(day13.promisesBroken).toBeGreaterThanOrEqual(1);
    const [row] = await db.select().from(paymentPromises).where(eq(paymentPromises.accountId, account.id));
    expect(row!.status).toBe("broken");
    expect((await sentTo(account)).map((s) => [s.runOn, s.offset])).toEqual([[day(0), 0], [day(13), 14]]);
    const [task] = await db.select().from(collectionTasks).where(eq(collectionTasks.accountId, account.id));
    expect(task).toMatchObject({ kind: "broken_promise", assigneeId: collector.id, dueOn: day(13), status: "open" });
    await drainJobs();
    const [notice] = await db.select().from(devEmails).where(eq(devEmails.to, collector.email));
    expect(notice!.subject).toContain(`${account.name} broke its promise to pay USD 900.00`);
    const types = (await db.select({ type: events.type }).from(events).where(eq(events.accountId, account.id))).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["promise.created", "promise.broken", "collection_task.created", "reminder.sent"]));
    // Running again creates no second task and no second email.
    await run(13);
    expect(await db.select().from(collectionTasks).where(eq(collectionTasks.accountId, account.id))).toHaveLength(1);
  });

  it("marks a promise kept when the promised amount is paid by its date", async () => {
    const account = await make.account();
    const [invoice] = await make.invoices(account, [{ total: 500_00, dueInDays: -3 }]);
    moveTo(day(0));
    const made = await createPromise(admin, { accountId: account.id, invoiceIds: [invoice!.id], amount: 200_00, promisedFor: day(5) });
    if (isProblem(made)) throw new Error(made.message);
    await db.update(invoices).set({ amountPaid: 200_00 }).where(eq(invoices.id, invoice!.id));
    await run(4);
    const [row] = await db.select().from(paymentPromises).where(eq(paymentPromises.id, made.promiseId));
    expect(row!.status).toBe("kept");
    expect(await db.select().from(events).where(and(eq(events.type, "promise.kept"), eq(events.subjectId, made.promiseId)))).toHaveLength(1);
  });
});

describe("call steps and the calendar", () => {
  it("a call step makes one dated task for the collector instead of an email", async () => {
    const collector = await make.staff("ar_agent");
    const account = await make.account();
    await db.insert(collectionProfiles).values({ accountId: account.id, collectorId: collector.id, cadenceId: "cad_firm" });
    await make.invoices(account, [{ total: 700_00, dueInDays: -7 }]);
    await run(0);
    await run(0);
    const tasks = await db.select().from(collectionTasks).where(and(eq(collectionTasks.accountId, account.id), eq(collectionTasks.kind, "call")));
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ assigneeId: collector.id, dueOn: day(0), title: `Call ${account.name} about USD 700.00 past due` });
    expect((await sentTo(account)).map((s) => s.channel)).toEqual(["call"]);
  });

  it("agrees with what the engine then sends, day by day", async () => {
    const account = await make.account();
    const [x, y, z] = await make.invoices(account, [{ dueInDays: 2 }, { dueInDays: 9 }, { dueInDays: -20 }]);
    await make.dispute(y!, { amount: 100_00 }); // fully disputed: skipped
    const calendar = await reminderCalendar(admin, { accountId: account.id, from: day(0), to: day(45) });
    if (isProblem(calendar)) throw new Error(calendar.message);
    for (let n = 0; n <= 45; n++) await run(n);
    const order = (a: (string | number)[], b: (string | number)[]) => a.join("|").localeCompare(b.join("|"));
    const planned = calendar.filter((e) => e.action === "send").flatMap((e) => e.invoices.map((i) => [e.date, e.step, i.number])).sort(order);
    const actual = (await sentTo(account)).map((s) => [s.runOn, s.offset, s.number]).sort(order);
    expect(planned).toEqual(actual);
    expect(actual.length).toBeGreaterThan(5);
    expect(calendar.find((e) => e.action === "skip" && e.invoices.some((i) => i.number === y!.number))?.reason).toBe("held in an open dispute");
    void x;
    void z;
  });

  it("refuses callers without the scope and bad ranges", async () => {
    const account = await make.account();
    const key = { kind: "api_key" as const, keyId: "k", name: "k", scopes: ["invoices:read" as const], ip: null };
    expect(await reminderCalendar(key, { accountId: account.id, from: day(0), to: day(5) })).toMatchObject({ kind: "forbidden" });
    expect(await reminderCalendar(admin, { accountId: account.id, from: day(5), to: day(0) })).toMatchObject({ kind: "invalid" });
    expect(await reminderCalendar(admin, { accountId: "acc_nope", from: day(0), to: day(5) })).toMatchObject({ kind: "not_found" });
  });
});


