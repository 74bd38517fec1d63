import { createHash, randomBytes } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { data, expect, expectAccessible, sql, tag, test } from "./support/fixtures";
import { parseCsv } from "./support/csv";

// The invoices behind a dashboard figure, and the payments that moved AR, for a customer whose
// ledger is built through the ingest API: an offline payment recorded today with a past received
// date and a void after the as-of date. The page's total equals the API's figure for the same
// scope; the CSV carries the same rows.

const today = () => new Date().toISOString().slice(0, 10);
const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

async function apiKey(): Promise<string> {
  const key = `eipp_${randomBytes(30).toString("base64url")}`;
  await sql`insert into api_keys (id, name, prefix, key_hash, scopes) values (${`key_drill_${randomBytes(6).toString("hex")}`}, 'drill-down e2e', ${key.slice(0, 12)}, ${createHash("sha256").update(key).digest("hex")}, ${["customers:write", "invoices:write", "metrics:read"]})`;
  return key;
}

test("an AR agent drills from overdue AR to its invoices, downloads them as CSV, and sees the payments that moved AR", async ({ page, signInAs, request }) => {
  const key = await apiKey();
  const auth = { Authorization: `Bearer ${key}` };
  const customer = `DRILL-${tag().toUpperCase()}`;
  const name = `Drill, "Down" ${customer}`;
  const day = today();
  const asOf = addDays(day, -5);
  const api = async (r: APIRequestContext, method: "put" | "post", path: string, body: unknown, status: number) => {
    const res = await r[method](`/api/v1${path}`, { headers: auth, data: body });
    expect(res.status(), `${method} ${path}: ${await res.text()}`).toBe(status);
  };
  await api(request, "put", `/customers/${customer}`, { number: customer, name, currency: "USD" }, 201);
  const invoice = (letter: string, issuedDaysAgo: number, dueInDays: number, cents: number) =>
    api(request, "put", `/invoices/${customer}-${letter}`, { customer_external_id: customer, number: `${customer}-${letter}`, currency: "USD", issue_date: addDays(day, -issuedDaysAgo), due_date: addDays(day, dueInDays), terms: "Net 30", tax_total: 0, lines: [{ description: "Goods", quantity: "1", unit_amount: cents }] }, 201);
  await invoice("A", 70, -40, 1_500_00); // 35 days late at the as-of date
  await invoice("B", 45, -15, 820_00); // 10 days late
  await invoice("C", 10, 20, 300_00); // current
  await invoice("D", 60, -30, 400_00); // 25 days late, voided today: still open at the as-of date
  // Received 20 days ago, recorded today: it counts from the day it was received.
  await api(request, "post", `/invoices/${customer}-A/payments`, { amount: 500_00, reference: "chk-drill", received_on: addDays(day, -20) }, 201);
  await api(request, "post", `/invoices/${customer}-D/void`, {}, 200);

  const metrics = await request.get(`/api/v1/metrics/receivables?as_of=${asOf}&months=3&currency=USD&customer=${customer}`, { headers: auth });
  const figures = (await metrics.json()) as { ar_total: number; ar_current: number };
  expect(figures.ar_total - figures.ar_current).toBe(2_220_00);

  await signInAs(await data.staff());
  await page.goto(`/admin/analytics/invoices?figure=ar_overdue&customer=${customer}&as_of=${asOf}&currency=USD`);
  await expect(page.getByRole("heading", { name: "Overdue receivables: the invoices", level: 1 })).toBeVisible();
  await expect(page.getByRole("term").filter({ hasText: "As of" })).toBeVisible();
  await expect(page.getByTestId("figure-total")).toHaveText("3 invoices, total USD 2,220.00");
  const rows = page.getByTestId("figure-invoice");
  await expect(rows).toHaveCount(3);
  const cells = async (i: number) => (await rows.nth(i).locator("td").allInnerTexts()).map((t) => t.trim());
  // Largest balance first: A (1,500 less the 500 received), B, then D (void only after the as-of date).
  expect((await cells(0))[0]).toBe(`${customer}-A`);
  expect((await cells(0)).slice(4)).toEqual(["35", "USD 1,000.00"]);
  expect((await cells(1))[0]).toBe(`${customer}-B`);
  expect((await cells(1)).slice(4)).toEqual(["10", "USD 820.00"]);
  expect((await cells(2))[0]).toBe(`${customer}-D`);
  expect((await cells(2)).slice(4)).toEqual(["25", "USD 400.00"]);
  await expect(rows.nth(0).getByRole("link", { name: name })).toHaveAttribute("href", /^\/admin\/customers\/acc_/);
  await expect(rows.nth(0).getByRole("link", { name: `${customer}-A` })).toHaveAttribute("href", /^\/admin\/invoices\/inv_/);
  await expectAccessible(page);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV" }).click();
  const csv = await download;
  expect(csv.suggestedFilename()).toBe(`ar_overdue-USD-${asOf}-${customer}.csv`);
  const text = Buffer.concat((await (await csv.createReadStream()).toArray()) as Buffer[]).toString("utf8");
  expect(parseCsv(text)).toEqual([
    ["Invoice", "Customer", "Customer number", "Issue date", "Due date", `Days past due at ${asOf}`, "Currency", `Balance at ${asOf} (major units)`],
    [`${customer}-A`, name, customer, addDays(day, -70), addDays(day, -40), "35", "USD", "1000.00"],
    [`${customer}-B`, name, customer, addDays(day, -45), addDays(day, -15), "10", "USD", "820.00"],
    [`${customer}-D`, name, customer, addDays(day, -60), addDays(day, -30), "25", "USD", "400.00"],
  ]);

  // Most days late first keeps the filters.
  await page.getByRole("link", { name: "Most days late first" }).click();
  await expect(rows.first().locator("td").first()).toHaveText(`${customer}-A`);
  await expect(rows.nth(1).locator("td").first()).toHaveText(`${customer}-D`);
  await expect(page.getByTestId("figure-total")).toHaveText("3 invoices, total USD 2,220.00");

  await page.getByRole("link", { name: "Payments that moved AR in the period" }).click();
  await expect(page.getByRole("heading", { name: "Payments that moved AR", level: 1 })).toBeVisible();
  // The payment received 20 days ago; the void (today) is after the as-of date.
  const movements = page.getByTestId("movement");
  await expect(movements).toHaveCount(1);
  expect((await movements.first().locator("td").allInnerTexts()).map((t) => t.trim())).toEqual([
    new Date(`${addDays(day, -20)}T00:00:00Z`).toLocaleDateString("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" }),
    "Payment received",
    `${customer}-A`,
    name,
    "USD 500.00",
  ]);
  await expect(page.getByTestId("movement-total-payment")).toContainText("USD 500.00");
  await expect(page.getByTestId("movement-total-void")).toContainText("USD 0.00");
  await expectAccessible(page);

  // A bad date is explained on the page; the CSV answers 400 in words.
  const bad = await page.goto(`/admin/analytics/invoices?figure=ar_overdue&as_of=${day.slice(0, 8)}32`);
  expect(bad?.status()).toBe(400);
  await expect(page.getByRole("alert")).toContainText("as_of: Use a date (YYYY-MM-DD).");
  const badCsv = await page.request.get(`/admin/analytics/invoices.csv?figure=nope`);
  expect(badCsv.status()).toBe(400);
  expect(await badCsv.text()).toContain('Unknown figure "nope"');
});
