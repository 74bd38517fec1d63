import { expect, type Page } from "@playwright/test";
import { today } from "~/utils/clock";
import { addDays } from "~/utils/dates";
import { e2e } from "./support/config";
import { data, mailFor, sql, test, waitForMail } from "./support/fixtures";

// Autopay follows the portal's clock, moved through /dev/clock: this spec runs in its own project,
// after the reminders (playwright.config.ts). "Run autopay" runs every enrolled account:
// only this spec enrols any, and it reads only its own payer's mail.
test.describe.configure({ mode: "serial" });

async function runAutopayOn(page: Page, date: string) {
  await page.goto("/dev/clock");
  await page.getByLabel("Set date").fill(date);
  await page.getByRole("button", { name: "Set and run" }).click();
  await expect(page.getByTestId("clock-today")).toHaveText(date);
  await page.getByRole("button", { name: "Run autopay" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Autopay ran for ${date}` })).toBeVisible();
}

test.afterEach(async ({ page }) => {
  await page.goto("/dev/clock");
  await page.getByRole("button", { name: "Back to the real date" }).click();
  await expect(page.getByTestId("clock-today")).toHaveText(today());
});

test("a payer enrols with a saved card; an invoice falling due is announced, then charged once on its day; one above the limit is not charged and the payer is reminded", async ({ page, signInAs }) => {
  const { user, accounts } = await data.payer();
  const account = accounts[0]!;
  await signInAs(user);

  // A card saved on an ordinary payment.
  const [first] = await data.invoices(account, [{ total: 20_00, dueInDays: 30 }]);
  await page.goto(`/pay?invoice=${first!.id}`);
  await page.getByLabel("Save the card or bank account I enter with Stripe for next time").check();
  await page.getByRole("button", { name: "Continue to secure payment" }).click();
  await expect(page).toHaveURL(new RegExp(`^${e2e.stripeUrl}/checkout/`));
  await page.getByLabel("Card", { exact: true }).check();
  await page.getByLabel("Card number").fill("4242424242424242");
  await page.getByLabel("Expiration date").fill("12 / 34");
  await page.getByLabel("Security code").fill("123");
  await page.getByLabel("Name on card").fill("Olivia Ortiz");
  await page.getByRole("button", { name: /^Pay/ }).click();
  await expect(page.getByText("Paid — thank you")).toBeVisible({ timeout: 15_000 });

  await page.goto("/autopay");
  await page.getByLabel(/Visa •••• 4242/).check();
  await page.getByLabel(/Most one charge may be/).fill("1000.00");
  await page.getByLabel("On the due date").check();
  await page.getByRole("button", { name: "Turn on autopay" }).click();
  await expect(page.getByText("Tick the box to authorize the charges.")).toBeVisible();
  await page.getByLabel(/I authorize/).check();
  await page.getByRole("button", { name: "Turn on autopay" }).click();
  await expect(page.getByText("Autopay is on. We will tell you each amount and date before we charge.")).toBeVisible();
  await expect(page.getByTestId("autopay-status")).toHaveText("on");

  const start = today();
  const [due] = await data.invoices(account, [{ total: 250_00, dueInDays: 10 }]);
  const dueDate = addDays(start, 10);
  const mailBefore = (await mailFor(user.email)).length;
  await runAutopayOn(page, addDays(dueDate, -3));
  const notice = await waitForMail(user.email, mailBefore);
  expect(notice.subject).toMatch(/^Autopay: USD 250\.00 will be charged on /);
  expect(notice.text).toContain(`${due!.number}: USD 250.00`);

  await runAutopayOn(page, dueDate);
  await runAutopayOn(page, dueDate);
  const [row] = await sql<{ status: string; balance: number }[]>`select status, balance::int from invoices where id = ${due!.id}`;
  expect(row).toEqual({ status: "paid", balance: 0 });
  const [allocations] = await sql<{ count: number }[]>`select count(*)::int from payment_allocations where invoice_id = ${due!.id}`;
  expect(allocations!.count).toBe(1);
  await page.goto("/autopay");
  await expect(page.getByTestId("autopay-charge").first()).toContainText("Paid");

  const [big] = await data.invoices(account, [{ total: 1_500_00, dueInDays: 12 }]);
  const before = (await mailFor(user.email)).length;
  await runAutopayOn(page, addDays(start, 9));
  const reminder = await waitForMail(user.email, before);
  expect(reminder.subject).toBe("Autopay will not charge USD 1,500.00: above your limit");
  await runAutopayOn(page, addDays(start, 12));
  const [bigRow] = await sql<{ status: string }[]>`select status from invoices where id = ${big!.id}`;
  expect(bigRow!.status).toBe("open");
});
