import { randomBytes } from "node:crypto";
import { e2e } from "./support/config";
import { codeOf, data, tag, expect, mailFor, requestLink, signInLinkOf, sql, test, waitForJobs } from "./support/fixtures";

// Signing in through the real emails (link and code). Every other spec starts signed in through
// the `signInAs` fixture.

test("a payer signs in from the emailed link, sees invoices, filters, opens one, downloads its PDF, switches account and signs out", async ({ page }) => {
  // The first account by name is the one a payer of several lands on.
  const t = tag();
  const usd = await data.account({ name: `Alder Traders ${t}` });
  const cad = await data.account({ name: `Birch Traders Canada ${t}`, currency: "CAD" });
  const { user } = await data.payer({ accounts: [usd, cad] });
  const [overdue] = await data.invoices(usd, [{ dueInDays: -100, sku: "SKU-BOLT-10" }, { dueInDays: -10 }, { dueInDays: 20 }]);
  await data.invoice(cad, { dueInDays: 10 });
  const email = await requestLink(page, user.email);
  expect(email.subject).toContain("sign-in link");
  await page.goto(signInLinkOf(email));
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page).toHaveURL(/\/invoices$/);
  await expect(page.getByRole("heading", { name: "Invoices" })).toBeVisible();
  await expect(page.getByText(usd.name, { exact: true })).toBeVisible();
  await expect(page.getByTestId("open-balance-USD")).toContainText("USD");

  await page.getByRole("link", { name: "Overdue", exact: true }).click();
  await expect(page).toHaveURL(/filter=overdue/);
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(2);
  for (const status of await rows.locator("td[data-column=status]").allInnerTexts()) expect(status).toBe("Overdue");

  await page.getByLabel("Search by invoice or PO number").fill(overdue!.poNumber!);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(rows).toHaveCount(1);
  await page.getByRole("link", { name: overdue!.number }).click();
  await expect(page.getByRole("heading", { name: `Invoice ${overdue!.number}` })).toBeVisible();
  await expect(page.getByText("Overdue", { exact: true })).toBeVisible();
  await expect(page.getByRole("cell", { name: /SKU/ }).first()).toBeVisible();

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download PDF" }).click();
  const pdf = await download;
  expect(pdf.suggestedFilename()).toBe(`${overdue!.number}.pdf`);
  const bytes = await (await pdf.createReadStream()).toArray();
  const body = Buffer.concat(bytes as Buffer[]);
  expect(body.subarray(0, 5).toString()).toBe("%PDF-");
  expect(body.toString("latin1")).toContain(`Invoice ${overdue!.number}`);

  await page.getByLabel("Account").selectOption({ label: `${cad.name} (${cad.number})` });
  await page.getByRole("button", { name: "Switch" }).click();
  await expect(page).toHaveURL(/\/invoices$/);
  await expect(page.getByText(cad.name, { exact: true })).toBeVisible();
  await expect(page.getByTestId("open-balance-CAD")).toContainText("CAD");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByText("You have signed out.")).toBeVisible();
  await page.goto("/invoices");
  await expect(page).toHaveURL(/\/login/);
});

test("the short code signs in on another device", async ({ page, browser }) => {
  const { user, accounts } = await data.payer();
  const email = await requestLink(page, user.email);
  const other = await browser.newPage();
  await other.goto(`/login/code?email=${encodeURIComponent(user.email)}`);
  await other.getByLabel("Sign-in code").fill(codeOf(email).toLowerCase());
  await other.getByRole("button", { name: "Sign in with code" }).click();
  await expect(other).toHaveURL(/\/invoices$/);
  await expect(other.getByText(accounts[0]!.name, { exact: true })).toBeVisible();
  await other.close();
});

test("staff land on the AR dashboard", async ({ page }) => {
  const email = await requestLink(page, (await data.staff()).email);
  await page.goto(signInLinkOf(email));
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
});

test("the sign-in pages name the company asking for money, not just a 'payment portal'", async ({ page }) => {
  await page.goto("/login");
  await expect(page.getByTestId("company")).toContainText(e2e.companyName);
  await expect(page).toHaveTitle(`Sign in · ${e2e.companyName}`);
  await page.getByLabel("Email address").fill((await data.payer()).user.email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page).toHaveURL(/\/login\/code/);
  await expect(page.getByTestId("company")).toContainText(e2e.companyName);
  // No logo is configured in this run: none is shown, and its URL says so.
  await expect(page.getByTestId("company").locator("img")).toHaveCount(0);
  expect((await page.request.get("/brand/logo")).status()).toBe(404);
});

test.describe("attacks on sign-in", () => {
  test("a GET of the link (a mail scanner) does not sign in and does not use the link up", async ({ page, request }) => {
    const email = await requestLink(page, (await data.payer()).user.email);
    const link = signInLinkOf(email);
    const scanned = await request.get(link);
    expect(scanned.status()).toBe(200);
    await page.goto("/invoices");
    await expect(page).toHaveURL(/\/login/);
    await page.goto(link);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/invoices$/);
  });

  test("a used link is refused", async ({ page, browser }) => {
    const email = await requestLink(page, (await data.payer()).user.email);
    const link = signInLinkOf(email);
    await page.goto(link);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/invoices$/);

    const attacker = await browser.newPage();
    await attacker.goto(link);
    await attacker.getByRole("button", { name: "Sign in" }).click();
    await expect(attacker.getByRole("alert")).toContainText("already been used");
    await attacker.goto("/invoices");
    await expect(attacker).toHaveURL(/\/login/);
    await attacker.close();
  });

  test("an expired link is refused", async ({ page }) => {
    const { user } = await data.payer();
    const email = await requestLink(page, user.email);
    await sql`update login_tokens set expires_at = now() - interval '1 minute' where email = ${user.email} and consumed_at is null`;
    await page.goto(signInLinkOf(email));
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toContainText("expired");
    await page.goto("/invoices");
    await expect(page).toHaveURL(/\/login/);
  });

  test("a tampered token is refused", async ({ page }) => {
    const email = await requestLink(page, (await data.payer()).user.email);
    const link = signInLinkOf(email);
    const last = link.at(-1) === "A" ? "B" : "A";
    await page.goto(link.slice(0, -1) + last);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toContainText("not valid");
    await page.goto("/invoices");
    await expect(page).toHaveURL(/\/login/);
  });

  test("an unknown email gets the same answer and no mail", async ({ page }) => {
    const nobody = `nobody-${randomBytes(4).toString("hex")}@unknown.example`;
    await page.goto("/login");
    await page.getByLabel("Email address").fill(nobody);
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
    // The same job runs as for a known email: once it has, no mail can still be on its way.
    await waitForJobs({ task: "send_sign_in_link" });
    expect(await mailFor(nobody)).toHaveLength(0);
    expect(await sql`select 1 from login_tokens where email = ${nobody}`).toHaveLength(0);
  });

  test("too many link requests for one email are rate-limited with a clear message", async ({ page }) => {
    const target = `ratelimit-${randomBytes(4).toString("hex")}@unknown.example`;
    for (let i = 0; i < 5; i++) {
      await page.goto("/login");
      await page.getByLabel("Email address").fill(target);
      await page.getByRole("button", { name: "Email me a sign-in link" }).click();
      await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
    }
    await page.goto("/login");
    await page.getByLabel("Email address").fill(target);
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await expect(page.getByRole("alert")).toContainText("Too many sign-in requests");
    await expect(page.getByLabel("Email address")).toHaveValue(target);
  });

  test("a wrong email address gets a specific error and keeps what was typed", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Email address").fill("pat@customer");
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await expect(page.getByText("Enter an email address like name@company.com")).toBeVisible();
    await expect(page.getByLabel("Email address")).toHaveValue("pat@customer");
  });
});

