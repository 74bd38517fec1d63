import { expect, type Page } from "@playwright/test";
import { today } from "~/utils/clock";
import { addDays, formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { e2e } from "./support/config";
import { data, mailFor, sql, tag, test, waitForJobs, waitForMail } from "./support/fixtures";

// The reminder run follows the portal's clock, moved here through /dev/clock: this spec runs in
// its own project, after every other that reads dates and before the hardening one (see
// playwright.config.ts). Pressing "Run reminders now" reminds every account in the database, so
// the spec reads only the mail addressed to its own account.

async function setClock(page: Page, date: string) {
  await page.goto("/dev/clock");
  await page.getByLabel("Set date").fill(date);
  await page.getByRole("button", { name: "Set and run" }).click();
  await expect(page.getByTestId("clock-today")).toHaveText(date);
}

async function runReminders(page: Page, date: string) {
  await page.getByRole("button", { name: "Run reminders now" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Reminders ran for ${date}` })).toBeVisible();
}

test.afterEach(async ({ page }) => {
  await page.goto("/dev/clock");
  await page.getByRole("button", { name: "Back to the real date" }).click();
  await expect(page.getByTestId("clock-today")).toHaveText(today());
});

test("the daily run emails an account once, through SMTP: its invoices at a step, the disputed part on hold, its CC and one pay link; the next step sends the next one", async ({ page }) => {
  const start = today();
  const account = await data.account();
  const billing = account.billingEmail!;
  const { user: payer } = await data.payer({ accounts: [account] });
  const { user: copied } = await data.payer({ accounts: [account], reminders: "cc" });
  const { user: silent } = await data.payer({ accounts: [account], reminders: "none" });
  const [soon, late, dueToday, notYet] = await data.invoices(account, [
    { total: 250_00, dueInDays: 3 }, // reaches the −3 step today
    { total: 500_00, dueInDays: -7 }, // reaches +7 today; 120.00 of it disputed
    { total: 75_50, dueInDays: 0 }, // reaches the due-date step today
    { total: 900_00, dueInDays: 20 }, // no step yet
  ]);
  const paid = await data.invoice(account, { total: 300_00, dueInDays: -7, status: "paid" });
  await data.dispute(late!, { amount: 120_00 });
  const usd = (minor: number) => formatMoney(minor, "USD");
  const line = (invoice: typeof soon, when: string, amount: number) => `Invoice ${invoice!.number}, due ${formatDate(invoice!.dueDate)}, ${when}: ${usd(amount)}`;

  await setClock(page, start);
  await runReminders(page, start);
  const first = await waitForMail(billing, 0);

  // One email for the account: to its billing address and the payer contact, the chosen contact in CC.
  expect([...first.to].sort()).toEqual([billing, payer.email].sort());
  expect(first.cc).toEqual([copied.email]);
  expect([...first.to, ...first.cc]).not.toContain(silent.email);
  // The most advanced step (+7) speaks for the email.
  expect(first.subject).toBe(`Past due: ${usd(705_50)} for ${account.name}`);
  // The invoices at a step, by due date, with what is asked for: the disputed 120.00 is not.
  expect(first.text).toContain([line(late, "7 days late", 380_00), line(dueToday, "due today", 75_50), line(soon, "due in 3 days", 250_00)].join("\n"));
  expect(first.text).toContain(`Total due: ${usd(705_50)}`);
  expect(first.text).toContain(`${usd(120_00)} of invoice ${late!.number} is on hold while your dispute is open; it is not included above.`);
  expect(first.text).not.toContain(notYet!.number);
  expect(first.text).not.toContain(paid.number);
  expect(first.html).toContain(late!.number);

  // One pay link, for exactly the invoices the email names.
  const payUrl = /Pay now: (\S+)/.exec(first.text)?.[1] ?? "";
  expect(payUrl).toMatch(new RegExp(`^${e2e.appUrl}/pay-link/[\\w.-]+$`));
  expect(first.html).toContain(payUrl);
  const links = await sql<{ invoice_ids: string[] }[]>`select invoice_ids from pay_links where account_id = ${account.id}`;
  expect(links).toHaveLength(1);
  expect([...links[0]!.invoice_ids].sort()).toEqual([soon!.id, late!.id, dueToday!.id].sort());

  // Running again the same day sends nothing more.
  await runReminders(page, start);
  await waitForJobs({ task: "send_reminder_emails" });
  expect(await mailFor(billing)).toHaveLength(1);
  expect(await mailFor(payer.email)).toHaveLength(1);

  // Three days on, the invoice that was due in 3 days reaches its due date: that one alone.
  const next = addDays(start, 3);
  await setClock(page, next);
  await runReminders(page, next);
  const second = await waitForMail(billing, 1);
  expect(second.subject).toBe(`Due today: ${usd(250_00)} to ${e2e.companyName}`);
  expect(second.cc).toEqual([copied.email]);
  expect(second.text).toContain(line(soon, "due today", 250_00));
  expect(second.text).toContain(`Total due: ${usd(250_00)}`);
  for (const other of [late!, dueToday!, notYet!]) expect(second.text).not.toContain(other.number);
  expect(second.text).not.toContain("on hold");
  expect(/Pay now: (\S+)/.exec(second.text)?.[1]).not.toBe(payUrl);
  await waitForJobs({ task: "send_reminder_emails" });
  expect(await mailFor(billing)).toHaveLength(2);
});

test("a reminder's pay link pays its invoices signed out, and the collector's worklist and the account's timeline show the reminder, the skip and the payment", async ({ page, browser, signInAs }) => {
  const start = today();
  const t = tag();
  const collector = await data.staff("ar_agent", { name: `Collector ${t}` });
  const account = await data.account({ name: `Journey ${t}` });
  await sql`insert into collection_profiles (account_id, collector_id) values (${account.id}, ${collector.id})`;
  const [late, held] = await data.invoices(account, [
    { total: 640_00, dueInDays: -14 }, // reaches +14 today: the second notice
    { total: 90_00, dueInDays: -14 }, // wholly disputed: skipped, and said why
  ]);
  await data.dispute(held!, { amount: 90_00 });
  const usd = (minor: number) => formatMoney(minor, "USD");

  // The collector sees the account on their worklist before anything is sent.
  await signInAs(collector);
  await page.goto("/admin/collections");
  await page.getByLabel("Collector").selectOption("mine");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByTestId("worklist-row").filter({ hasText: account.name })).toContainText("14 days late");

  await setClock(page, start);
  await runReminders(page, start);
  const mail = await waitForMail(account.billingEmail!, 0);
  expect(mail.subject).toBe(`Second notice: ${usd(640_00)} past due for ${account.name}`);
  expect(mail.text).not.toContain(held!.number);
  const payUrl = /Pay now: (\S+)/.exec(mail.text)?.[1] ?? "";
  expect(payUrl).toContain("/pay-link/");

  // Whoever reads the email pays from the link, signed out.
  const visitor = await browser.newContext();
  const link = await visitor.newPage();
  await link.goto(payUrl);
  await expect(link.getByTestId("pay-link-account")).toHaveText(account.name);
  await expect(link.getByText(held!.number)).toHaveCount(0);
  await link.getByRole("button", { name: `Pay ${usd(640_00)}` }).click();
  await expect(link).toHaveURL(new RegExp(`^${e2e.stripeUrl}/checkout/`));
  await link.getByLabel("Card", { exact: true }).check();
  await link.getByLabel("Card number").fill("4242424242424242");
  await link.getByLabel("Expiration date").fill("12 / 34");
  await link.getByLabel("Security code").fill("123");
  await link.getByLabel("Name on card").fill("Accounts Payable");
  await link.getByRole("button", { name: /^Pay/ }).click();
  await expect(link.getByText("Paid — thank you")).toBeVisible({ timeout: 15_000 });
  await visitor.close();

  // The account's timeline tells the story in order: the reminder, the skip and why, the payment.
  await page.goto(`/admin/customers/${account.id}`);
  const timeline = page.getByTestId("timeline-entry");
  await expect(timeline.filter({ hasText: `Sent step +14 for ${late!.number}` })).toContainText(`${usd(640_00)} asked for`);
  await expect(timeline.filter({ hasText: `Skipped ${held!.number}: held in an open dispute` })).toHaveCount(1);
  await expect(timeline.filter({ hasText: `Payment of ${usd(640_00)}` })).toHaveCount(1);
  // A rerun the same day sends nothing more.
  await page.goto("/dev/clock");
  await runReminders(page, start);
  await waitForJobs({ task: "send_reminder_emails" });
  // The billing address got the reminder and the receipt of the link's payment, nothing else.
  expect((await mailFor(account.billingEmail!)).map((m) => m.subject)).toEqual([mail.subject, `Payment received: ${usd(640_00)}`]);
});
