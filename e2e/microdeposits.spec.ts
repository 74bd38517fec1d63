import { expect, type Page } from "@playwright/test";
import { e2e } from "./support/config";
import { data, expectAccessible, mailFor, sql, test, waitForMail } from "./support/fixtures";

// A bank account verified by microdeposits (issue 17): Checkout completes unverified, the payer
// confirms the two deposits on the payment page, and the debit goes ahead — or, after 3 wrong
// tries, the payment fails cleanly.
test.describe.configure({ mode: "serial" });

let payer: Awaited<ReturnType<typeof data.payer>>;

test.beforeEach(async ({ signInAs }) => {
  payer = await data.payer();
  await signInAs(payer.user);
});

async function invoiceRow(id: string) {
  const [row] = await sql<{ status: string; balance: number; amount_pending: number }[]>`select status, balance::int, amount_pending::int from invoices where id = ${id}`;
  return row!;
}

/** Pays one new invoice by bank on the emulator's Checkout, choosing microdeposits; lands on the payment page. */
async function payByBankWithMicrodeposits(page: Page) {
  const [inv] = await data.invoices(payer.accounts[0]!, [{ total: 212_34, dueInDays: 12 }]);
  await page.goto(`/pay?invoice=${inv!.id}`);
  await page.getByRole("button", { name: "Continue to secure payment" }).click();
  await expect(page).toHaveURL(new RegExp(`^${e2e.stripeUrl}/checkout/`));
  await page.getByLabel("US bank account").check();
  await page.getByLabel("Account holder name").fill("Accounts Payable");
  await page.getByLabel("Routing number").fill("110000000");
  await page.getByLabel("Account number", { exact: true }).fill("000123456789");
  await page.getByLabel(/Verify with microdeposits/).check();
  await page.getByLabel(/I authorize/).check();
  await page.getByRole("button", { name: /^Pay/ }).click();
  await expect(page.getByRole("heading", { name: "Verifying your bank account" })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText(/Stripe sent two small deposits/)).toBeVisible();
  // Still reserved while verifying: the invoice cannot be paid twice meanwhile.
  expect(await invoiceRow(inv!.id)).toMatchObject({ status: "open", amount_pending: 212_34 });
  return inv!;
}

async function enterAmounts(page: Page, first: string, second: string) {
  await page.getByLabel("First deposit ($)").fill(first);
  await page.getByLabel("Second deposit ($)").fill(second);
  await page.getByRole("button", { name: "Verify bank account" }).click();
}

test("the payer verifies the two deposits and the bank payment goes ahead, then is paid", async ({ page }) => {
  const inv = await payByBankWithMicrodeposits(page);
  await expectAccessible(page);
  await expect(page.getByRole("link", { name: "Stripe's verification page" })).toHaveAttribute("href", new RegExp(`^${e2e.stripeUrl}/microdeposit/pi_`));
  await enterAmounts(page, "0.32", "0.45");
  await expect(page.getByText("Bank payment processing")).toBeVisible({ timeout: 15_000 });
  await fetch(`${e2e.stripeUrl}/_emulator/settle`, { method: "POST" });
  await expect(page.getByText("Paid — thank you")).toBeVisible({ timeout: 20_000 });
  expect((await invoiceRow(inv.id)).status).toBe("paid");
});

test("three wrong tries fail the payment cleanly: balance reopened, payer told why and emailed", async ({ page }) => {
  const inv = await payByBankWithMicrodeposits(page);
  const mailBefore = (await mailFor(payer.user.email)).length;
  await enterAmounts(page, "0.10", "0.12");
  await expect(page.getByText("Those amounts do not match the deposits sent to your bank account. You have 2 tries left.")).toBeVisible();
  // What was typed stays in the form.
  await expect(page.getByLabel("First deposit ($)")).toHaveValue("0.10");
  await enterAmounts(page, "0.10", "0.13");
  await expect(page.getByText(/You have 1 try left\./)).toBeVisible();
  await enterAmounts(page, "0.10", "0.14");
  await expect(page.getByText("This payment failed")).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText(/the deposit amounts were entered wrongly 3 times/)).toBeVisible();
  expect(await invoiceRow(inv.id)).toMatchObject({ status: "open", amount_pending: 0, balance: 212_34 });
  const mail = await waitForMail(payer.user.email, mailBefore);
  expect(mail.subject).toMatch(/did not go through/);
});
