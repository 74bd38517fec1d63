import { and, desc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "#db/schema/audit";
import { collectionProfiles, collectionTasks, paymentPromises, reminderDecisions, segments } from "#db/schema/collections";
import { events } from "#db/schema/events";
import { db } from "~/db.server";
import type { PayerActor, StaffActor } from "~/modules/auth/actor";
import { today } from "~/utils/clock";
import { addDays, formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { isProblem, type Problem } from "~/utils/problem";
import { testData } from "../../../test/helpers";
import { addAccountNote } from "./add-account-note.server";
import { completeTask } from "./complete-task.server";
import { createFollowUpTask } from "./create-task.server";
import { getAccountFacts } from "./get-account-facts.server";
import { getAccountTimeline } from "./get-account-timeline.server";
import { getCollectionProfile } from "./get-collection-profile.server";
import { getWorklist, worklistQuery } from "./get-worklist.server";
import { listOpenTasks } from "./list-tasks.server";
import { openPromisesFor } from "./list-promises.server";
import { createPromiseFromForm, promiseOptions } from "./promise-options.server";
import { setCollectionProfile, type CollectionProfileInput } from "./set-collection-profile.server";

let make: Awaited<ReturnType<typeof testData>>;
let me: StaffActor;
let colleague: StaffActor;
const ok = <T>(value: T | Problem): T => {
  if (isProblem(value)) throw new Error(`${value.kind}: ${value.message}`);
  return value;
};
const staffActor = (user: { id: string }): StaffActor => ({ kind: "staff", userId: user.id, role: "ar_agent", ip: null });
const profile = (accountId: string, input: Partial<CollectionProfileInput>): CollectionProfileInput => ({ accountId, segment: null, cadenceId: null, collectorId: null, onHold: false, holdReason: null, ...input });

beforeAll(async () => {
  make = await testData();
  me = staffActor(await make.staff());
  colleague = staffActor(await make.staff());
});

describe("the worklist", () => {
  it("ranks by overdue amount × days late, lifts accounts with tasks due, broken promises or disputes waiting, and filters by collector and segment", async () => {
    const segment = `Ranking ${Date.now()}`;
    const [big, small, calls, broken, disputed, quiet] = await Promise.all([1, 2, 3, 4, 5, 6].map(() => make.account()));
    // $5,000 60 days late = 300,000 dollar-days; $200 10 days late = 2,000.
    await make.invoice(big!, { total: 5_000_00, dueInDays: -60 });
    await make.invoice(small!, { total: 200_00, dueInDays: -10 });
    // Nothing overdue, but a call due today and one overdue since yesterday.
    await make.collectionTask(calls!, { dueInDays: 0 });
    await make.collectionTask(calls!, { dueInDays: -1 });
    await make.collectionTask(calls!, { dueInDays: 3 }); // not due yet: not counted
    const promised = await make.invoice(broken!, { total: 300_00, dueInDays: -5 });
    await make.promise(broken!, [promised], { status: "broken", promisedFor: addDays(today(), -3), createdDaysAgo: 10 });
    const held = await make.invoice(disputed!, { total: 400_00, dueInDays: 10 });
    await make.dispute(held, { status: "in_review" });
    // Waiting on the customer: not the AR team's move, and nothing overdue.
    const waiting = await make.invoice(quiet!, { total: 400_00, dueInDays: 10 });
    await make.dispute(waiting, { status: "waiting_on_customer" });
    for (const a of [big!, small!, calls!, broken!, disputed!, quiet!]) ok(await setCollectionProfile(me, profile(a.id, { segment, collectorId: a === big || a === calls ? me.userId : a === small ? colleague.userId : null })));

    const list = ok(await getWorklist(me, worklistQuery.parse({ segment })));
    expect(list.rows.map((r) => r.accountId)).toEqual([big!.id, broken!.id, calls!.id, disputed!.id, small!.id]);
    const row = (id: string) => list.rows.find((r) => r.accountId === id)!;
    expect(row(big!.id)).toMatchObject({ overdue: [{ currency: "USD", amount: 5_000_00 }], oldestDaysLate: 60, tasksDue: 0, collectorName: expect.any(String), segment });
    expect(row(calls!.id)).toMatchObject({ tasksDue: 2, overdue: [] });
    expect(row(broken!.id)).toMatchObject({ brokenPromises: 1, oldestDaysLate: 5 });
    expect(row(disputed!.id)).toMatchObject({ disputesWaiting: 1 });
    expect(list.total).toBe(5);

    const mine = ok(await getWorklist(me, worklistQuery.parse({ segment, collector: "mine" })));
    expect(mine.rows.map((r) => r.accountId)).toEqual([big!.id, calls!.id]);
    const theirs = ok(await getWorklist(colleague, worklistQuery.parse({ segment, collector: "mine" })));
    expect(theirs.rows.map((r) => r.accountId)).toEqual([small!.id]);
    const unassigned = ok(await getWorklist(me, worklistQuery.parse({ segment, collector: "none" })));
    expect(unassigned.rows.map((r) => r.accountId)).toEqual([broken!.id, disputed!.id]);

    // A new promise after the broken one takes the account off for that reason.
    const again = await make.invoice(broken!, { total: 50_00, dueInDays: 5 });
    await make.promise(broken!, [again]);
    const after = ok(await getWorklist(me, worklistQuery.parse({ segment })));
    expect(after.rows.find((r) => r.accountId === broken!.id)?.brokenPromises).toBe(0);

    const payer: PayerActor = { kind: "payer", userId: (await make.payer({ accounts: [big!] })).user.id, ip: null };
    expect(isProblem(await getWorklist(payer, worklistQuery.parse({})))).toBe(true);
  });

  it("pages past the end still know the total", async () => {
    const segment = `Paging ${Date.now()}`;
    const account = await make.account();
    await make.invoice(account, { total: 10_00, dueInDays: -3 });
    ok(await setCollectionProfile(me, profile(account.id, { segment })));
    const page2 = ok(await getWorklist(me, worklistQuery.parse({ segment, page: "2" })));
    expect(page2).toMatchObject({ rows: [], total: 1, pageCount: 1 });
  });
});

describe("tasks", () => {
  it("completes a task with an outcome and a note, writing the event and the audit row once", async () => {
    const account = await make.account();
    const task = await make.collectionTask(account, { assignee: { id: me.userId } as never });
    expect(ok(await listOpenTasks(me, { accountId: account.id })).map((t) => t.id)).toEqual([task.id]);

    const done = ok(await completeTask(me, { taskId: task.id, outcome: "left_message", note: "Voicemail for Dana in AP." }));
    expect(done).toEqual({ taskId: task.id, accountId: account.id, outcome: "left_message" });
    const [row] = await db.select().from(collectionTasks).where(eq(collectionTasks.id, task.id));
    expect(row).toMatchObject({ status: "done", outcome: "left_message", note: "Voicemail for Dana in AP.", completedByUserId: me.userId });
    expect(row!.completedAt).toBeInstanceOf(Date);
    const [event] = await db.select().from(events).where(and(eq(events.type, "collection_task.completed"), eq(events.subjectId, task.id)));
    expect(event).toMatchObject({ accountId: account.id, data: expect.objectContaining({ outcome: "left_message", note: "Voicemail for Dana in AP.", kind: "call" }) });
    expect(await db.select().from(auditLog).where(and(eq(auditLog.action, "collection_task.completed"), eq(auditLog.subjectId, task.id)))).toHaveLength(1);
    expect(ok(await listOpenTasks(me, { accountId: account.id }))).toEqual([]);

    const twice = await completeTask(me, { taskId: task.id, outcome: "reached" });
    expect(isProblem(twice) && twice.kind).toBe("conflict");
    expect(await db.select().from(events).where(and(eq(events.type, "collection_task.completed"), eq(events.subjectId, task.id)))).toHaveLength(1);
    const badOutcome = await completeTask(me, { taskId: task.id, outcome: "shouted" as never });
    expect(isProblem(badOutcome) && badOutcome.fields).toEqual({ outcome: "Choose what came of it." });
  });

  it("adds a follow-up for the account's collector unless told, and refuses a date in the past", async () => {
    const account = await make.account();
    ok(await setCollectionProfile(me, profile(account.id, { collectorId: colleague.userId })));
    const { taskId } = ok(await createFollowUpTask(me, { accountId: account.id, dueOn: addDays(today(), 2), title: "Check the cheque arrived" }));
    const [task] = await db.select().from(collectionTasks).where(eq(collectionTasks.id, taskId));
    expect(task).toMatchObject({ kind: "follow_up", assigneeId: colleague.userId, status: "open", title: "Check the cheque arrived", dueOn: addDays(today(), 2) });
    const [event] = await db.select().from(events).where(and(eq(events.type, "collection_task.created"), eq(events.subjectId, taskId)));
    expect(event?.data).toMatchObject({ kind: "follow_up", due_on: addDays(today(), 2), assignee_id: colleague.userId });

    const past = await createFollowUpTask(me, { accountId: account.id, dueOn: addDays(today(), -1) });
    expect(isProblem(past) && past.fields).toEqual({ dueOn: "The date can't be in the past." });
  });
});

describe("the collection profile", () => {
  it("upserts segment, cadence, collector and hold; a typed segment is created once whatever its case; audited", async () => {
    const account = await make.account();
    const name = `Slow payers ${Date.now()}`;
    ok(await setCollectionProfile(me, profile(account.id, { segment: name, collectorId: me.userId })));
    ok(await setCollectionProfile(me, profile(account.id, { segment: name.toUpperCase(), collectorId: me.userId, onHold: true, holdReason: "Bankruptcy filing" })));
    // Saving it again as it is writes nothing.
    expect(ok(await setCollectionProfile(me, profile(account.id, { segment: name, collectorId: me.userId, onHold: true, holdReason: "Bankruptcy filing" }))).changed).toBe(false);
    expect(ok(await setCollectionProfile(me, profile((await make.account()).id, {}))).changed).toBe(false);
    expect(await db.select().from(segments).where(eq(segments.name, name))).toHaveLength(1);
    const [row] = await db.select().from(collectionProfiles).where(eq(collectionProfiles.accountId, account.id));
    expect(row).toMatchObject({ segment: name, collectorId: me.userId, onHold: true, holdReason: "Bankruptcy filing" });
    const audits = await db.select().from(auditLog).where(and(eq(auditLog.action, "collection_profile.updated"), eq(auditLog.subjectId, account.id))).orderBy(desc(auditLog.createdAt));
    expect(audits).toHaveLength(2);
    expect(audits[0]!.data).toMatchObject({ before: { onHold: false }, after: { onHold: true, holdReason: "Bankruptcy filing" } });

    const view = ok(await getCollectionProfile(me, account.id));
    expect(view.profile).toMatchObject({ segment: name, onHold: true });
    // No cadence of its own, a new segment without one: the default applies, and says so.
    expect(view.applied).toMatchObject({ source: "default", name: "Standard" });
    const firm = view.cadences.find((c) => c.name === "Firm")!;
    ok(await setCollectionProfile(me, profile(account.id, { segment: name, cadenceId: firm.id })));
    expect(ok(await getCollectionProfile(me, account.id)).applied).toEqual({ id: firm.id, name: "Firm", source: "account" });

    const noReason = await setCollectionProfile(me, profile(account.id, { onHold: true }));
    expect(isProblem(noReason) && Object.keys(noReason.fields)).toEqual(["holdReason"]);
    const notStaff = await setCollectionProfile(me, profile(account.id, { collectorId: (await make.payer()).user.id }));
    expect(isProblem(notStaff) && notStaff.fields).toEqual({ collectorId: "Choose a member of the AR team." });
  });
});

describe("account facts", () => {
  it("computes average days late over the last 12 months of paid invoices, balances, disputes and the promise-kept rate", async () => {
    const account = await make.account();
    await make.paidInvoice(account, { paidDaysAfterDue: 5 });
    await make.paidInvoice(account, { paidDaysAfterDue: 15, dueDaysAgo: 90 });
    // Paid early counts as on time (0), and more than a year ago does not count.
    await make.paidInvoice(account, { paidDaysAfterDue: -4, dueDaysAgo: 30 });
    await make.paidInvoice(account, { paidDaysAfterDue: 100, dueDaysAgo: 600 });
    const open = await make.invoice(account, { total: 300_00, dueInDays: -10 });
    await make.invoice(account, { total: 200_00, dueInDays: 10 });
    await make.dispute(open, { status: "open" });
    const kept = await make.invoice(account, { total: 10_00, status: "paid" });
    for (const status of ["kept", "kept", "kept", "broken"] as const) await make.promise(account, [kept], { status });

    const facts = ok(await getAccountFacts(me, account.id));
    expect(facts.averageDaysLate).toBe(6.7); // (5 + 15 + 0) / 3, to one decimal
    expect(facts.paidInvoices12m).toBe(3);
    expect(facts.balances).toMatchObject([{ currency: "USD", openBalance: 500_00, overdueBalance: 300_00 }]);
    expect(facts.disputes12m).toBe(1);
    expect(facts).toMatchObject({ promisesKept: 3, promisesBroken: 1, promiseKeptRate: 0.75 });
  });

  it("averages two invoices paid 5 and 15 days late to 10", async () => {
    const account = await make.account();
    await make.paidInvoice(account, { paidDaysAfterDue: 5 });
    await make.paidInvoice(account, { paidDaysAfterDue: 15 });
    expect(ok(await getAccountFacts(me, account.id))).toMatchObject({ averageDaysLate: 10, paidInvoices12m: 2, promiseKeptRate: null, disputes12m: 0 });
    expect(ok(await getAccountFacts(me, (await make.account()).id)).averageDaysLate).toBeNull();
  });
});

describe("promises from the forms", () => {
  it("a payer's promise defaults to the total due, shows as a badge to that payer only, and the invoice leaves the options", async () => {
    const account = await make.account();
    const { user } = await make.payer({ accounts: [account] });
    const payer: PayerActor = { kind: "payer", userId: user.id, ip: null };
    const other: PayerActor = { kind: "payer", userId: (await make.payer()).user.id, ip: null };
    const [a, b] = await make.invoices(account, [{ total: 120_00, dueInDays: -12 }, { total: 80_00, dueInDays: 5 }]);
    const options = await promiseOptions(payer, account.id);
    expect(options.invoices.map((i) => [i.id, i.overdue])).toEqual([
      [a!.id, true],
      [b!.id, false],
    ]);
    expect(options.latest).toBe(addDays(today(), 30));

    const day = addDays(today(), 10);
    const { promiseId } = ok(await createPromiseFromForm(payer, { accountId: account.id, invoiceIds: [a!.id, b!.id], amount: "", promisedFor: day }));
    const [row] = await db.select().from(paymentPromises).where(eq(paymentPromises.id, promiseId));
    expect(row).toMatchObject({ amount: 200_00, promisedFor: day, source: "portal", status: "open" });
    expect(await openPromisesFor(payer, [a!.id, b!.id])).toEqual({ [a!.id]: { promisedFor: day, amount: 200_00, currency: "USD" }, [b!.id]: { promisedFor: day, amount: 200_00, currency: "USD" } });
    expect(await openPromisesFor(other, [a!.id])).toEqual({});
    expect((await promiseOptions(payer, account.id)).invoices).toEqual([]);
    expect(await promiseOptions(other, account.id)).toMatchObject({ invoices: [] });

    const typo = await createPromiseFromForm(payer, { accountId: account.id, invoiceIds: [a!.id], amount: "12,5.0.0", promisedFor: day });
    expect(isProblem(typo) && typo.fields).toEqual({ amount: "Enter the amount you will pay, like 125.00." });
  });
});

describe("the timeline", () => {
  it("shows invoices, reminder decisions, tasks, notes and promises newest first, and pages with 'show older'", async () => {
    const account = await make.account();
    const invoice = await make.invoice(account, { total: 250_00, dueInDays: -8, issuedDaysAgo: 38 });
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
    await db.insert(reminderDecisions).values([
      { accountId: account.id, invoiceId: invoice.id, offsetDays: 7, channel: "email", runOn: addDays(today(), -1), action: "send", reason: "sent step +7", amountDue: 250_00, createdAt: minutesAgo(60) },
      { accountId: account.id, invoiceId: invoice.id, offsetDays: 14, channel: "email", runOn: today(), action: "skip", reason: `promise to pay until ${addDays(today(), 5)}`, amountDue: 250_00, createdAt: minutesAgo(30) },
    ]);
    const task = await make.collectionTask(account, { title: "Call about step +7" });
    await db.update(collectionTasks).set({ createdAt: minutesAgo(50) }).where(eq(collectionTasks.id, task.id));
    ok(await completeTask(me, { taskId: task.id, outcome: "promised", note: "Will pay next week." }));
    ok(await createPromiseFromForm(me, { accountId: account.id, invoiceIds: [invoice.id], amount: "100.00", promisedFor: addDays(today(), 5), note: "On the phone" }));
    ok(await addAccountNote(me, { accountId: account.id, body: "AP runs cheques on Fridays." }));

    const { entries, olderBefore } = ok(await getAccountTimeline(me, { accountId: account.id }));
    expect(olderBefore).toBeNull();
    const titles = entries.map((e) => e.title);
    expect(titles).toEqual([
      "Note",
      `Promise to pay ${formatMoney(100_00, "USD")} by ${formatDate(addDays(today(), 5))}`,
      "Call done: Promised to pay",
      `Skipped ${invoice.number}: promise to pay until ${addDays(today(), 5)}`,
      "Call task: Call about step +7",
      `Sent step +7 for ${invoice.number}`,
      `Invoice ${invoice.number} issued`,
    ]);
    expect(entries[0]).toMatchObject({ kind: "note", detail: "AP runs cheques on Fridays.", by: expect.any(String) });
    expect(entries[2]).toMatchObject({ kind: "task", detail: "Call about step +7 — Will pay next week." });
    expect(entries[1]!.detail).toContain(invoice.number);
    for (let i = 1; i < entries.length; i++) expect(entries[i - 1]!.at >= entries[i]!.at).toBe(true);
  });

  it("shows payments, disputes and how promises ended, with links to them", async () => {
    const account = await make.account();
    const paid = await make.paidInvoice(account, { total: 75_00, paidDaysAfterDue: 3, dueDaysAgo: 20 });
    const open = await make.invoice(account, { total: 500_00, dueInDays: -2 });
    const dispute = await make.dispute(open, { amount: 40_00, reason: "damaged_goods" });
    await make.promise(account, [open], { status: "broken", amount: 200_00, promisedFor: addDays(today(), -4), createdDaysAgo: 9 });
    const { entries } = ok(await getAccountTimeline(me, { accountId: account.id }));
    const find = (title: string) => entries.find((e) => e.title.startsWith(title));
    expect(find(`Payment of ${formatMoney(75_00, "USD")}`)).toMatchObject({ kind: "payment", tone: "good", href: expect.stringMatching(/^\/admin\/payments\/pay_/) });
    expect(find(`Dispute opened on ${open.number}`)).toMatchObject({ kind: "dispute", href: `/admin/disputes/${dispute.id}`, detail: `${formatMoney(40_00, "USD")} · Damaged goods` });
    expect(find(`Promise broken: ${formatMoney(200_00, "USD")} by ${formatDate(addDays(today(), -4))}`)).toMatchObject({ kind: "promise", tone: "bad" });
    expect(find(`Promise to pay ${formatMoney(200_00, "USD")}`)?.detail).toContain(open.number);
    expect(find(`Invoice ${paid.number} issued`)).toMatchObject({ href: `/admin/invoices/${paid.id}` });
  });

  it("is bounded: the latest 100, then older ones from where it stopped", async () => {
    const account = await make.account();
    await make.invoices(
      account,
      Array.from({ length: 130 }, (_, i) => ({ total: 10_00, issuedDaysAgo: 200 - i, dueInDays: 30 - 200 + i })),
    );
    const first = ok(await getAccountTimeline(me, { accountId: account.id }));
    expect(first.entries).toHaveLength(100);
    expect(first.olderBefore).not.toBeNull();
    const second = ok(await getAccountTimeline(me, { accountId: account.id, before: first.olderBefore }));
    expect(second.entries).toHaveLength(30);
    expect(second.olderBefore).toBeNull();
    expect(new Set([...first.entries, ...second.entries].map((e) => e.key)).size).toBe(130);
  });
});

// Last in the file: the daily run goes over every account of this database.
describe("with the daily run", () => {
  it("shows what the engine did: its call task on the worklist, its decisions and the task on the timeline", async () => {
    const { runReminders } = await import("./run-reminders.server");
    const { systemActor } = await import("~/modules/auth/actor");
    const segment = `Engine ${Date.now()}`;
    const account = await make.account();
    const [late, promised] = await make.invoices(account, [{ total: 640_00, dueInDays: -8 }, { total: 90_00, dueInDays: -8 }]);
    const firm = ok(await getCollectionProfile(me, account.id)).cadences.find((c) => c.name === "Firm")!;
    ok(await setCollectionProfile(me, profile(account.id, { segment, cadenceId: firm.id, collectorId: me.userId })));
    ok(await createPromiseFromForm(me, { accountId: account.id, invoiceIds: [promised!.id], amount: "", promisedFor: addDays(today(), 5) }));

    const run = await runReminders(systemActor("job", "run_reminders"), { on: today() });
    expect(isProblem(run)).toBe(false);

    const list = ok(await getWorklist(me, worklistQuery.parse({ segment, collector: "mine" })));
    expect(list.rows).toMatchObject([{ accountId: account.id, tasksDue: 1, oldestDaysLate: 8 }]);
    const [task] = ok(await listOpenTasks(me, { accountId: account.id }));
    expect(task).toMatchObject({ kind: "call", assigneeId: me.userId, due: true });

    const titles = ok(await getAccountTimeline(me, { accountId: account.id })).entries.map((e) => e.title);
    expect(titles).toContain(`Call task for step +7 for ${late!.number}`);
    expect(titles).toContain(`Skipped ${promised!.number}: promise to pay until ${addDays(today(), 5)}`);
    expect(titles).toContain(`Call task: ${task!.title}`);
  });
});
