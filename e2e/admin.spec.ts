import { createHash } from "node:crypto";
import type { BrowserContext, Page } from "@playwright/test";
import { e2e } from "./support/config";
import { data, expect, sql, test } from "./support/fixtures";
import { payerWithHistory } from "./support/ledger";

// The AR team's area, read-only, over customers this spec makes. Expected figures come from the
// database.

let pat: Awaited<ReturnType<typeof payerWithHistory>>;
/** Another customer with two contacts and a paid invoice; its name shares the tag of pat's. */
let globex: Awaited<ReturnType<typeof data.account>>;
let t: string;
test.beforeAll(async () => {
  pat = await payerWithHistory();
  t = pat.usd.name.split(" ")[1]!;
  globex = await data.account({ name: `Globe Corp ${t}` });
  await data.payer({ accounts: [globex] });
  await data.payer({ accounts: [globex] });
  await data.invoices(globex, [{ total: 812_00, dueInDays: -15 }, { total: 99_00, status: "paid", dueInDays: -40 }]);
});

const today = () => new Date().toISOString().slice(0, 10);

/** 123456, "USD" → "USD 1,234.56" (as the portal prints money). */
function money(minor: number, currency: string): string {
  const units = (minor / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${currency} ${units}`;
}

async function sessionHashOf(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies(e2e.appUrl)).find((c) => c.name === "portal_session");
  if (!cookie) throw new Error("not signed in");
  const raw = JSON.parse(Buffer.from(decodeURIComponent(cookie.value), "base64").toString("utf8")) as string;
  return createHash("sha256").update(raw).digest("hex");
}

const tableRows = (page: Page) => page.locator("main table tbody tr");
const rowOf = (page: Page, linkName: string) => tableRows(page).filter({ has: page.getByRole("link", { name: linkName, exact: true }) });
const pagination = (page: Page) => page.getByRole("navigation", { name: "Pagination" });

test.describe("payers", () => {
  test("get 404 for every admin page", async ({ page, signInAs }) => {
    await signInAs(pat.user);
    for (const path of ["/admin", "/admin/customers", "/admin/invoices", `/admin/customers/${pat.usd.id}`, `/admin/invoices/${pat.longOverdue.id}`]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(404);
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
      await expect(page.getByText("AR admin")).toHaveCount(0);
    }
    // Still signed in as a payer: the 404 did not end the session.
    await page.goto("/invoices");
    await expect(page.getByRole("heading", { name: "Invoices", level: 1 })).toBeVisible();
  });
});

for (const [role, title] of [
  ["ar_agent", "AR agent"],
  ["ar_admin", "AR admin"],
] as const) {
  test.describe(`staff (${title})`, () => {
    let who: string;
    test.beforeEach(async ({ signInAs }) => {
      const user = await data.staff(role);
      who = `${user.name} · ${title}`;
      await signInAs(user);
    });

    test("sees every customer with balances and contact counts, and searches by name", async ({ page }) => {
      const day = today();
      const expected = await sql<{ id: string; name: string; number: string; contacts: number; currency: string | null; open: string | null; overdue: string | null }[]>`
        select a.id, a.name, a.number,
               (select count(*)::int from account_contacts c where c.account_id = a.id) as contacts,
               b.currency, b.open, b.overdue
        from accounts a
        left join lateral (
          select currency, sum(balance)::text as open, coalesce(sum(balance) filter (where due_date < ${day}::date), 0)::text as overdue
          from invoices i where i.account_id = a.id and i.status = 'open' and i.balance > 0 group by currency
        ) b on true
        where a.id in (${pat.usd.id}, ${pat.cad.id}, ${globex.id})`;
      expect(expected).toHaveLength(3);

      await page.goto("/admin/customers");
      await expect(page.getByRole("heading", { name: "Customers", level: 1 })).toBeVisible();
      await expect(page.getByText(who)).toBeVisible();
      // This spec's customers, among however many others exist.
      await page.getByLabel("Search by name, number or ERP id").fill(t);
      await page.getByRole("button", { name: "Search" }).click();
      await expect(tableRows(page)).toHaveCount(3);

      for (const c of expected) {
        const row = rowOf(page, c.name);
        await expect(row).toHaveCount(1);
        await expect(row.locator("td").nth(0)).toContainText(c.number);
        await expect(row.locator("td").nth(2)).toHaveText(String(c.contacts));
        await expect(row.locator("td").nth(3)).toHaveText(money(Number(c.open), c.currency!));
        await expect(row.locator("td").nth(4)).toHaveText(money(Number(c.overdue), c.currency!));
      }
      expect(expected.find((c) => c.id === globex.id)!.contacts).toBe(2);
      await expect(rowOf(page, pat.cad.name).locator("td").nth(3)).toContainText("CAD");

      await page.getByLabel("Search by name, number or ERP id").fill(`globe corp ${t}`);
      await page.getByRole("button", { name: "Search" }).click();
      await expect(page).toHaveURL(/q=globe/);
      await expect(tableRows(page)).toHaveCount(1);
      await expect(rowOf(page, globex.name)).toHaveCount(1);

      await page.getByLabel("Search by name, number or ERP id").fill(pat.cad.name);
      await page.getByRole("button", { name: "Search" }).click();
      await expect(tableRows(page)).toHaveCount(1);
      await expect(rowOf(page, pat.cad.name)).toHaveCount(1);

      await page.getByLabel("Search by name, number or ERP id").fill("no such customer");
      await page.getByRole("button", { name: "Search" }).click();
      await expect(tableRows(page)).toHaveCount(0);
      await expect(page.getByText("No customers match “no such customer”.")).toBeVisible();
    });

    test("opens a customer, lists its contacts, and follows “See all invoices”", async ({ page }) => {
      const contacts = await sql<{ name: string; email: string }[]>`
        select u.name, u.email from account_contacts c join users u on u.id = c.user_id where c.account_id = ${globex.id} order by u.name`;
      const [{ count } = { count: 0 }] = await sql<{ count: number }[]>`select count(*)::int as count from invoices where account_id = ${globex.id}`;
      expect(contacts).toHaveLength(2);

      await page.goto(`/admin/customers?q=${encodeURIComponent(globex.name)}`);
      await page.getByRole("link", { name: globex.name, exact: true }).click();
      await expect(page).toHaveURL(`/admin/customers/${globex.id}`);
      await expect(page.getByRole("heading", { name: globex.name, level: 1 })).toBeVisible();
      await expect(page.getByText(`${globex.number} · ERP id ${globex.externalId}`)).toBeVisible();

      const contactRows = page.locator("main table tbody tr");
      await expect(contactRows).toHaveCount(contacts.length);
      for (const [i, c] of contacts.entries()) {
        await expect(contactRows.nth(i).locator("td").nth(0)).toContainText(c.name);
        await expect(contactRows.nth(i).locator("td").nth(1)).toHaveText(c.email);
      }

      await page.getByRole("link", { name: `See all invoices of ${globex.name}` }).click();
      await expect(page).toHaveURL(new RegExp(`/admin/invoices\\?account=${globex.id}&filter=all$`));
      await expect(pagination(page)).toContainText(`${count} invoices`);
      const customers = await tableRows(page).locator("td[data-column=customer]").allInnerTexts();
      expect(customers.length).toBe(Math.min(25, count));
      for (const name of customers) expect(name).toBe(globex.name);
    });

    test("searches invoices across customers by number and by customer name, and opens one", async ({ page }) => {
      const byName = `Alder ${t}`;
      const [{ count: northwindCount } = { count: 0 }] = await sql<{ count: number }[]>`
        select count(*)::int as count from invoices i join accounts a on a.id = i.account_id where a.name ilike ${`%${byName}%`} or i.number ilike ${`%${byName}%`} or i.po_number ilike ${`%${byName}%`}`;
      const [inv] = await sql<{ id: string; number: string }[]>`
        select i.id, i.number from invoices i where i.account_id = ${globex.id} and i.status = 'paid' order by i.number limit 1`;

      await page.goto("/admin/customers");
      await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Invoices" }).click();
      await expect(page).toHaveURL(/\/admin\/invoices$/);
      const search = page.getByLabel("Search by invoice, PO or customer");

      // By number: a paid invoice of the other customer, so switch to "All" first.
      await page.getByRole("navigation", { name: "Filter invoices" }).getByRole("link", { name: "All", exact: true }).click();
      await expect(page).toHaveURL(/filter=all/);
      await search.fill(inv!.number);
      await page.getByRole("button", { name: "Search" }).click();
      await expect(page).toHaveURL(new RegExp(`q=${inv!.number}`));
      await expect(tableRows(page)).toHaveCount(1);
      await expect(tableRows(page).first()).toContainText(globex.name);
      await expect(tableRows(page).first()).toContainText("Paid");
      await expect(page.getByTestId("search-match")).toContainText(`The invoice numbered ${inv!.number}.`);

      // A piece from inside the number: not a number's start, so found only when asked to search everywhere.
      const inside = inv!.number.slice(1);
      await search.fill(inside);
      await page.getByRole("button", { name: "Search" }).click();
      await expect(page.getByText("No invoices match.")).toBeVisible();
      await page.getByRole("link", { name: "Search everywhere (slower)" }).click();
      await expect(page).toHaveURL(/match=contains/);
      await expect(page.getByRole("link", { name: inv!.number, exact: true })).toBeVisible();

      // By customer name: both of pat's accounts, USD and CAD.
      await search.fill(byName.toLowerCase());
      await page.getByRole("button", { name: "Search" }).click();
      await expect(pagination(page)).toContainText(`${northwindCount} invoices`);
      expect(northwindCount).toBeGreaterThan(40);
      const names = new Set<string>();
      for (let p = 1; ; p++) {
        await expect(pagination(page)).toContainText(`Page ${p} of`);
        for (const n of await tableRows(page).locator("td[data-column=customer]").allInnerTexts()) names.add(n);
        const next = pagination(page).getByRole("link", { name: "Next" });
        if ((await next.count()) === 0) break;
        await next.click();
      }
      expect([...names].sort()).toEqual([pat.usd.name, pat.cad.name].sort());

      // Open the long overdue invoice from the search results.
      const number = pat.longOverdue.number;
      await search.fill(number);
      await page.getByRole("button", { name: "Search" }).click();
      await expect(tableRows(page)).toHaveCount(1);
      await page.getByRole("link", { name: number, exact: true }).click();
      await expect(page).toHaveURL(/\/admin\/invoices\/inv_/);
      await expect(page.getByRole("heading", { name: `Invoice ${number}`, level: 1 })).toBeVisible();
      await expect(page.locator("main").getByText("Overdue", { exact: true })).toBeVisible();
      await expect(page.getByRole("cell", { name: /SKU/ }).first()).toBeVisible();
      await expect(page.getByRole("link", { name: "Download PDF" })).toHaveCount(0);
      await page.getByRole("link", { name: `← ${pat.usd.name}` }).click();
      await expect(page.getByRole("heading", { name: pat.usd.name, level: 1 })).toBeVisible();
    });

    test("visiting /invoices is redirected to /admin, which opens the AR dashboard", async ({ page }) => {
      await page.goto("/invoices");
      await expect(page).toHaveURL(/\/admin$/);
      await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
      await page.goto("/statement");
      await expect(page).toHaveURL(/\/admin$/);
    });
  });
}

test("a staff session idles out after 15 minutes", async ({ page, context, signInAs }) => {
  await signInAs(await data.staff());
  const hash = await sessionHashOf(context);
  await sql`update sessions set last_seen_at = now() - interval '16 minutes' where id_hash = ${hash}`;
  await page.goto("/admin/customers");
  await expect(page).toHaveURL(/\/login(\?|$)/);
});
