import { createHash } from "node:crypto";
import type { BrowserContext, Locator, Page } from "@playwright/test";
import { e2e } from "./support/config";
import { expect, sql, test } from "./support/fixtures";
import { otherCustomer, payerWithHistory } from "./support/ledger";

// Read-only checks of the payer's invoice pages against data each describe makes for itself.
// Every expected number comes from the database, never from the page under test.

let pat: Awaited<ReturnType<typeof payerWithHistory>>;
let other: Awaited<ReturnType<typeof otherCustomer>>;
test.beforeAll(async () => {
  pat = await payerWithHistory();
  other = await otherCustomer();
});

/** The portal's business day is the UTC date. */
const today = () => new Date().toISOString().slice(0, 10);

/** "USD 1,234.56" → 123456 (minor units). */
function minorOf(text: string): number {
  const match = /([A-Z]{3})\s*(-?[\d,]+\.\d{2})/.exec(text);
  if (!match) throw new Error(`no amount in "${text}"`);
  return Math.round(Number(match[2]!.replace(/,/g, "")) * 100);
}

/** 123456, "USD" → "USD 1,234.56" (as the portal prints money). */
function money(minor: number, currency: string): string {
  const units = (minor / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${currency} ${units}`;
}

const dateText = (iso: string) =>
  new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" }).format(new Date(`${iso}T00:00:00Z`));

/** The hash of this browser context's session id: the primary key of its sessions row. */
async function sessionHashOf(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies(e2e.appUrl)).find((c) => c.name === "portal_session");
  if (!cookie) throw new Error("not signed in");
  const raw = JSON.parse(Buffer.from(decodeURIComponent(cookie.value), "base64").toString("utf8")) as string;
  return createHash("sha256").update(raw).digest("hex");
}

const rows = (page: Page) => page.locator("main table tbody tr");
const statusCells = (page: Page) => rows(page).locator("td[data-column=status]");
const numberCells = (page: Page) => rows(page).locator("a[data-column=number]");
const balanceCells = (page: Page) => rows(page).locator("td:last-child");
const pagination = (page: Page) => page.getByRole("navigation", { name: "Pagination" });

async function amountsOf(cells: Locator): Promise<number[]> {
  return (await cells.allInnerTexts()).map(minorOf);
}

test.describe("a payer's invoice list", () => {
  test.beforeEach(async ({ signInAs }) => {
    await signInAs(pat.user);
  });

  test("shows the open, overdue and next-due figures of the active account", async ({ page }) => {
    const northwind = pat.usd.id;
    const day = today();
    const [expected] = await sql<{ open: string; open_count: number; overdue: string; overdue_count: number; next_due: string | null }[]>`
      select coalesce(sum(balance), 0)::text as open,
             count(*)::int as open_count,
             coalesce(sum(balance) filter (where due_date < ${day}::date), 0)::text as overdue,
             (count(*) filter (where due_date < ${day}::date))::int as overdue_count,
             (min(due_date) filter (where due_date >= ${day}::date))::text as next_due
      from invoices where account_id = ${northwind} and status = 'open' and balance > 0`;

    await page.goto("/invoices");
    await expect(page.getByRole("heading", { name: "Invoices", level: 1 })).toBeVisible();
    await expect(page.getByText(pat.usd.name, { exact: true })).toBeVisible();
    const balances = page.getByRole("region", { name: "Balances" });
    await expect(balances.getByTestId("open-balance-USD")).toHaveText(money(Number(expected!.open), "USD"));
    await expect(balances.getByText(`${expected!.open_count} open invoices`)).toBeVisible();
    await expect(balances.getByTestId("overdue-balance-USD")).toHaveText(money(Number(expected!.overdue), "USD"));
    await expect(balances.getByText(`${expected!.overdue_count} overdue invoices`)).toBeVisible();
    expect(expected!.overdue_count).toBeGreaterThan(0);
    expect(expected!.next_due).not.toBeNull();
    await expect(balances.getByText(dateText(expected!.next_due!), { exact: true })).toBeVisible();
    // Only USD on this account: no CAD figures leak in from the payer's CAD account.
    await expect(balances.getByTestId("open-balance-CAD")).toHaveCount(0);
  });

  test("each filter shows only the matching statuses, and as many invoices as the account has", async ({ page }) => {
    const northwind = pat.usd.id;
    const day = today();
    const [counts] = await sql<{ open: number; overdue: number; paid: number; all: number }[]>`
      select (count(*) filter (where status = 'open' and balance > 0))::int as open,
             (count(*) filter (where status = 'open' and balance > 0 and due_date < ${day}::date))::int as overdue,
             (count(*) filter (where status = 'paid'))::int as paid,
             count(*)::int as all
      from invoices where account_id = ${northwind}`;
    const allowed: Record<string, string[]> = {
      Open: ["Open", "Partially paid", "Overdue"],
      Overdue: ["Overdue"],
      Paid: ["Paid"],
      All: ["Open", "Partially paid", "Overdue", "Paid", "Void"],
    };
    const expectedTotal: Record<string, number> = { Open: counts!.open, Overdue: counts!.overdue, Paid: counts!.paid, All: counts!.all };

    await page.goto("/invoices");
    const filters = page.getByRole("navigation", { name: "Filter invoices" });
    // The list opens on "Open".
    await expect(filters.getByRole("link", { name: "Open", exact: true })).toHaveAttribute("aria-current", "page");

    for (const [label, statuses] of Object.entries(allowed)) {
      await filters.getByRole("link", { name: label, exact: true }).click();
      await expect(page).toHaveURL(new RegExp(`filter=${label.toLowerCase()}`));
      await expect(filters.getByRole("link", { name: label, exact: true })).toHaveAttribute("aria-current", "page");
      await expect(pagination(page)).toContainText(`${expectedTotal[label]} invoices`);
      await expect(rows(page).first()).toBeVisible();
      const seen = await statusCells(page).allInnerTexts();
      expect(seen.length).toBe(Math.min(25, expectedTotal[label]!));
      for (const status of seen) expect(statuses, `status on the "${label}" filter`).toContain(status.trim());
    }
    // "All" really mixes states: page 1 is the newest 25 of paid, open and void invoices.
    expect(new Set((await statusCells(page).allInnerTexts()).map((s) => s.trim())).size).toBeGreaterThan(1);
  });

  test("sorting by Balance orders the amounts, and toggles", async ({ page }) => {
    const northwind = pat.usd.id;
    const dbBalances = (await sql<{ balance: string }[]>`select balance::text from invoices where account_id = ${northwind} and status = 'open' and balance > 0`)
      .map((r) => Number(r.balance))
      .sort((a, b) => a - b);

    await page.goto("/invoices?filter=open");
    const header = page.getByRole("columnheader", { name: /Balance/ });

    await header.getByRole("link").click();
    await expect(page).toHaveURL(/sort=balance&dir=asc/);
    await expect(header).toHaveAttribute("aria-sort", "ascending");
    const ascending = await amountsOf(balanceCells(page));
    expect(ascending).toEqual(dbBalances);
    expect(ascending[0]).toBeLessThan(ascending.at(-1)!);

    await header.getByRole("link").click();
    await expect(page).toHaveURL(/sort=balance&dir=desc/);
    await expect(header).toHaveAttribute("aria-sort", "descending");
    const descending = await amountsOf(balanceCells(page));
    expect(descending).toEqual([...dbBalances].reverse());
    // The filter survives the sort.
    await expect(page).toHaveURL(/filter=open/);
  });

  test('"All" pages through the account\'s 40 invoices without repeating one', async ({ page }) => {
    const northwind = pat.usd.id;
    const all = (await sql<{ number: string }[]>`select number from invoices where account_id = ${northwind}`).map((r) => r.number);
    expect(all).toHaveLength(40);

    await page.goto("/invoices");
    await page.getByRole("navigation", { name: "Filter invoices" }).getByRole("link", { name: "All", exact: true }).click();
    await expect(pagination(page)).toContainText("Page 1 of 2 · 40 invoices");
    await expect(pagination(page).getByRole("link", { name: "Previous" })).toHaveCount(0);
    await expect(rows(page)).toHaveCount(25);
    const first = await numberCells(page).allInnerTexts();

    await pagination(page).getByRole("link", { name: "Next" }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(page).toHaveURL(/filter=all/);
    await expect(pagination(page)).toContainText("Page 2 of 2 · 40 invoices");
    await expect(pagination(page).getByRole("link", { name: "Next" })).toHaveCount(0);
    await expect(rows(page)).toHaveCount(15);
    const second = await numberCells(page).allInnerTexts();

    expect(first.filter((n) => second.includes(n)), "invoices on both pages").toEqual([]);
    expect([...first, ...second].sort()).toEqual([...all].sort());

    await pagination(page).getByRole("link", { name: "Previous" }).click();
    await expect(page).toHaveURL(/page=1/);
    await expect(pagination(page)).toContainText("Page 1 of 2");
    await expect(numberCells(page)).toHaveText(first);
  });

  test("searches by PO number, only within the payer's own invoices", async ({ page }) => {
    const northwind = pat.usd.id;
    const globex = other.account.id;
    const [paidWithPo] = await sql<{ number: string; po_number: string }[]>`
      select number, po_number from invoices where account_id = ${northwind} and status = 'paid' and po_number is not null order by number limit 1`;
    const [foreignPo] = await sql<{ po_number: string }[]>`select po_number from invoices where account_id = ${globex} and po_number is not null order by number limit 1`;

    await page.goto("/invoices");
    const search = page.getByLabel("Search by invoice or PO number");
    const po = pat.longOverdue.poNumber!;
    await search.fill(po);
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(new RegExp(`q=${po}`));
    await expect(rows(page)).toHaveCount(1);
    await expect(numberCells(page)).toHaveText([pat.longOverdue.number]);
    await expect(rows(page).first()).toContainText(`PO ${po}`);

    // A paid invoice is found on "All", where the search keeps its term.
    await page.getByRole("navigation", { name: "Filter invoices" }).getByRole("link", { name: "All", exact: true }).click();
    await expect(page).toHaveURL(/filter=all/);
    await search.fill(paidWithPo!.po_number);
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(new RegExp(`q=${paidWithPo!.po_number}`));
    await expect(numberCells(page)).toHaveText([paidWithPo!.number]);
    await expect(statusCells(page)).toHaveText(["Paid"]);

    // Another customer's PO finds nothing.
    await search.fill(foreignPo!.po_number);
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(new RegExp(`q=${foreignPo!.po_number}`));
    await expect(rows(page)).toHaveCount(0);
    await expect(page.getByText(`match “${foreignPo!.po_number}”`)).toBeVisible();
  });
});

test.describe("an invoice", () => {
  test.beforeEach(async ({ signInAs }) => {
    await signInAs(pat.user);
  });

  async function expectInvoiceMatchesDb(page: Page, number: string) {
    const day = today();
    const [inv] = await sql<
      { id: string; currency: string; subtotal: string; tax_total: string; tax_label: string | null; total: string; amount_paid: string; amount_credited: string; po_number: string | null; days_late: number }[]
    >`select id, currency, subtotal::text, tax_total::text, tax_label, total::text, amount_paid::text, amount_credited::text, po_number,
             (${day}::date - due_date)::int as days_late
      from invoices where number = ${number}`;
    const lines = await sql<{ description: string; sku: string | null; amount: string }[]>`
      select description, sku, amount::text from invoice_lines where invoice_id = ${inv!.id} order by position`;
    const cur = inv!.currency;

    await page.goto(`/invoices/${inv!.id}`);
    await expect(page.getByRole("heading", { name: `Invoice ${number}`, level: 1 })).toBeVisible();
    await expect(page).toHaveTitle(`Invoice ${number} · Payment portal`);

    const lineRows = page.locator("main table").first().locator("tbody tr");
    await expect(lineRows).toHaveCount(lines.length);
    for (const [i, line] of lines.entries()) {
      const row = lineRows.nth(i);
      await expect(row.locator("td").first()).toContainText(line.description);
      if (line.sku) await expect(row).toContainText(`SKU ${line.sku}`);
      await expect(row.locator("td").last()).toHaveText(money(Number(line.amount), cur));
    }
    expect(lines.reduce((s, l) => s + Number(l.amount), 0)).toBe(Number(inv!.subtotal));

    const totals = page.getByLabel("Totals");
    const value = (label: string) => totals.locator("div").filter({ has: page.getByText(label, { exact: true }) }).locator("dd");
    await expect(value("Subtotal")).toHaveText(money(Number(inv!.subtotal), cur));
    await expect(value(inv!.tax_label ?? "Tax")).toHaveText(money(Number(inv!.tax_total), cur));
    await expect(value("Total")).toHaveText(money(Number(inv!.total), cur));
    await expect(value("Amount paid")).toHaveText(money(Number(inv!.amount_paid), cur));
    const balance = Number(inv!.total) - Number(inv!.amount_paid) - Number(inv!.amount_credited);
    await expect(page.getByTestId("invoice-balance")).toHaveText(money(balance, cur));
    return { ...inv!, balance };
  }

  test("a long overdue invoice shows its lines, totals, full balance and overdue status", async ({ page }) => {
    const inv = await expectInvoiceMatchesDb(page, pat.longOverdue.number);
    expect(inv.po_number).toBe(pat.longOverdue.poNumber);
    expect(Number(inv.amount_paid)).toBe(0);
    expect(inv.balance).toBe(Number(inv.total));
    await expect(page.locator("main").getByText("Overdue", { exact: true })).toBeVisible();
    expect(inv.days_late).toBeGreaterThan(90);
    await expect(page.getByText(`${inv.days_late} days past due`)).toBeVisible();
    await expect(page.locator("dl").first()).toContainText(pat.longOverdue.poNumber!);
    await expect(page.locator("dl").first()).toContainText(`${pat.usd.name} (${pat.usd.number})`);
  });

  test("a partly paid overdue invoice shows balance = total − paid", async ({ page }) => {
    const northwind = pat.usd.id;
    const [partial] = await sql<{ number: string }[]>`
      select number from invoices where account_id = ${northwind} and status = 'open' and amount_paid > 0 and due_date < ${today()}::date order by number limit 1`;
    expect(partial, "a partly paid overdue invoice").toBeDefined();
    const inv = await expectInvoiceMatchesDb(page, partial!.number);
    expect(inv.balance).toBeLessThan(Number(inv.total));
    expect(inv.balance).toBeGreaterThan(0);
    // Overdue wins over partially paid.
    await expect(page.locator("main").getByText("Overdue", { exact: true })).toBeVisible();
  });
});

test.describe("the statement of account", () => {
  test("aging buckets add up to the open total, bucket by bucket, and the PDF downloads", async ({ page, signInAs }) => {
    await signInAs(pat.user);
    const northwind = pat.usd.id;
    const day = today();
    const [aging] = await sql<{ current: string; days1to30: string; days31to60: string; days61to90: string; over90: string; total: string }[]>`
      with open as (
        select balance, greatest(0, ${day}::date - due_date) as late
        from invoices where account_id = ${northwind} and status = 'open' and balance > 0)
      select coalesce(sum(balance) filter (where late = 0), 0)::text as current,
             coalesce(sum(balance) filter (where late between 1 and 30), 0)::text as days1to30,
             coalesce(sum(balance) filter (where late between 31 and 60), 0)::text as days31to60,
             coalesce(sum(balance) filter (where late between 61 and 90), 0)::text as days61to90,
             coalesce(sum(balance) filter (where late > 90), 0)::text as over90,
             coalesce(sum(balance), 0)::text as total
      from open`;

    await page.goto("/statement");
    await expect(page.getByRole("heading", { name: "Statement of account", level: 1 })).toBeVisible();
    // The default period: the current month up to today.
    const from = `${day.slice(0, 8)}01`;
    await expect(page.getByText(`${pat.usd.name} (${pat.usd.number}) · ${dateText(from)} – ${dateText(day)}`)).toBeVisible();

    const keys = ["current", "days1to30", "days31to60", "days61to90", "over90"] as const;
    const shown: number[] = [];
    for (const key of keys) {
      const text = await page.getByTestId(`aging-USD-${key}`).innerText();
      expect(minorOf(text), `bucket ${key}`).toBe(Number(aging![key]));
      shown.push(minorOf(text));
    }
    const total = Number(aging!.total);
    expect(shown.reduce((a, b) => a + b, 0)).toBe(total);
    await expect(page.getByRole("heading", { name: `USD — ${money(total, "USD")} owed at ${dateText(day)}` })).toBeVisible();
    await expect(page.getByRole("table", { name: "Activity in USD" })).toBeVisible();

    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download statement PDF" }).click();
    const pdf = await download;
    expect(pdf.suggestedFilename()).toBe(`statement-${pat.usd.number}-${from}-${day}.pdf`);
    const body = Buffer.concat((await (await pdf.createReadStream()).toArray()) as Buffer[]);
    expect(body.subarray(0, 5).toString()).toBe("%PDF-");
  });
});

test.describe("tenant isolation and session safety", () => {
  test("a payer of another customer gets 404 for an invoice and its PDF", async ({ page, signInAs }) => {
    await signInAs(other.user);
    const northwindInvoice = pat.longOverdue.id;
    const own = other.invoices[0]!;

    // Control: her own invoice opens.
    await page.goto(`/invoices/${own!.id}`);
    await expect(page.getByRole("heading", { name: `Invoice ${own!.number}` })).toBeVisible();

    const response = await page.goto(`/invoices/${northwindInvoice}`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page.getByText(pat.longOverdue.number)).toHaveCount(0);

    const pdf = await page.request.get(`/invoices/${northwindInvoice}/pdf`);
    expect(pdf.status()).toBe(404);
    expect((await pdf.body()).subarray(0, 5).toString()).not.toBe("%PDF-");
    // Her own PDF does download on the same session.
    const ownPdf = await page.request.get(`/invoices/${own!.id}/pdf`);
    expect(ownPdf.status()).toBe(200);
  });

  test("switching to an account the payer does not belong to answers 404 and changes nothing", async ({ page, context, signInAs }) => {
    await signInAs(pat.user);
    const globex = other.account.id;
    await page.goto("/invoices");
    await expect(page.getByText(pat.usd.name, { exact: true })).toBeVisible();

    const response = await page.request.post("/account/switch", {
      headers: { Origin: e2e.appUrl },
      form: { accountId: globex, returnTo: "/invoices" },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(404);

    const hash = await sessionHashOf(context);
    const [session] = await sql<{ active_account_id: string | null }[]>`select active_account_id from sessions where id_hash = ${hash}`;
    expect(session, "the session survives").toBeDefined();
    expect(session!.active_account_id).not.toBe(globex);

    await page.reload();
    await expect(page.getByText(pat.usd.name, { exact: true })).toBeVisible();
    await expect(page.getByText(other.account.name)).toHaveCount(0);
    await expect(page.getByLabel("Account")).not.toContainText(other.account.name);
  });

  test("a cross-site POST to /logout is refused and the session stays", async ({ page, context, signInAs }) => {
    await signInAs(pat.user);
    const response = await page.request.post("/logout", { headers: { Origin: "https://evil.example" }, maxRedirects: 0 });
    expect(response.status()).toBe(403);
    expect(await response.text()).toContain("sent from another site");

    const [session] = await sql`select 1 from sessions where id_hash = ${await sessionHashOf(context)}`;
    expect(session, "the session survives").toBeDefined();
    await page.goto("/invoices");
    await expect(page).toHaveURL(/\/invoices$/);
    await expect(page.getByRole("heading", { name: "Invoices", level: 1 })).toBeVisible();
  });

  test("signed out, /invoices redirects to /login", async ({ page }) => {
    await page.goto("/invoices");
    await expect(page).toHaveURL(/\/login(\?|$)/);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  });

  test("a session idle for 31 minutes is sent to /login (29 minutes is still fine)", async ({ page, context, signInAs }) => {
    await signInAs(pat.user);
    // Only this test's session.
    const hash = await sessionHashOf(context);

    await sql`update sessions set last_seen_at = now() - interval '29 minutes' where id_hash = ${hash}`;
    await page.goto("/invoices");
    await expect(page.getByRole("heading", { name: "Invoices", level: 1 })).toBeVisible();

    await sql`update sessions set last_seen_at = now() - interval '31 minutes' where id_hash = ${hash}`;
    await page.goto("/statement");
    await expect(page).toHaveURL(/\/login(\?|$)/);
    expect(await sql`select 1 from sessions where id_hash = ${hash}`).toHaveLength(0);
  });
});
