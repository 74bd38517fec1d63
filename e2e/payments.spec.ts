import { expect, type Page } from "@playwright/test";
import { e2e } from "./support/config";
import { data, expectAccessible, mailFor, sql, test, waitForMail } from "./support/fixtures";

// Each test pays invoices of its own payer (a fresh one, so its mail is its own). They run one
// at a time to keep the Stripe emulator's load (and the 2-core machine) even.
test.describe.configure({ mode: "serial" });

interface OpenInvoice {
  id: string;
  number: string;
  balance: number;
}

/** This test's payer and their account. */
let payer: Awaited<ReturnType<typeof data.payer>>;

/** `n` open invoices of the payer's account, nothing paid or reserved. */
async function openInvoices(n: number): Promise<OpenInvoice[]> {
  const rows = await data.invoices(payer.accounts[0]!, Array.from({ length: n }, (_, i) => ({ total: 150_00 + i * 25_25, dueInDays: 10 + i })));
  return rows.map((r) => ({ id: r.id, number: r.number, balance: r.total }));
}

async function invoiceRow(id: string) {
  const [row] = await sql<{ status: string; balance: number; amount_pending: number }[]>`select status, balance::int, amount_pending::int from invoices where id = ${id}`;
  return row!;
}

async function payByCard(page: Page, number: string) {
  await page.getByLabel("Card", { exact: true }).check();
  await page.getByLabel("Card number").fill(number);
  await page.getByLabel("Expiration date").fill("12 / 34");
  await page.getByLabel("Security code").fill("123");
  await page.getByLabel("Name on card").fill("Olivia Ortiz");
  await page.getByRole("button", { name: /^Pay/ }).click();
}

async function payByBank(page: Page, account: string) {
  await page.getByLabel("US bank account").check();
  await page.getByLabel("Account holder name").fill("Accounts Payable");
  await page.getByLabel("Routing number").fill("110000000");
  await page.getByLabel("Account number", { exact: true }).fill(account);
  await page.getByLabel(/I authorize/).check();
  await page.getByRole("button", { name: /^Pay/ }).click();
}

/** Opens the pay page for these invoices, sets amounts, and continues to Stripe's page. */
async function startPayment(page: Page, invoices: OpenInvoice[], amounts: Record<string, string> = {}) {
  await page.goto(`/pay?${invoices.map((i) => `invoice=${i.id}`).join("&")}`);
  for (const [id, amount] of Object.entries(amounts)) await page.locator(`#amount_${id}`).fill(amount);
  await page.getByRole("button", { name: "Continue to secure payment" }).click();
  await expect(page).toHaveURL(new RegExp(`^${e2e.stripeUrl}/checkout/`));
}

async function settleAch() {
  await fetch(`${e2e.stripeUrl}/_emulator/settle`, { method: "POST" });
}

test.beforeEach(async ({ signInAs }) => {
  payer = await data.payer();
  await signInAs(payer.user);
});

test("card 4242 pays an invoice in full: receipt, paid invoice, receipt email and PDF", async ({ page }) => {
  const [inv] = await openInvoices(1);
  const mailBefore = (await mailFor(payer.user.email)).length;
  await page.goto(`/invoices/${inv!.id}`);
  await page.getByRole("link", { name: "Pay this invoice" }).click();
  await expect(page.getByTestId("pay-total")).toContainText((inv!.balance / 100).toLocaleString("en-US", { minimumFractionDigits: 2 }));
  await page.getByRole("button", { name: "Continue to secure payment" }).click();
  await expect(page).toHaveURL(new RegExp(`^${e2e.stripeUrl}/checkout/`));
  // Checkout names the company asking, and the receipt goes to the payer signed in.
  await expect(page).toHaveTitle(new RegExp(e2e.companyName.replace(".", "\\.")));
  await expect(page.getByText(`receipt to ${payer.user.email}`)).toBeVisible();
  await payByCard(page, "4242424242424242");

  await expect(page.getByRole("heading", { name: "Payment receipt" })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText("Paid — thank you")).toBeVisible();
  await expect(page.getByText("Visa •••• 4242")).toBeVisible();
  expect(await invoiceRow(inv!.id)).toMatchObject({ status: "paid", balance: 0, amount_pending: 0 });
  const receipt = await waitForMail(payer.user.email, mailBefore);
  expect(receipt.subject).toContain("Payment received");

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download receipt (PDF)" }).click();
  const body = Buffer.concat((await (await (await download).createReadStream()).toArray()) as Buffer[]);
  expect(body.subarray(0, 5).toString()).toBe("%PDF-");

  await page.goto(`/invoices/${inv!.id}`);
  await expect(page.getByText("Paid", { exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Pay this invoice" })).toHaveCount(0);
  // The paid invoice says when and how, and links to its payment and receipt.
  await expect(page.getByTestId("invoice-settled")).toHaveText(/^Paid in full on [A-Z][a-z]{2} \d{1,2}, \d{4} with Visa •••• 4242\.$/);
  const amountText = `USD ${(inv!.balance / 100).toLocaleString("en-US", { minimumFractionDigits: 2 })}`;
  await page.getByRole("link", { name: `Receipt for the payment of ${amountText} (PDF)` }).waitFor();
  const again = page.waitForEvent("download");
  await page.getByRole("link", { name: `Receipt for the payment of ${amountText} (PDF)` }).click();
  const pdf = Buffer.concat((await (await (await again).createReadStream()).toArray()) as Buffer[]);
  expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  await page.getByRole("link", { name: `Payment of ${amountText}`, exact: true }).click();
  await expect(page.getByRole("heading", { name: "Payment receipt" })).toBeVisible();
});

for (const [card, message] of [
  ["4000000000000002", "Your card was declined."],
  ["4000000000009995", "Your card has insufficient funds."],
] as const) {
  test(`card ${card} is declined with Stripe's message, then a retry succeeds`, async ({ page }) => {
    const [inv] = await openInvoices(1);
    await startPayment(page, [inv!]);
    await payByCard(page, card);
    await expect(page.getByRole("alert")).toContainText(message);
    // Back to the portal: it knows why, and the balance is payable again at once.
    await page.getByRole("link", { name: /Cancel and return/ }).click();
    await expect(page.getByText(message)).toBeVisible({ timeout: 10_000 });
    expect(await invoiceRow(inv!.id)).toMatchObject({ status: "open", amount_pending: 0 });
    await page.getByRole("link", { name: "Try again" }).click();
    await page.getByRole("button", { name: "Continue to secure payment" }).click();
    await payByCard(page, "4242424242424242");
    await expect(page.getByText("Paid — thank you")).toBeVisible({ timeout: 15_000 });
    expect((await invoiceRow(inv!.id)).status).toBe("paid");
  });
}

test("a part payment over three invoices takes exactly what was typed", async ({ page }) => {
  const invs = await openInvoices(3);
  await page.goto("/invoices?filter=open");
  for (const inv of invs) await page.getByLabel(`Select ${inv.number} to pay`).check();
  await page.getByRole("button", { name: "Pay selected invoices" }).click();
  await expect(page.getByRole("heading", { name: "Pay invoices" })).toBeVisible();
  await page.locator(`#amount_${invs[2]!.id}`).fill("5.00");
  const expected = invs[0]!.balance + invs[1]!.balance + 500;
  await expect(page.getByTestId("pay-total")).toContainText((expected / 100).toLocaleString("en-US", { minimumFractionDigits: 2 }));
  await page.getByRole("button", { name: "Continue to secure payment" }).click();
  await payByCard(page, "4242424242424242");
  await expect(page.getByText("Paid — thank you")).toBeVisible({ timeout: 15_000 });
  expect((await invoiceRow(invs[0]!.id)).status).toBe("paid");
  expect((await invoiceRow(invs[1]!.id)).status).toBe("paid");
  expect(await invoiceRow(invs[2]!.id)).toMatchObject({ status: "open", balance: invs[2]!.balance - 500 });
});

test("an amount above the balance is refused with a clear message and what was typed is kept", async ({ page }) => {
  const [inv] = await openInvoices(1);
  await page.goto(`/pay?invoice=${inv!.id}`);
  const tooMuch = ((inv!.balance + 100) / 100).toFixed(2);
  await page.locator(`#amount_${inv!.id}`).fill(tooMuch);
  await page.getByRole("button", { name: "Continue to secure payment" }).click();
  await expect(page.getByText(/You can pay at most/)).toBeVisible();
  await expect(page.locator(`#amount_${inv!.id}`)).toHaveValue(tooMuch);
});

test("ACH 000123456789 is processing (pending, not paid) until it settles, then paid", async ({ page }) => {
  const [inv] = await openInvoices(1);
  await startPayment(page, [inv!]);
  // The ACH mandate authorizes the company by name (Stripe takes it from the account's settings).
  await page.getByLabel("US bank account").check();
  await expect(page.getByText(`you authorize ${e2e.companyName} to make a single debit`)).toBeVisible();
  await expect(page.getByText("Test merchant")).toHaveCount(0);
  await payByBank(page, "000123456789");
  await expect(page.getByText("Bank payment processing")).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText(/up to 4 business days/)).toBeVisible();
  const paymentPage = page.url();
  await page.goto(`/invoices/${inv!.id}`);
  await expect(page.getByText("Payment pending").first()).toBeVisible();
  expect(await invoiceRow(inv!.id)).toMatchObject({ status: "open", amount_pending: inv!.balance });

  // The payment page left open turns paid by itself once the debit settles, without a reload.
  await page.goto(paymentPage);
  await expect(page.getByText("Bank payment processing")).toBeVisible();
  await page.evaluate(() => ((window as unknown as { stillTheSamePage: boolean }).stillTheSamePage = true));
  await settleAch();
  await expect(page.getByText("Paid — thank you")).toBeVisible({ timeout: 25_000 });
  expect(await page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);
  await expect.poll(async () => (await invoiceRow(inv!.id)).status, { timeout: 15_000 }).toBe("paid");
});

test("ACH 000111111116 fails after processing: balance reopened, payer emailed, invoice says why", async ({ page }) => {
  const [inv] = await openInvoices(1);
  const mailBefore = (await mailFor(payer.user.email)).length;
  await startPayment(page, [inv!]);
  await payByBank(page, "000111111116");
  await expect(page.getByText("Bank payment processing")).toBeVisible({ timeout: 15_000 });
  await settleAch();
  await expect.poll(async () => (await invoiceRow(inv!.id)).amount_pending, { timeout: 15_000 }).toBe(0);
  expect(await invoiceRow(inv!.id)).toMatchObject({ status: "open", balance: inv!.balance });
  await expect.poll(async () => (await mailFor(payer.user.email)).slice(mailBefore).some((m) => m.subject.includes("did not go through")), { timeout: 10_000 }).toBe(true);
  await page.goto(`/invoices/${inv!.id}`);
  await expect(page.getByText("Last payment failed")).toBeVisible();
  // In the payer's words, with what to do next, not Stripe's "The customer's bank account …".
  await expect(page.getByText(/Your bank could not find this account\. Check the routing and account numbers/)).toBeVisible();
  await expect(page.getByText(/The customer's/)).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Pay this invoice" })).toBeVisible();
});

test("a double submit of the pay form makes one payment and one charge", async ({ page }) => {
  // A new account: both requests need its Stripe customer, which is created once.
  const [inv] = await openInvoices(1);
  await page.goto(`/pay?invoice=${inv!.id}`);
  const attemptId = await page.locator('input[name="attemptId"]').inputValue();
  const form = { attemptId, invoice: inv!.id, [`amount_${inv!.id}`]: (inv!.balance / 100).toFixed(2) };
  const post = () => page.request.post("/pay", { form, headers: { Origin: e2e.appUrl }, maxRedirects: 0 });
  const [one, two] = await Promise.all([post(), post()]);
  expect(one.headers()["location"]).toBeTruthy();
  expect(one.headers()["location"]).toBe(two.headers()["location"]);
  const rows = await sql`select id from payments where client_attempt_id = ${attemptId}`;
  expect(rows).toHaveLength(1);
  await page.goto(one.headers()["location"]!);
  await payByCard(page, "4242424242424242");
  await expect(page.getByText("Paid — thank you")).toBeVisible({ timeout: 15_000 });
  const charges = await sql`select count(*)::int as n from payments p join payment_allocations a on a.payment_id = p.id where a.invoice_id = ${inv!.id} and p.status = 'succeeded'`;
  expect(charges[0]!.n).toBe(1);
});

test("staff see the payment with its Stripe ids and refund part of it, reopening the invoice", async ({ page, signInAs }) => {
  const [inv] = await openInvoices(1);
  await startPayment(page, [inv!]);
  await payByCard(page, "4242424242424242");
  await expect(page.getByText("Paid — thank you")).toBeVisible({ timeout: 15_000 });
  const paymentId = new URL(page.url()).pathname.split("/").pop()!;

  await page.context().clearCookies();
  await signInAs(await data.staff());
  await page.goto("/admin/payments?status=succeeded");
  await page.getByRole("link", { name: /UTC|,/ }).first().waitFor();
  await page.goto(`/admin/payments/${paymentId}`);
  await expect(page.getByText(/^pi_/)).toBeVisible();
  await expect(page.getByText("Payment succeeded")).toBeVisible();
  await page.getByLabel(new RegExp(`^${inv!.number}`)).fill("10.00");
  await page.getByLabel("Reason (optional)").fill("Goodwill credit");
  await page.getByRole("button", { name: "Refund" }).click();
  await expect(page.getByText("Refund succeeded")).toBeVisible({ timeout: 10_000 });
  expect(await invoiceRow(inv!.id)).toMatchObject({ status: "open", balance: 1000 });
});

test("a chargeback shows on the staff payment page with the evidence deadline and Stripe's dispute link, and reopens the invoice", async ({ page, signInAs }) => {
  const [inv] = await openInvoices(1);
  await startPayment(page, [inv!]);
  await payByCard(page, "4000000000000259"); // succeeds, then the emulator opens a fraudulent dispute
  await expect(page.getByText("Paid — thank you").or(page.getByText("This payment is disputed"))).toBeVisible({ timeout: 15_000 });
  const paymentId = new URL(page.url()).pathname.split("/").pop()!;
  await expect.poll(async () => (await invoiceRow(inv!.id)).status, { timeout: 15_000 }).toBe("open");
  await page.reload();
  await expect(page.getByText("This payment is disputed")).toBeVisible();

  await page.context().clearCookies();
  await signInAs(await data.staff("ar_admin"));
  await page.goto(`/admin/payments/${paymentId}`);
  const panel = page.getByRole("region", { name: /Chargeback: Needs response/ });
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId("evidence-due-by")).toHaveText(/UTC$/);
  const [dispute] = await sql<{ stripe_dispute_id: string }[]>`select stripe_dispute_id from chargebacks where payment_id = ${paymentId}`;
  await expect(panel.getByRole("link", { name: /Submit evidence or accept in the Stripe dashboard/ })).toHaveAttribute("href", `https://dashboard.stripe.com/test/disputes/${dispute!.stripe_dispute_id}`);
  await expect(panel.getByRole("link", { name: inv!.number })).toBeVisible();
  await expect(page.getByText("Disputed", { exact: true })).toBeVisible();
  await expect(page.getByText("Charged back (dispute opened)")).toBeVisible();
  await expect(page.getByRole("button", { name: "Refund" })).toHaveCount(0);
  await expectAccessible(page);
});

test("a card saved on one payment pays the next one directly", async ({ page }) => {
  const [first, second] = await openInvoices(2);
  await page.goto(`/pay?invoice=${first!.id}`);
  await page.getByLabel(/Save the card or bank account I enter/).check();
  await page.getByRole("button", { name: "Continue to secure payment" }).click();
  await payByCard(page, "4242424242424242");
  await expect(page.getByText("Paid — thank you")).toBeVisible({ timeout: 15_000 });

  await page.goto(`/pay?invoice=${second!.id}`);
  await page.getByLabel(/Saved card Visa •••• 4242/).check();
  await page.getByRole("button", { name: "Continue to secure payment" }).click();
  await expect(page.getByText("Paid — thank you")).toBeVisible({ timeout: 15_000 });
  expect(page.url()).not.toContain(e2e.stripeUrl);
  expect((await invoiceRow(second!.id)).status).toBe("paid");
});

test("going back from Checkout offers to resume the payment in progress, which then pays", async ({ page }) => {
  const [inv] = await openInvoices(1);
  await startPayment(page, [inv!]);
  const checkoutUrl = page.url();
  await page.goBack();
  await expect(page).toHaveURL(/\/pay\?invoice=/);
  await expect(page.getByText("You have a payment in progress for these invoices")).toBeVisible();
  await expect(page.getByRole("link", { name: "Resume the payment in progress" })).toHaveAttribute("href", checkoutUrl);
  await expect(page.getByRole("button", { name: "Cancel it and start again" })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("link", { name: "Resume the payment in progress" }).click();
  await expect(page).toHaveURL(checkoutUrl);
  await payByCard(page, "4242424242424242");
  await expect(page.getByText("Paid — thank you")).toBeVisible({ timeout: 15_000 });
  expect(await invoiceRow(inv!.id)).toMatchObject({ status: "paid", balance: 0, amount_pending: 0 });
  const paid = await sql`select id from payments p join payment_allocations a on a.payment_id = p.id where a.invoice_id = ${inv!.id}`;
  expect(paid).toHaveLength(1);
});

test("going back from Checkout and cancelling starts again with the whole balance payable at once", async ({ page }) => {
  const [inv] = await openInvoices(1);
  await startPayment(page, [inv!]);
  const session = new URL(page.url()).pathname.split("/").pop()!;
  await page.goBack();
  await expect(page.getByRole("button", { name: "Cancel it and start again" })).toBeVisible();
  expect(await invoiceRow(inv!.id)).toMatchObject({ amount_pending: inv!.balance });
  await page.getByRole("button", { name: "Cancel it and start again" }).click();

  await expect(page.getByText("The earlier payment was canceled and nothing was charged.")).toBeVisible();
  expect(await invoiceRow(inv!.id)).toMatchObject({ status: "open", balance: inv!.balance, amount_pending: 0 });
  const [first] = await sql<{ status: string }[]>`select p.status from payments p join payment_allocations a on a.payment_id = p.id where a.invoice_id = ${inv!.id}`;
  expect(first!.status).toBe("canceled");
  // Stripe's session is expired: the old page can no longer take the money.
  const stripeSession = await fetch(`${e2e.stripeUrl}/v1/checkout/sessions/${session}`, { headers: { Authorization: "Bearer sk_test_e2e" } }).then((r) => r.json() as Promise<{ status: string }>);
  expect(stripeSession.status).toBe("expired");
  await expect(page.locator(`#amount_${inv!.id}`)).toHaveValue((inv!.balance / 100).toFixed(2));
  await expect(page.getByRole("button", { name: "Continue to secure payment" })).toBeEnabled();
  await page.getByRole("button", { name: "Continue to secure payment" }).click();
  await expect(page).toHaveURL(new RegExp(`^${e2e.stripeUrl}/checkout/`));
  await payByCard(page, "4242424242424242");
  await expect(page.getByText("Paid — thank you")).toBeVisible({ timeout: 15_000 });
  expect(await invoiceRow(inv!.id)).toMatchObject({ status: "paid", amount_pending: 0 });
});

test("leaving Checkout by its cancel link releases the balance at once", async ({ page }) => {
  const [inv] = await openInvoices(1);
  await startPayment(page, [inv!]);
  expect(await invoiceRow(inv!.id)).toMatchObject({ amount_pending: inv!.balance });
  // The cancel link carries a token only the portal can make: a forged GET (another site's link
  // to ?canceled=1) changes nothing.
  const checkoutUrl = page.url();
  const [pending] = await sql<{ id: string }[]>`select payment_id as id from payment_allocations where invoice_id = ${inv!.id} order by payment_id desc limit 1`;
  await page.goto(`/payments/${pending!.id}?canceled=1`);
  expect(await invoiceRow(inv!.id)).toMatchObject({ amount_pending: inv!.balance });
  await page.goto(checkoutUrl);
  await page.getByRole("link", { name: "Cancel and return" }).click();
  await expect(page.getByText("You left the payment page before paying: nothing was charged and the invoices are payable again.")).toBeVisible();
  expect(await invoiceRow(inv!.id)).toMatchObject({ status: "open", amount_pending: 0 });
  await page.goto(`/pay?invoice=${inv!.id}`);
  await expect(page.getByText("You have a payment in progress")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Continue to secure payment" })).toBeEnabled();
});
