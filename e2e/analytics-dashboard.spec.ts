import { createHash, randomBytes } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { data, expect, expectAccessible, sql, tag, test } from "./support/fixtures";

// The AR dashboard on /admin: a customer's ledger made through the ingest API (invoices with past
// issue dates, offline payments received on past dates), filtered to that customer at a fixed
// date, its tiles as computed by hand, the trend's table, axe, and the drill-down links.

async function apiKey(): Promise<string> {
  const key = `eipp_${randomBytes(30).toString("base64url")}`;
  await sql`insert into api_keys (id, name, prefix, key_hash, scopes)
    values (${`key_dash_${randomBytes(6).toString("hex")}`}, 'dashboard e2e', ${key.slice(0, 12)}, ${createHash("sha256").update(key).digest("hex")}, ${["customers:write", "invoices:write"]})`;
  return key;
}

async function ledger(request: APIRequestContext, customer: string) {
  const headers = { Authorization: `Bearer ${await apiKey()}`, "Content-Type": "application/json" };
  const put = async (path: string, body: object) => expect((await request.put(`/api/v1${path}`, { headers, data: body })).status()).toBe(201);
  await put(`/customers/${customer}`, { number: customer, name: `Dashboard ${customer}`, currency: "USD" });
  const invoice = (letter: string, issue: string, due: string, dollars: number) =>
    put(`/invoices/${customer}-${letter}`, { customer_external_id: customer, number: `${customer}-${letter}`, currency: "USD", issue_date: issue, due_date: due, terms: "Net 30", tax_total: 0, lines: [{ description: "Goods", quantity: "1", unit_amount: dollars * 100 }] });
  const pay = async (letter: string, dollars: number, receivedOn: string) =>
    expect((await request.post(`/api/v1/invoices/${customer}-${letter}/payments`, { headers, data: { amount: dollars * 100, reference: `chk-${letter}`, received_on: receivedOn } })).status()).toBe(201);
  await invoice("Z", "2025-11-15", "2025-12-15", 300);
  await invoice("A", "2026-01-10", "2026-02-09", 1_000);
  await invoice("B", "2026-02-05", "2026-03-07", 2_000);
  await invoice("C", "2026-03-20", "2026-04-19", 500);
  await invoice("D", "2026-03-25", "2026-04-24", 800);
  await pay("Z", 300, "2026-01-20");
  await pay("A", 600, "2026-02-20");
}

test("staff filter the dashboard to a customer at a date: the tiles, the trend's table, axe, and drill-down links with the filters", async ({ page, signInAs }) => {
  const customer = `DASH-${tag().toUpperCase()}`;
  await ledger(page.request, customer);
  await signInAs(await data.staff("ar_agent"));

  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Dashboard" })).toHaveAttribute("aria-current", "page");

  await page.getByLabel("Currency").selectOption("USD");
  await page.getByLabel("Period", { exact: true }).selectOption("quarter");
  await page.getByLabel("As of").fill("2026-03-31");
  await page.getByLabel("Customer").fill(customer);
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(new RegExp(`customer=${customer}`));
  await expect(page.getByTestId("dashboard-scope")).toContainText("as of Mar 31, 2026");
  await expect(page.getByTestId("dashboard-scope")).toContainText("Jan 1, 2026 – Mar 31, 2026 (90 days)");

  // Jan–Mar 2026: sales 4,300; AR 3,700 of which 1,300 current; Dec 31's AR 300 (Z, paid Jan 20).
  const value = (id: string) => page.getByTestId(`tile-${id}`).locator("p").first();
  await expect(value("ar-total")).toHaveText("USD 3,700.00");
  await expect(value("ar-overdue")).toHaveText("USD 2,400.00");
  await expect(value("dso-simple")).toHaveText("77.44 days");
  await expect(value("dso-countback")).toHaveText("71.4 days");
  await expect(value("best-dso")).toHaveText("27.21 days");
  await expect(value("add")).toHaveText("50.23 days");
  await expect(value("cei")).toHaveText("27.27%");
  await expect(page.getByTestId("credit-sales-value")).toHaveText("USD 4,300.00");
  await expect(page.getByTestId("ar-beginning-value")).toHaveText("USD 300.00");
  await expect(page.getByTestId("ar-current-value")).toHaveText("USD 1,300.00");
  // The change against Oct–Dec 2025 (AR 300, DSO simple 92 days), with words for screen readers.
  await expect(page.getByTestId("ar-total-change")).toContainText("▲ USD 3,400.00");
  await expect(page.getByTestId("ar-total-change").getByText("Up USD 3,400.00")).toHaveClass(/sr-only/);
  await expect(page.getByTestId("dso-simple-change")).toContainText("▼ 14.56 days");
  await expect(page.getByTestId("tile-dso-simple")).toContainText("Open AR ÷ credit sales × 90 days in the period.");
  await expect(page.getByTestId("top-overdue")).toContainText(`Dashboard ${customer}`);
  await expect(page.getByTestId("top-overdue")).toContainText("USD 2,400.00");
  await expect(page.getByTestId("aging-table").getByRole("row", { name: /31–60 days/ })).toContainText("USD 400.00");

  // The trend's data table, behind its disclosure.
  const chart = page.getByRole("img", { name: /DSO simple, DSO countback and CEI/ });
  await expect(chart).toBeVisible();
  const trend = page.getByTestId("trend-table");
  await trend.getByText("Show the data as a table").click();
  const table = trend.getByRole("table", { name: "DSO and CEI at each month end" });
  await expect(table).toBeVisible();
  await expect(table.getByRole("row")).toHaveCount(13);
  await expect(table.getByRole("row", { name: /Mar 31, 2026/ })).toHaveText(/77\.44 days\s*71\.4 days\s*27\.27%/);
  await expect(table.getByRole("row", { name: /Dec 31, 2025/ })).toHaveText(/92 days\s*61 days\s*0%/);
  await expectAccessible(page);

  // Every figure opens what is behind it, with the same filters (currency and date resolved).
  const arLink = new URL((await page.getByTestId("ar-total-value").getAttribute("href"))!, "http://x");
  expect(arLink.pathname).toBe("/admin/analytics/invoices");
  expect(Object.fromEntries(arLink.searchParams)).toEqual({ currency: "USD", period: "quarter", as_of: "2026-03-31", customer, figure: "ar_total" });
  const overdueLink = new URL((await page.getByTestId("ar-overdue-value").getAttribute("href"))!, "http://x");
  expect(overdueLink.searchParams.get("figure")).toBe("ar_overdue");
  const ceiLink = new URL((await page.getByTestId("cei-value").getAttribute("href"))!, "http://x");
  expect(ceiLink.pathname).toBe("/admin/analytics/movements");
  expect(Object.fromEntries(ceiLink.searchParams)).toEqual({ currency: "USD", period: "quarter", as_of: "2026-03-31", customer });
  const beginning = new URL((await page.getByTestId("ar-beginning-value").getAttribute("href"))!, "http://x");
  expect(Object.fromEntries(beginning.searchParams)).toMatchObject({ as_of: "2025-12-31", figure: "ar_total" });
});

test("wrong filters are refused beside their fields and stay as typed", async ({ page, signInAs }) => {
  await signInAs(await data.staff("ar_agent"));
  const response = await page.goto("/admin?as_of=2026-02-30&period=custom&months=40&customer=nobody-such");
  expect(response?.status()).toBe(400);
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  await expect(page.getByRole("alert")).toContainText("Some filters are not valid");
  await expect(page.getByLabel("As of")).toHaveValue("2026-02-30");
  await expect(page.getByLabel("As of")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("Use a date (YYYY-MM-DD).")).toBeVisible();
  await expect(page.getByLabel("Months (custom period)")).toHaveValue("40");
  await expect(page.getByText("At most 36 months.")).toBeVisible();
  await expect(page.getByTestId("tile-ar-total")).toHaveCount(0);
  await expectAccessible(page);

  // Once the filters are right, the unknown customer is named beside its field.
  await page.goto("/admin?customer=nobody-such");
  await expect(page.getByLabel("Customer")).toHaveValue("nobody-such");
  await expect(page.getByText('No customer has the number or external id "nobody-such".')).toBeVisible();
});
