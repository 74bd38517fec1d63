import { expect } from "@playwright/test";
import { today } from "~/utils/clock";
import { data, expectAccessible, sql, test } from "./support/fixtures";

// Late fees (issue 16): an AR admin sets the default policy and turns a customer's contract flag
// on, "Post late fees" on /dev/clock runs the job's code at the portal's date, and the payer sees
// the fee as its own invoice linked to the invoice it is charged on. The spec does not move the
// clock: it runs beside other desktop specs that read dates, so its invoice is already 20 days
// late (past the 15 days' grace). Only accounts whose contract allows fees are charged, so the
// run touches no other spec's rows.

test("an admin sets the default policy and a customer's flag; the posted fee is the payer's own invoice, linked to the late one", async ({ page, signInAs }) => {
  const admin = await data.staff("ar_admin");
  const account = await data.account();
  const { user: payer } = await data.payer({ accounts: [account] });
  const late = await data.invoice(account, { total: 600_00, dueInDays: -20, number: `LF-${account.number}` });
  await data.dispute(late, { amount: 100_00, by: payer });

  // The default policy: a typing mistake is shown at its field and nothing typed is lost.
  await signInAs(admin);
  await page.goto("/admin/collections/late-fees");
  await expect(page.getByRole("navigation", { name: "Collections" }).getByRole("link", { name: "Late fees" })).toBeVisible();
  await page.getByLabel("Charge late fees by this policy").check();
  await page.getByLabel("Fee", { exact: true }).selectOption("percent");
  await page.getByLabel("Rate per month (%)").fill("1.555");
  await page.getByLabel("Grace (days after the due date)").fill("15");
  await page.getByLabel("Cap per invoice (USD)").fill("");
  await page.getByLabel("Cap per customer (USD)").fill("");
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByText("Enter the monthly rate as a percent from 0.01 to 100 with at most 2 decimals, like 1.5.")).toBeVisible();
  await expect(page.getByLabel("Rate per month (%)")).toHaveValue("1.555");
  await expect(page.getByLabel("Grace (days after the due date)")).toHaveValue("15");
  await expect(page.getByLabel("Rate per month (%)")).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page);
  await page.getByLabel("Rate per month (%)").fill("1.5");
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Late-fee policy saved|Nothing to save/ })).toBeVisible();
  await expect(page.getByLabel("Rate per month (%)")).toHaveValue("1.5");

  // The customer's contract allows fees; they follow the default policy.
  await page.goto(`/admin/customers/${account.id}`);
  const section = page.locator("#late-fees");
  await expect(section.getByTestId("late-fees-in-use")).toHaveText("No fees: the contract does not allow them.");
  await section.getByLabel("The contract allows late fees").check();
  await section.getByLabel("Policy").selectOption("default");
  await section.getByRole("button", { name: "Save late fees" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Late fees saved." })).toBeVisible();
  await expect(section.getByTestId("late-fees-in-use")).toHaveText("The default policy: 1.5 % of the undisputed overdue balance a month after 15 days' grace.");

  // The run: 1.5 % of the undisputed USD 500.00, once, however often it is pressed.
  const day = today();
  await page.goto("/dev/clock");
  await page.getByRole("button", { name: "Post late fees" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Late fees posted for ${day}` })).toContainText(`${late.number}-LF1 USD 7.50`);
  await page.getByRole("button", { name: "Post late fees" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Late fees posted for ${day}` })).not.toContainText(late.number);
  const fees = await sql<{ number: string; total: string }[]>`select number, total from invoices where late_fee_for_invoice_id = ${late.id}`;
  expect(fees.map((f) => [f.number, Number(f.total)])).toEqual([[`${late.number}-LF1`, 7_50]]);
  const posted = await sql<{ n: string }[]>`select count(*) as n from events where type = 'invoice.late_fee_posted' and account_id = ${account.id}`;
  expect(Number(posted[0]!.n)).toBe(1);

  // The payer sees the fee as an invoice of its own, linked to the late invoice.
  await signInAs(payer, { account });
  await page.goto("/invoices");
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: `${late.number}-LF1` }) });
  await expect(row).toContainText("USD 7.50");
  await expect(row.getByTestId("late-fee-for")).toHaveText(`Late fee on ${late.number}`);
  await expectAccessible(page);
  await row.getByTestId("late-fee-for").getByRole("link", { name: late.number }).click();
  await expect(page).toHaveURL(new RegExp(`/invoices/${late.id}$`));
  await page.goto("/invoices");
  await page.getByRole("link", { name: `${late.number}-LF1` }).click();
  await expect(page.getByText(`Late fee: 1.5 % of USD 500.00 overdue on ${late.number} (period 1)`)).toBeVisible();
});

test("an agent sees the late-fee policy and a customer's late fees but cannot change them", async ({ page, signInAs }) => {
  const agent = await data.staff("ar_agent");
  const account = await data.account();
  await signInAs(agent);
  await page.goto("/admin/collections/late-fees");
  await expect(page.getByText("Only an AR admin can change the policy.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Save policy" })).toHaveCount(0);
  await expect(page.getByLabel("Rate per month (%)")).toBeDisabled();
  await page.goto(`/admin/customers/${account.id}`);
  await expect(page.locator("#late-fees")).toContainText("Only an AR admin can change late fees.");
  const refused = await page.request.post(`/admin/collections/late-fees`, { form: { enabled: "on", kind: "fixed", fixedAmount: "999.00", graceDays: "0" }, headers: { Origin: new URL(page.url()).origin } });
  expect(refused.status()).toBe(403);
});
