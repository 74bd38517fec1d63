import { createHash, randomBytes } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { data, expect, expectAccessible, sql, tag, test } from "./support/fixtures";

// Issue 16, "Terms" and "Shown everywhere": an invoice ingested through the API with 2/10 net 30
// shows its early-payment offer to the payer and to the AR team; a late fee links both ways.

async function apiKey(): Promise<string> {
  const key = `eipp_${randomBytes(30).toString("base64url")}`;
  await sql`insert into api_keys (id, name, prefix, key_hash, scopes)
    values (${`key_epd_${randomBytes(6).toString("hex")}`}, 'discount e2e', ${key.slice(0, 12)}, ${createHash("sha256").update(key).digest("hex")}, ${["invoices:write"]})`;
  return key;
}

/** The company's date (COMPANY_TIME_ZONE is UTC in the e2e stack) `days` from today. */
const utcDay = (days = 0) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const dateText = (iso: string) => new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" }).format(new Date(`${iso}T00:00:00Z`));

async function ingest(request: APIRequestContext, customerExternalId: string) {
  const number = `EPD-${tag().toUpperCase()}`;
  const response = await request.put(`/api/v1/invoices/${number}`, {
    headers: { Authorization: `Bearer ${await apiKey()}`, "Content-Type": "application/json" },
    data: {
      customer_external_id: customerExternalId,
      number,
      currency: "USD",
      issue_date: utcDay(),
      due_date: utcDay(30),
      terms: "Net 30",
      tax_total: 0,
      lines: [{ description: "Pallets", quantity: "1", unit_amount: 1_000_00 }],
      payment_terms: { net_days: 30, discount_percent: "2", discount_days: 10 },
    },
  });
  expect(response.status()).toBe(201);
  const body = (await response.json()) as { id: string; number: string; payment_terms: { discount_until: string } };
  expect(body.payment_terms.discount_until).toBe(utcDay(10));
  return body;
}

test("a 2/10 net 30 invoice shows its offer to the payer and on the admin invoice page; a late fee links to its invoice", async ({ page, signInAs }) => {
  const { user, accounts } = await data.payer();
  const invoice = await ingest(page.request, accounts[0]!.externalId!);
  const offer = `Pay USD 980.00 by ${dateText(utcDay(10))} and save USD 20.00`;
  // A late fee on it, as the fee job posts them: its own invoice linked to this one.
  const feeNumber = `${invoice.number}-LF1`;
  const [fee] = await sql<{ id: string }[]>`
    insert into invoices (id, account_id, number, currency, issue_date, due_date, terms, subtotal, total, late_fee_for_invoice_id, late_fee_period)
    values (${`inv_epd_${tag()}`}, ${accounts[0]!.id}, ${feeNumber}, 'USD', ${utcDay()}, ${utcDay()}, 'Due on receipt', 1500, 1500, ${invoice.id}, 1) returning id`;

  await signInAs(user);
  // The list says so in a badge beside the invoice.
  await page.goto("/invoices");
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: invoice.number, exact: true }) });
  await expect(row.getByTestId("discount-offer-badge")).toHaveText(`Save USD 20.00 by ${dateText(utcDay(10)).replace(/, \d{4}$/, "")}`);
  await page.goto(`/invoices/${invoice.id}`);
  await expect(page.getByTestId("discount-offer")).toContainText(offer);
  await expect(page.getByText("Net 30 (2/10 net 30)")).toBeVisible();
  await expect(page.getByText(`2 % if paid by ${dateText(utcDay(10))}`)).toBeVisible();
  await expect(page.getByRole("link", { name: "Pay this invoice" })).toBeVisible();
  const fees = page.getByRole("region", { name: "Late fees on this invoice" });
  await expect(fees).toContainText("USD 15.00");
  await expectAccessible(page);
  await fees.getByRole("link", { name: `Invoice ${feeNumber}` }).click();
  await expect(page.getByRole("heading", { name: `Invoice ${feeNumber}`, level: 1 })).toBeVisible();
  await expect(page.getByTestId("late-fee-for")).toHaveText(`Late fee on invoice ${invoice.number}`);
  // No discount terms on the fee: no offer.
  await expect(page.getByTestId("discount-offer")).toHaveCount(0);
  await page.getByTestId("late-fee-for").getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/invoices/${invoice.id}$`));

  // The statement offers it on the invoice's line.
  await page.goto("/statement");
  await expect(page.getByTestId("offers-USD")).toContainText(`Invoice ${invoice.number}: ${offer}`);

  await signInAs(await data.staff("ar_agent"));
  await page.goto(`/admin/invoices/${invoice.id}`);
  const terms = page.getByTestId("admin-invoice-terms");
  await expect(terms).toContainText("2/10 net 30");
  await expect(terms).toContainText(`${dateText(utcDay())} to ${dateText(utcDay(10))} (2 %)`);
  await expect(page.getByTestId("admin-discount-offer")).toHaveText(offer);
  await expect(page.getByRole("region", { name: "Late fees on this invoice" }).getByRole("link", { name: `Invoice ${feeNumber}` })).toHaveAttribute("href", `/admin/invoices/${fee!.id}`);
  await expectAccessible(page);
});
