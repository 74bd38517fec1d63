import { expect, type Page } from "@playwright/test";
import { e2e } from "./support/config";
import { data, expectAccessible, payLinkPath, sql, test, waitForMail, mailFor } from "./support/fixtures";

// A reminder's pay link, opened by someone who is not signed in: it shows and pays exactly its
// invoices, through the emulator's Checkout, and comes back to the link's page.

async function payByCard(page: Page) {
  await page.getByLabel("Card", { exact: true }).check();
  await page.getByLabel("Card number").fill("4242424242424242");
  await page.getByLabel("Expiration date").fill("12 / 34");
  await page.getByLabel("Security code").fill("123");
  await page.getByLabel("Name on card").fill("Accounts Payable");
  await page.getByRole("button", { name: /^Pay/ }).click();
}

const usd = (minor: number) => `USD ${(minor / 100).toLocaleString("en-US", { minimumFractionDigits: 2 })}`;

test("a pay link opens signed out, shows only its invoices and pays them by card through Checkout", async ({ page }) => {
  const account = await data.account();
  const { user: contact } = await data.payer({ accounts: [account] });
  const [first, second, notOnLink] = await data.invoices(account, [{ total: 125_00, dueInDays: -8 }, { total: 75_50, dueInDays: 3 }, { total: 990_00 }]);
  const link = await data.payLink(account, [first!, second!]);
  const mailBefore = (await mailFor(contact.email)).length;

  const response = await page.goto(payLinkPath(link.id));
  expect(response!.status()).toBe(200);
  await expect(page.getByTestId("company")).toContainText(e2e.companyName);
  await expect(page.getByRole("heading", { name: "Pay your invoices" })).toBeVisible();
  await expect(page.getByTestId("pay-link-account")).toHaveText(account.name);
  // No portal chrome, nothing of the account but these two invoices.
  await expect(page.getByRole("navigation")).toHaveCount(0);
  await expect(page.getByText(notOnLink!.number)).toHaveCount(0);
  await expect(page.getByText(contact.email)).toHaveCount(0);
  await expect(page.getByTestId("pay-link-total")).toHaveText(usd(200_50));
  // Untick one and tick it again: the total follows.
  await page.getByLabel(`Pay ${second!.number}`).uncheck();
  await expect(page.getByTestId("pay-link-total")).toHaveText(usd(125_00));
  await page.getByLabel(`Pay ${second!.number}`).check();
  await expect(page.getByText(/verified instantly/)).toBeVisible();
  await expectAccessible(page);
  // It fits a 390 px phone without sideways scrolling.
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  await page.getByRole("button", { name: `Pay ${usd(200_50)}` }).click();
  await expect(page).toHaveURL(new RegExp(`^${e2e.stripeUrl}/checkout/`));
  await payByCard(page);

  await expect(page).toHaveURL(new RegExp(`${payLinkPath(link.id).replace(/[.]/g, "\\.")}\\?payment=pay_\\w+&returned=1$`));
  await expect(page.getByText("Paid — thank you")).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId(`invoice-${first!.number}`)).toContainText("Paid");
  await expect(page.getByTestId(`invoice-${second!.number}`)).toContainText("Paid");
  const rows = await sql<{ id: string; status: string; balance: number }[]>`select id, status, balance::int from invoices where id in ${sql([first!.id, second!.id, notOnLink!.id])}`;
  expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({ [first!.id]: "paid", [second!.id]: "paid", [notOnLink!.id]: "open" });
  const [payment] = await sql<{ created_by_user_id: string | null }[]>`select created_by_user_id from payments p join payment_allocations a on a.payment_id = p.id where a.invoice_id = ${first!.id}`;
  expect(payment!.created_by_user_id).toBeNull();
  // The receipt goes to the account's billing contact, by real SMTP.
  expect((await waitForMail(contact.email, mailBefore)).subject).toContain("Payment received");
  const [opened] = await sql<{ open_count: number }[]>`select open_count from pay_links where id = ${link.id}`;
  expect(opened!.open_count).toBe(1);

  // Opened again later, the link has nothing left to pay.
  const again = await page.goto(payLinkPath(link.id));
  expect(again!.status()).toBe(410);
  await expect(page.getByRole("heading", { name: "These invoices are already paid" })).toBeVisible();
});

test("a bank debit through the link is verified instantly and shows as processing until it settles", async ({ page }) => {
  const account = await data.account();
  await data.payer({ accounts: [account] });
  const [inv] = await data.invoices(account, [{ total: 210_00, dueInDays: -3 }]);
  const link = await data.payLink(account, [inv!]);
  await page.goto(payLinkPath(link.id));
  await page.getByRole("button", { name: `Pay ${usd(210_00)}` }).click();
  await expect(page).toHaveURL(new RegExp(`^${e2e.stripeUrl}/checkout/`));
  await page.getByLabel("US bank account").check();
  await page.getByLabel("Account holder name").fill("Accounts Payable");
  await page.getByLabel("Routing number").fill("110000000");
  await page.getByLabel("Account number", { exact: true }).fill("000123456789");
  await page.getByLabel(/I authorize/).check();
  await page.getByRole("button", { name: /^Pay/ }).click();

  await expect(page.getByText("Bank payment processing")).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId(`invoice-${inv!.number}`)).toContainText(`A payment of ${usd(210_00)} is processing.`);
  const [pi] = await sql<{ stripe_payment_intent_id: string }[]>`select stripe_payment_intent_id from payments p join payment_allocations a on a.payment_id = p.id where a.invoice_id = ${inv!.id}`;
  const intent = (await (await fetch(`${e2e.stripeUrl}/v1/payment_intents/${pi!.stripe_payment_intent_id}`, { headers: { Authorization: "Bearer sk_test_e2e" } })).json()) as { payment_method_options: { us_bank_account: { verification_method: string } } };
  expect(intent.payment_method_options.us_bank_account.verification_method).toBe("instant");

  await fetch(`${e2e.stripeUrl}/_emulator/settle`, { method: "POST" });
  await expect(page.getByText("Paid — thank you")).toBeVisible({ timeout: 20_000 });
});

test("the holder promises to pay by a date instead; a wrong amount is refused and kept as typed", async ({ page }) => {
  const account = await data.account();
  const [inv] = await data.invoices(account, [{ total: 300_00, dueInDays: -20 }]);
  const link = await data.payLink(account, [inv!]);
  await page.goto(payLinkPath(link.id));
  await page.getByLabel("Amount (USD)").fill("12,3.4.5");
  const latest = await page.getByLabel("I will pay by").getAttribute("max");
  await page.getByLabel("I will pay by").fill(latest!);
  await page.getByRole("button", { name: "Promise to pay" }).click();
  await expect(page.getByText("Enter the amount you will pay, like 250.00.")).toBeVisible();
  await expect(page.getByLabel("Amount (USD)")).toHaveValue("12,3.4.5");
  await expect(page.getByLabel("I will pay by")).toHaveValue(latest!);
  await page.getByLabel("Amount (USD)").fill("150.00");
  await page.getByRole("button", { name: "Promise to pay" }).click();
  await expect(page.getByText(/We noted your promise to pay USD 150\.00 by/)).toBeVisible();
  const [promise] = await sql<{ source: string; pay_link_id: string; amount: number; promised_for: string }[]>`select source, pay_link_id, amount::int, promised_for::text from payment_promises where account_id = ${account.id}`;
  expect(promise).toEqual({ source: "pay_link", pay_link_id: link.id, amount: 150_00, promised_for: latest });
  // One open promise per invoice: a second one is refused with the reason.
  await page.getByLabel("Amount (USD)").fill("20.00");
  await page.getByLabel("I will pay by").fill(latest!);
  await page.getByRole("button", { name: "Promise to pay" }).click();
  await expect(page.getByText(`Invoice ${inv!.number} already has a promise to pay by`)).toBeVisible();
});

test("a revoked, an expired and a tampered link are refused, with the way to sign in", async ({ page }) => {
  const account = await data.account();
  const [inv] = await data.invoices(account, [{ total: 60_00 }]);
  const revoked = await data.payLink(account, [inv!], { revoked: true });
  const expired = await data.payLink(account, [inv!], { expiresInDays: -1 });

  const r1 = await page.goto(payLinkPath(revoked.id));
  expect(r1!.status()).toBe(410);
  await expect(page.getByRole("heading", { name: "This payment link was withdrawn" })).toBeVisible();
  await expect(page.getByText(`withdrawn by ${e2e.companyName}`)).toBeVisible();
  await expect(page.getByText(inv!.number)).toHaveCount(0);
  await expect(page.getByRole("link", { name: "sign in to the payment portal" })).toHaveAttribute("href", "/login");

  const r2 = await page.goto(payLinkPath(expired.id));
  expect(r2!.status()).toBe(410);
  await expect(page.getByRole("heading", { name: "This payment link has expired" })).toBeVisible();

  const tampered = payLinkPath(expired.id).replace(/.$/, (c) => (c === "A" ? "B" : "A"));
  const r3 = await page.goto(tampered);
  expect(r3!.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "This payment link is not valid" })).toBeVisible();
});

test("staff revoke a link from its account's pay links, and it stops working", async ({ page, signInAs, browser }) => {
  const account = await data.account();
  const [inv] = await data.invoices(account, [{ total: 45_00 }]);
  const link = await data.payLink(account, [inv!]);
  const agent = await data.staff();
  await signInAs(agent);
  // The panel's revoke route, as the customer page's button posts it.
  const res = await page.request.post(`/admin/pay-links/${link.id}/revoke`, { form: { intent: "revoke" }, headers: { Origin: e2e.appUrl }, maxRedirects: 0 });
  expect(res.status()).toBe(302);
  expect(res.headers().location).toBe(`/admin/customers/${account.id}`);
  const signedOut = await browser.newPage();
  const r = await signedOut.goto(payLinkPath(link.id));
  expect(r!.status()).toBe(410);
  await expect(signedOut.getByText(`withdrawn by ${e2e.companyName}`)).toBeVisible();
  await signedOut.close();
});
