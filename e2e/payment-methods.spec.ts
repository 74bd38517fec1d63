import { expect, type Page } from "@playwright/test";
import { newId } from "#db/schema/ids";
import { e2e } from "./support/config";
import { data, expectAccessible, sql, test } from "./support/fixtures";

/** Pays one new invoice through Checkout with "save" ticked, as a payer does. */
async function payAndSave(page: Page, invoiceId: string, card: string) {
  await page.goto(`/pay?invoice=${invoiceId}`);
  await page.getByLabel(/Save the card or bank account I enter/).check();
  await page.getByRole("button", { name: "Continue to secure payment" }).click();
  await expect(page).toHaveURL(new RegExp(`^${e2e.stripeUrl}/checkout/`));
  await page.getByLabel("Card", { exact: true }).check();
  await page.getByLabel("Card number").fill(card);
  await page.getByLabel("Expiration date").fill("12 / 34");
  await page.getByLabel("Security code").fill("123");
  await page.getByLabel("Name on card").fill("Olivia Ortiz");
  await page.getByRole("button", { name: /^Pay/ }).click();
  await expect(page.getByText("Paid — thank you")).toBeVisible({ timeout: 15_000 });
}

test("a payer sees the cards they saved, changes the default, cannot remove the plan's card, and removes the other", async ({ page, signInAs }) => {
  const payer = await data.payer();
  const account = payer.accounts[0]!;
  await signInAs(payer.user);
  const [first, second] = await data.invoices(account, [{ total: 120_00 }, { total: 130_00 }]);
  await payAndSave(page, first!.id, "4242424242424242");
  await payAndSave(page, second!.id, "5555555555554444");

  // The Visa card pays a plan of this account (written directly: the plan flow has its own spec).
  const [visa] = await sql<{ id: string; stripe_payment_method_id: string }[]>`select id, stripe_payment_method_id from saved_payment_methods where account_id = ${account.id} and last4 = '4242'`;
  const planId = newId("pln");
  const rules = { enabled: true, minTotal: 10000, maxInstallments: 12, frequencies: ["monthly"], downPaymentPercent: 0, maxTermDays: 365, firstInstallmentWithinDays: 30, approvalThreshold: null };
  await sql`insert into payment_plans (id, account_id, created_by_user_id, currency, total, frequency, installment_count, status, policy, method, method_label, stripe_payment_method_id)
    values (${planId}, ${account.id}, ${payer.user.id}, 'USD', 600000, 'monthly', 3, 'paused', ${sql.json(rules)}, 'card', 'Visa •••• 4242', ${visa!.stripe_payment_method_id})`;

  await page.getByRole("link", { name: "Payment methods" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Payment methods" })).toBeVisible();
  const visaCard = page.getByTestId("saved-method").filter({ has: page.getByRole("heading", { name: "Visa •••• 4242" }) });
  const mastercard = page.getByTestId("saved-method").filter({ has: page.getByRole("heading", { name: "Mastercard •••• 4444" }) });
  await expect(visaCard.getByText("Default", { exact: true })).toBeVisible();
  await expect(visaCard.getByText("12/2034")).toBeVisible();
  await expect(visaCard.getByRole("link", { name: "Payment plan of USD 6,000.00" })).toHaveAttribute("href", `/plans/${planId}`);
  await expect(mastercard.getByText("Nothing charges this card automatically.")).toBeVisible();
  await expectAccessible(page);

  await mastercard.getByRole("button", { name: "Make default for Mastercard •••• 4444" }).click();
  await expect(page.getByText("Mastercard •••• 4444 is now your default payment method.")).toBeVisible();
  await expect(mastercard.getByText("Default", { exact: true })).toBeVisible();
  await expect(visaCard.getByText("Default", { exact: true })).toHaveCount(0);

  await visaCard.getByRole("button", { name: "Remove Visa •••• 4242" }).click();
  await expect(visaCard.getByText(`Your payment plan of USD 6,000.00 (${planId}) charges this card. Switch the plan to another method first.`)).toBeVisible();
  await expect(visaCard.getByRole("link", { name: "Open the plan to replace its payment method" })).toHaveAttribute("href", `/plans/${planId}`);
  const [stillThere] = await sql<{ removed_at: Date | null }[]>`select removed_at from saved_payment_methods where id = ${visa!.id}`;
  expect(stillThere!.removed_at).toBeNull();

  await mastercard.getByRole("button", { name: "Remove Mastercard •••• 4444" }).click();
  await expect(page.getByText("Mastercard •••• 4444 was removed.")).toBeVisible();
  await expect(page.getByTestId("saved-method")).toHaveCount(1);
  await expect(visaCard.getByText("Default", { exact: true })).toBeVisible();
  const [removed] = await sql<{ removed_at: Date | null }[]>`select removed_at from saved_payment_methods where account_id = ${account.id} and last4 = '4444'`;
  expect(removed!.removed_at).not.toBeNull();
});
