import { data, expect, expectAccessible, sql, tag, test } from "./support/fixtures";

// Account credits (issue 16): an AR agent applies a customer's credit to one of its invoices on
// the customer page; the payer then sees the lower balance and what credit is left.

test("an agent applies a credit to an invoice; a refused amount keeps what was typed; the payer sees the lower balance", async ({ page, signInAs }) => {
  const t = tag();
  const agent = await data.staff("ar_agent");
  const account = await data.account({ name: `Creditco ${t}` });
  const { user: payer } = await data.payer({ accounts: [account] });
  const [big, small] = await data.invoices(account, [
    { total: 120_00, dueInDays: 10, number: `CR-A-${t}` },
    { total: 80_00, dueInDays: 20, number: `CR-B-${t}` },
  ]);
  const credit = await data.credit(account, { amount: 100_00, reason: `Returned pallets ${t}` });

  await signInAs(agent);
  await page.goto(`/admin/customers/${account.id}`);
  const section = page.getByRole("region", { name: "Credits" });
  await expect(section.getByTestId("open-credit")).toHaveCount(1);
  await expect(section.getByTestId("open-credit")).toContainText(`Returned pallets ${t}`);
  await expect(section.getByTestId("open-credit")).toContainText("USD 100.00");
  const form = page.locator("form#apply-credit");
  // Prefilled with as much as both allow: the whole credit on the bigger invoice, the whole balance on the smaller.
  await form.getByLabel("Invoice").selectOption(big!.id);
  await expect(form.getByLabel("Amount (USD)")).toHaveValue("100.00");
  await form.getByLabel("Invoice").selectOption(small!.id);
  await expect(form.getByLabel("Amount (USD)")).toHaveValue("80.00");
  await expectAccessible(page);

  // More than the invoice can take: refused at the field, with what was typed and chosen kept.
  await form.getByLabel("Amount (USD)").fill("90.00");
  await form.getByRole("button", { name: "Apply credit" }).click();
  await expect(page.getByRole("heading", { name: `Credits of ${account.name}`, level: 1 })).toBeVisible();
  const again = page.locator("form#apply-credit");
  await expect(again.getByText(`At most USD 80.00 on invoice ${small!.number}.`)).toBeVisible();
  await expect(again.getByLabel("Amount (USD)")).toHaveValue("90.00");
  await expect(again.getByLabel("Amount (USD)")).toHaveAttribute("aria-invalid", "true");
  await expect(again.getByLabel("Invoice")).toHaveValue(small!.id);
  expect((await sql<{ applied: number }[]>`select amount_applied::int as applied from account_credits where id = ${credit.id}`)[0]!.applied).toBe(0);

  await again.getByLabel("Amount (USD)").fill("80.00");
  await again.getByRole("button", { name: "Apply credit" }).click();
  await expect(page.getByText(`Applied USD 80.00 of credit to invoice ${small!.number}, which is now paid. The credit has USD 20.00 left.`)).toBeVisible();
  await expect(page.getByRole("heading", { name: account.name, level: 1 })).toBeVisible();
  await expect(page.getByRole("region", { name: "Credits" }).getByTestId("open-credit")).toContainText("USD 20.00");
  const [row] = await sql<{ status: string; balance: number; credited: number }[]>`select status, balance::int, amount_credited::int as credited from invoices where id = ${small!.id}`;
  expect(row).toEqual({ status: "paid", balance: 0, credited: 80_00 });
  const [untouched] = await sql<{ balance: number }[]>`select balance::int from invoices where id = ${big!.id}`;
  expect(untouched!.balance).toBe(120_00);

  // The payer: the open balance is the other invoice alone, and the credit left is shown.
  await signInAs(payer, { account });
  await page.goto("/invoices");
  await expect(page.getByTestId("open-balance-USD")).toHaveText("USD 120.00");
  await expect(page.getByTestId("credits-available")).toHaveText("Credits available: USD 20.00");
  await page.getByText("See the credits").click();
  await expect(page.getByText(`Returned pallets ${t}`)).toBeVisible();
  await page.goto("/invoices?filter=paid");
  await expect(page.getByRole("link", { name: small!.number }).first()).toBeVisible();
});
