import { expect } from "@playwright/test";
import { e2e } from "./support/config";
import { data, mailFor, sql, test, waitForMail } from "./support/fixtures";

// An early-payment discount from the payer's side: offered on the pay page, charged as quoted,
// shown on the receipt and sent to the back office.
test.describe.configure({ mode: "serial" });

let payer: Awaited<ReturnType<typeof data.payer>>;

test.beforeEach(async ({ signInAs }) => {
  payer = await data.payer();
  await signInAs(payer.user);
});

/** A $1,000.00 invoice issued today on 2/10 net 30. */
async function twoTenNet30() {
  const [inv] = await data.invoices(payer.accounts[0]!, [{ total: 1_000_00, issuedDaysAgo: 0, dueInDays: 30 }]);
  await sql`update invoices set terms = '2/10 net 30', net_days = 30, discount_bps = 200, discount_days = 10 where id = ${inv!.id}`;
  return inv!;
}

test("a payer sees the discount, pays inside the window, and the receipt and the back-office event show it", async ({ page }) => {
  const inv = await twoTenNet30();
  const mailBefore = (await mailFor(payer.user.email)).length;
  await page.goto(`/pay?invoice=${inv.id}`);
  await expect(page.getByTestId(`offer-${inv.number}`)).toHaveText(/^Pay USD 980\.00 by [A-Z][a-z]{2} \d{1,2}, \d{4} and save USD 20\.00$/);
  await expect(page.locator(`#amount_${inv.id}`)).toHaveValue("980.00");
  await expect(page.getByTestId("pay-discount")).toHaveText("USD 20.00");
  await expect(page.getByTestId("pay-total")).toHaveText("USD 980.00");
  // Half now: $490 settles $500.
  await page.locator(`#amount_${inv.id}`).fill("490.00");
  await expect(page.getByTestId("pay-discount")).toHaveText("USD 10.00");
  await expect(page.getByText("this payment settles USD 500.00")).toBeVisible();
  await page.locator(`#amount_${inv.id}`).fill("980.00");
  await page.getByRole("button", { name: "Continue to secure payment" }).click();
  await expect(page).toHaveURL(new RegExp(`^${e2e.stripeUrl}/checkout/`));
  await expect(page.getByRole("button", { name: "Pay $980.00" })).toBeVisible();
  await page.getByLabel("Card", { exact: true }).check();
  await page.getByLabel("Card number").fill("4242424242424242");
  await page.getByLabel("Expiration date").fill("12 / 34");
  await page.getByLabel("Security code").fill("123");
  await page.getByLabel("Name on card").fill("Olivia Ortiz");
  await page.getByRole("button", { name: /^Pay/ }).click();

  await expect(page.getByText("Paid — thank you")).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId(`discount-${inv.number}`)).toHaveText("USD 20.00");
  await expect(page.getByTestId("payment-amount")).toHaveText("USD 980.00");
  const [row] = await sql<{ status: string; balance: number; amount_discounted: number }[]>`select status, balance::int, amount_discounted::int from invoices where id = ${inv.id}`;
  expect(row).toEqual({ status: "paid", balance: 0, amount_discounted: 20_00 });
  const taken = await sql<{ data: { paid: number; discount: number; settled: number } }[]>`select data from events where subject_id = ${inv.id} and type = 'invoice.discount_taken'`;
  expect(taken.map((e) => e.data)).toEqual([expect.objectContaining({ paid: 980_00, discount: 20_00, settled: 1_000_00 })]);
  const receipt = await waitForMail(payer.user.email, mailBefore);
  expect(receipt.text).toContain(`${inv.number}: USD 980.00 + USD 20.00 early-payment discount (settles USD 1,000.00)`);
});

test("amounts that changed after the page opened are shown again, not charged", async ({ page }) => {
  const inv = await twoTenNet30();
  await page.goto(`/pay?invoice=${inv.id}`);
  await expect(page.locator(`#amount_${inv.id}`)).toHaveValue("980.00");
  // Meanwhile the back office credits $100 on the invoice.
  await sql`update invoices set amount_credited = 100_00 where id = ${inv.id}`;
  await page.getByRole("button", { name: "Continue to secure payment" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The amount due changed" })).toBeVisible();
  // Today's quote: $900 less 2 % = $882.
  await expect(page.locator(`#amount_${inv.id}`)).toHaveValue("882.00");
  const [row] = await sql<{ amount_pending: number }[]>`select amount_pending::int from invoices where id = ${inv.id}`;
  expect(row!.amount_pending).toBe(0);
  await page.getByRole("button", { name: "Continue to secure payment" }).click();
  await expect(page).toHaveURL(new RegExp(`^${e2e.stripeUrl}/checkout/`));
});

test("a credit applied on the pay page lowers the charge, and a credit covering everything charges nothing", async ({ page }) => {
  const account = payer.accounts[0]!;
  const [a, b] = await data.invoices(account, [{ total: 120_00, dueInDays: 3 }, { total: 80_00, dueInDays: 9 }]);
  const credit = await data.credit(account, { amount: 150_00, reason: "Returned pallets" });
  await page.goto(`/pay?invoice=${a!.id}&invoice=${b!.id}`);
  await expect(page.getByTestId("pay-total")).toHaveText("USD 200.00");
  await page.getByLabel("Credit memo: Returned pallets — USD 150.00 available").fill("150.00");
  await expect(page.getByTestId("pay-credit")).toHaveText("USD 150.00");
  await expect(page.getByTestId("pay-total")).toHaveText("USD 50.00");
  await page.getByRole("button", { name: "Continue to secure payment" }).click();
  await expect(page).toHaveURL(new RegExp(`^${e2e.stripeUrl}/checkout/`));
  await expect(page.getByRole("button", { name: "Pay $50.00" })).toBeVisible();
  const rows = await sql<{ id: string; balance: number; amount_credited: number }[]>`select id, balance::int, amount_credited::int from invoices where id in (${a!.id}, ${b!.id}) order by due_date`;
  expect(rows).toEqual([
    { id: a!.id, balance: 0, amount_credited: 120_00 },
    { id: b!.id, balance: 50_00, amount_credited: 30_00 },
  ]);

  // The rest by credit alone: no Checkout, the invoice is paid.
  const [c] = await data.invoices(account, [{ total: 40_00 }]);
  await data.credit(account, { amount: 40_00, reason: "Price adjustment" });
  await page.goto(`/pay?invoice=${c!.id}`);
  await page.getByLabel("Credit memo: Price adjustment — USD 40.00 available").fill("40.00");
  await page.getByRole("button", { name: "Apply credit" }).click();
  await expect(page).toHaveURL(/\/invoices$/);
  await expect(page.getByText(`Your credit of USD 40.00 was applied to ${c!.number}. Nothing was charged.`)).toBeVisible();
  const [paid] = await sql<{ status: string }[]>`select status from invoices where id = ${c!.id}`;
  expect(paid!.status).toBe("paid");
  const [used] = await sql<{ amount_applied: number }[]>`select amount_applied::int from account_credits where id = ${credit.id}`;
  expect(used!.amount_applied).toBe(150_00);
});
