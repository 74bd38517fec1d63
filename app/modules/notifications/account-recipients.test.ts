import { and, eq, like, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountContacts, type Account, type ContactRole, type NotificationKind } from "#db/schema/accounts";
import { auditLog } from "#db/schema/audit";
import { devEmails } from "#db/schema/mail";
import { payments } from "#db/schema/payments";
import { db } from "~/db.server";
import { systemActor } from "~/modules/auth/actor";
import { setClock } from "~/utils/clock";
import { addDays } from "~/utils/dates";
import { isProblem } from "~/utils/problem";
import { submitHostedCheckout } from "../../../test/hosted-checkout";
import { drainJobs, TEST_TODAY, testData } from "../../../test/helpers";
import { startTestStripe } from "../../../test/stripe";

// The emulator must be up before anything reads the configuration.
const stripeUnderTest = await startTestStripe();
const { accountRecipients, accountRecipientsFor } = await import("./account-recipients.server");
const { getNotificationSettings, saveNotificationPreferences } = await import("./notification-preferences.server");
const { setContactRole } = await import("./set-contact-role.server");
const { runReminders } = await import("~/modules/collections/run-reminders.server");
const { startPayment } = await import("~/modules/payments/start-payment.server");

let make: Awaited<ReturnType<typeof testData>>;
beforeAll(async () => {
  make = await testData();
});
afterAll(async () => {
  setClock(undefined);
  await stripeUnderTest.stop();
});

/** A contact of `account` with a role and preferences (the payer factory makes billing contacts who want everything). */
async function contact(account: Account, input: { role?: ContactRole; reminders?: "to" | "cc" | "none"; off?: NotificationKind[]; email?: string } = {}) {
  const { user } = await make.payer({ accounts: [account], ...(input.reminders ? { reminders: input.reminders } : {}), ...(input.email ? { email: input.email } : {}) });
  const notifications = Object.fromEntries((input.off ?? []).map((k) => [k, false]));
  await db
    .update(accountContacts)
    .set({ role: input.role ?? "billing", notifications })
    .where(and(eq(accountContacts.accountId, account.id), eq(accountContacts.userId, user.id)));
  return user;
}

const payerActor = (userId: string) => ({ kind: "payer" as const, userId, ip: null });

describe("who gets an email about an account", () => {
  it("addresses the billing email and billing contacts and copies the approvers and others, in one list each", async () => {
    const account = await make.account();
    const billingA = await contact(account);
    const billingB = await contact(account);
    const approver = await contact(account, { role: "approver" });
    const other = await contact(account, { role: "other" });
    const r = await accountRecipients(db, account.id, "disputes");
    expect(r.to).toEqual([account.billingEmail, billingA.email, billingB.email].sort());
    expect(r.cc).toEqual([approver.email, other.email].sort());
    // Several addressees: no one name to greet.
    expect(r.toName).toBeNull();
  });

  it("honours each contact's preferences, kind by kind", async () => {
    const account = await make.account({ billingEmail: null });
    const keen = await contact(account);
    const noReceipts = await contact(account, { off: ["receipts"] });
    const approverNoDisputes = await contact(account, { role: "approver", off: ["disputes"] });
    const receipts = await accountRecipients(db, account.id, "receipts");
    expect(receipts.to).toEqual([keen.email]);
    expect(receipts.toName).toBe(keen.name);
    expect(receipts.cc).toEqual([approverNoDisputes.email]);
    const disputes = await accountRecipients(db, account.id, "disputes");
    expect(disputes.to).toEqual([keen.email, noReceipts.email].sort());
    expect(disputes.cc).toEqual([]);
  });

  it("addresses the billing email (no person's preferences) even when every billing contact turned the email off", async () => {
    const account = await make.account();
    const optedOut = await contact(account, { off: ["invoices"] });
    const approver = await contact(account, { role: "approver" });
    const r = await accountRecipients(db, account.id, "invoices");
    expect(r.to).toEqual([account.billingEmail]);
    expect(r.cc).toEqual([approver.email]);
    expect(r.to).not.toContain(optedOut.email);
    // No contact at all: the billing email alone.
    const bare = await make.account();
    expect(await accountRecipients(db, bare.id, "reminders")).toEqual({ to: [bare.billingEmail], cc: [], toName: null });
  });

  it("does not use the billing email of a contact who turned that email off, and addresses the copied ones when nobody else is", async () => {
    const account = await make.account({ billingEmail: null });
    const approver = await contact(account, { role: "approver" });
    expect(await accountRecipients(db, account.id, "plans_autopay")).toMatchObject({ to: [approver.email], cc: [] });
    const shared = await make.account({ billingEmail: "ap-shared@customer.example" });
    await contact(shared, { email: `AP-Shared-${Date.now()}@customer.example`, off: ["reminders"] });
    await db.execute(sql`update accounts set billing_email = (select u.email from users u join account_contacts c on c.user_id = u.id where c.account_id = ${shared.id}) where id = ${shared.id}`);
    expect(await accountRecipients(db, shared.id, "reminders")).toEqual({ to: [], cc: [], toName: null });
  });

  it("keeps the AR team's reminder choice: CC stays CC, None gets none; an opener is addressed whatever their role", async () => {
    const account = await make.account({ billingEmail: null });
    const addressed = await contact(account);
    const copied = await contact(account, { reminders: "cc" });
    const none = await contact(account, { reminders: "none" });
    const approver = await contact(account, { role: "approver" });
    const r = await accountRecipients(db, account.id, "reminders");
    expect(r.to).toEqual([addressed.email]);
    expect(r.cc).toEqual([approver.email, copied.email].sort());
    expect([...r.to, ...r.cc]).not.toContain(none.email);
    // Outside reminders, "none" there is no opt-out: the contact's own preferences decide.
    expect((await accountRecipients(db, account.id, "disputes")).to).toContain(none.email);
    // The approver who opened a dispute is addressed on its updates.
    expect((await accountRecipients(db, account.id, "disputes", { alsoTo: [approver.id] })).to).toContain(approver.email);
    // Several accounts in one query give what one at a time does.
    const many = await accountRecipientsFor(db, [account.id], "reminders");
    expect(many.get(account.id)).toEqual(r);
  });
});

describe("a reminder run", () => {
  it("sends one email per account: its billing contact in To, the copied ones in CC, none to who turned reminders off", async () => {
    setClock(() => new Date(`${TEST_TODAY}T09:00:00Z`));
    const account = await make.account({ billingEmail: null });
    const billing = await contact(account);
    const quiet = await contact(account, { off: ["reminders"] });
    const approver = await contact(account, { role: "approver" });
    await make.invoices(account, [{ total: 200_00, dueInDays: 0 }, { total: 50_00, dueInDays: 0 }]);
    const run = await runReminders(systemActor("job", "run_reminders"), { on: TEST_TODAY });
    if (isProblem(run)) throw new Error(run.message);
    await drainJobs();
    const mail = await db.select().from(devEmails).where(like(devEmails.to, `%${billing.email}%`));
    expect(mail).toHaveLength(1);
    // The development mailbox records the envelope as "to; cc: copied".
    expect(mail[0]!.to).toBe(`${billing.email}; cc: ${approver.email}`);
    expect(mail[0]!.text).toContain("USD 250.00");
    expect(await db.select().from(devEmails).where(like(devEmails.to, `%${quiet.email}%`))).toHaveLength(0);
    setClock(undefined);
  });

  it("skips an account whose only billing contact turned reminders off and that has no billing email", async () => {
    setClock(() => new Date(`${addDays(TEST_TODAY, 1)}T09:00:00Z`));
    const account = await make.account({ billingEmail: null });
    await contact(account, { off: ["reminders"] });
    const [invoice] = await make.invoices(account, [{ total: 80_00, dueInDays: 0 }]);
    const run = await runReminders(systemActor("job", "run_reminders"), { on: addDays(TEST_TODAY, 1) });
    if (isProblem(run)) throw new Error(run.message);
    const [decision] = await db.execute<{ action: string; reason: string | null }>(sql`select action, reason from reminder_decisions where invoice_id = ${invoice!.id}`);
    expect(decision).toMatchObject({ action: "skip", reason: "no billing contact to email" });
    setClock(undefined);
  });
});

describe("a payer's own preferences", () => {
  it("shows the account's contacts and saves only the payer's own choices, audited", async () => {
    const account = await make.account();
    const pat = await contact(account);
    const approver = await contact(account, { role: "approver" });
    const before = await getNotificationSettings(payerActor(pat.id), account.id);
    if (isProblem(before)) throw new Error(before.message);
    expect(before.mine).toEqual({ invoices: true, reminders: true, receipts: true, disputes: true, plans_autopay: true });
    expect(before.contacts.find((c) => c.email === approver.email)).toMatchObject({ role: "approver", me: false });
    const saved = await saveNotificationPreferences(payerActor(pat.id), { accountId: account.id, wants: { invoices: true, reminders: false, receipts: true, disputes: true, plans_autopay: false } });
    expect(saved).toEqual({ changed: ["reminders", "plans_autopay"] });
    const after = await getNotificationSettings(payerActor(pat.id), account.id);
    expect(!isProblem(after) && after.mine.reminders).toBe(false);
    const [audit] = await db.select().from(auditLog).where(and(eq(auditLog.action, "contact.notifications_set"), eq(auditLog.subjectId, account.id)));
    expect(audit?.actorUserId).toBe(pat.id);
    // Another account's settings are not this payer's to read or write.
    const other = await make.account();
    expect(await getNotificationSettings(payerActor(pat.id), other.id)).toMatchObject({ kind: "not_found" });
    expect(await saveNotificationPreferences(payerActor(pat.id), { accountId: other.id, wants: before.mine })).toMatchObject({ kind: "not_found" });
  });

  it("staff set a contact's role (audited); a payer cannot", async () => {
    const account = await make.account();
    const pat = await contact(account);
    const staff = await make.staff("ar_agent");
    const actor = { kind: "staff" as const, userId: staff.id, role: "ar_agent" as const, ip: null };
    expect(await setContactRole(actor, { accountId: account.id, userId: pat.id, role: "approver" })).toEqual({ role: "approver", changed: true });
    expect(await setContactRole(actor, { accountId: account.id, userId: pat.id, role: "approver" })).toEqual({ role: "approver", changed: false });
    expect((await accountRecipients(db, account.id, "invoices")).to).toEqual([account.billingEmail]);
    expect(await setContactRole(payerActor(pat.id), { accountId: account.id, userId: pat.id, role: "billing" })).toMatchObject({ kind: "forbidden" });
    expect(await setContactRole(actor, { accountId: account.id, userId: staff.id, role: "billing" })).toMatchObject({ kind: "not_found" });
    const audits = await db.select().from(auditLog).where(and(eq(auditLog.action, "contact.role_set"), eq(auditLog.subjectId, account.id)));
    expect(audits).toHaveLength(1);
  });

  it("a payer who turned receipts off gets no receipt for their payment; one who did not gets theirs", async () => {
    const account = await make.account();
    const quiet = await contact(account, { off: ["receipts"] });
    const keen = await contact(account);
    const [a, b] = await make.invoices(account, [{ total: 120_00 }, { total: 130_00 }]);
    for (const [who, invoice] of [[quiet, a!], [keen, b!]] as const) {
      const started = await startPayment(payerActor(who.id), { accountId: account.id, attemptId: `attempt-${who.id}-abcdefghijkl`, amounts: [{ invoiceId: invoice.id, amount: invoice.balance }], savePaymentMethod: false });
      if (isProblem(started)) throw new Error(started.message);
      await submitHostedCheckout(started.checkoutUrl, { card: "4242424242424242" });
      const deadline = Date.now() + 10_000;
      while ((await db.select().from(payments).where(eq(payments.id, started.paymentId)))[0]!.status !== "succeeded") {
        if (Date.now() > deadline) throw new Error("the payment did not settle");
        await drainJobs();
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await drainJobs();
    const receipts = (email: string) => db.select().from(devEmails).where(sql`${devEmails.subject} like 'Payment received%' and ${devEmails.to} like ${`%${email}%`}`);
    expect(await receipts(quiet.email)).toHaveLength(0);
    expect(await receipts(keen.email)).toHaveLength(1);
  });
});
