import type { Page } from "@playwright/test";
import { data, expect, expectAccessible, sql, test } from "./support/fixtures";
import { newId } from "#db/schema/ids";
import { payerWithHistory } from "./support/ledger";

// Every page, on a desktop and (projects "phone" and "phone-360") a Pixel 7 at 412 and 360 px:
// WCAG 2.2 AA by axe-core, and no sideways scrolling of the page itself (wide tables scroll inside
// their own box; the invoice lists become cards, so their Balance is always in view).

/**
 * The page must not be wider than the viewport. On a phone, Chrome grows window.innerWidth to
 * the content's width when a page overflows (it zooms out to fit), so `scrollWidth <=
 * innerWidth` alone would always hold there: compare with the device's viewport width as well.
 * And nothing visible may stick out of the viewport, except inside a box that scrolls or clips
 * (the wide tables): that catches a control cut off at the edge by a pixel's rounding too.
 */
async function expectNoHorizontalOverflow(page: Page) {
  const viewport = page.viewportSize()?.width ?? Number.POSITIVE_INFINITY;
  const { scrollWidth, innerWidth, outside } = await page.evaluate((viewport) => {
    const width = Math.min(window.innerWidth, viewport);
    const inScroller = (el: Element) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== "visible") return true;
      }
      return false;
    };
    const outside = [...document.querySelectorAll<HTMLElement>("body *")]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 1 && r.height > 1 && (r.right > width + 0.5 || r.left < -0.5) && !inScroller(el);
      })
      .slice(0, 5)
      .map((el) => {
        const r = el.getBoundingClientRect();
        return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} "${(el.textContent ?? "").trim().slice(0, 30)}" (${Math.round(r.left)}–${Math.round(r.right)})`;
      });
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, outside };
  }, viewport);
  const limit = Math.min(innerWidth, viewport);
  expect(scrollWidth, `page wider than the ${limit}px viewport on ${page.url()}: ${outside.join(", ")}`).toBeLessThanOrEqual(limit + 1);
  expect(outside, `elements outside the ${limit}px viewport on ${page.url()}`).toEqual([]);
}

async function check(page: Page, path: string, heading: string | RegExp) {
  const response = await page.goto(path);
  await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await expectAccessible(page);
  return response;
}

/** Below Tailwind's `sm` (640 px) the phone layouts apply. */
const isPhone = (page: Page) => (page.viewportSize()?.width ?? Number.POSITIVE_INFINITY) < 640;

/** Every row's balance (the last cell) lies inside the viewport: nobody scrolls to see what they owe. */
async function expectBalancesInView(page: Page) {
  const viewport = page.viewportSize()!.width;
  const cells = page.locator("main table tbody tr td:last-child");
  const count = await cells.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const box = (await cells.nth(i).boundingBox())!;
    expect(box.x, `balance of row ${i + 1} starts on screen`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `balance of row ${i + 1} ends inside the ${viewport}px viewport`).toBeLessThanOrEqual(viewport);
  }
}

/** The default of COMPANY_NAME (the e2e app leaves it unset). */
const companyName = "Acme Supply Co.";

/**
 * What the pages show, made for this spec: a payer of two accounts with a history (see
 * ledger.ts), a succeeded payment of one of their paid invoices and a paid-off plan that paid it
 * (both written directly, balances untouched), another payer with disputes in several states,
 * and staff.
 */
let world: Awaited<ReturnType<typeof makeWorld>>;
test.beforeAll(async () => {
  world = await makeWorld();
});

async function makeWorld() {
  const pat = await payerWithHistory();
  const paid = pat.invoices.find((i) => i.status === "paid")!;
  const paymentId = newId("pay");
  await sql`insert into payments (id, account_id, created_by_user_id, amount, currency, status, method, method_label, succeeded_at)
    values (${paymentId}, ${pat.usd.id}, ${pat.user.id}, ${paid.total}, 'USD', 'succeeded', 'card', 'Visa •••• 4242', now())`;
  await sql`insert into payment_allocations (payment_id, invoice_id, amount) values (${paymentId}, ${paid.id}, ${paid.total})`;
  const planId = newId("pln");
  const rules = { enabled: true, minTotal: 10000, maxInstallments: 12, frequencies: ["monthly"], downPaymentPercent: 0, maxTermDays: 365, firstInstallmentWithinDays: 30, approvalThreshold: null };
  await sql`insert into payment_plans (id, account_id, created_by_user_id, currency, total, frequency, installment_count, status, policy, method, method_label, ended_at)
    values (${planId}, ${pat.usd.id}, ${pat.user.id}, 'USD', ${paid.total}, 'monthly', 1, 'completed', ${sql.json(rules)}, 'card', 'Visa •••• 4242', now())`;
  await sql`insert into plan_invoices (plan_id, invoice_id, amount) values (${planId}, ${paid.id}, ${paid.total})`;
  await sql`insert into installments (plan_id, id, sequence, due_date, amount, status, payment_id, paid_at)
    values (${planId}, ${newId("ins")}, 1, current_date, ${paid.total}, 'paid', ${paymentId}, now())`;

  // Saved methods as the payment methods page shows them: a default card that expires soon and a
  // bank account with its debit authorization.
  const soon = new Date(Date.now() + 20 * 86_400_000);
  await sql`insert into saved_payment_methods (id, account_id, stripe_payment_method_id, type, label, brand, last4, exp_month, exp_year, is_default)
    values (${newId("spm")}, ${pat.usd.id}, ${`pm_resp_${planId}`}, 'card', 'Visa •••• 4242', 'visa', '4242', ${soon.getUTCMonth() + 1}, ${soon.getUTCFullYear()}, true)`;
  await sql`insert into saved_payment_methods (id, account_id, stripe_payment_method_id, type, label, brand, last4, account_holder_type, stripe_mandate_id, mandate_text, mandate_accepted_at)
    values (${newId("spm")}, ${pat.usd.id}, ${`pm_resp_bank_${planId}`}, 'us_bank_account', 'Bank account •••• 6789', 'STRIPE TEST BANK', '6789', 'company', 'mandate_resp', 'You authorize Acme Supply Co. to debit the bank account Bank account •••• 6789 for payments you start in the portal.', now())`;

  // An invoice on 2/10 net 30 issued today (its early-payment offer on the invoice page and the
  // statement) with a late fee linked to it, as the terms of issue 16 show them.
  const today = new Date().toISOString().slice(0, 10);
  const discounted = { id: newId("inv"), number: `EPD-${pat.usd.number}` };
  await sql`insert into invoices (id, account_id, number, currency, issue_date, due_date, terms, net_days, discount_bps, discount_days, subtotal, total)
    values (${discounted.id}, ${pat.usd.id}, ${discounted.number}, 'USD', ${today}, ${today}::date + 30, 'Net 30', 30, 200, 10, 1234567, 1234567)`;
  await sql`insert into invoices (id, account_id, number, currency, issue_date, due_date, terms, subtotal, total, late_fee_for_invoice_id, late_fee_period)
    values (${newId("inv")}, ${pat.usd.id}, ${`${discounted.number}-LATE-FEE-1`}, 'USD', ${today}, ${today}, 'Due on receipt', 18519, 18519, ${discounted.id}, 1)`;

  const sam = await data.payer();
  const samAccount = sam.accounts[0]!;
  const [waitingOn, inReview, withdrawn, open] = await data.invoices(samAccount, [{ total: 820_00 }, { total: 1_310_00 }, { total: 95_00 }, { total: 450_00 }]);
  const waiting = await data.dispute(waitingOn!, { by: sam.user, status: "waiting_on_customer", amount: 120_00, reason: "pricing_error" });
  const reviewing = await data.dispute(inReview!, { by: sam.user, status: "in_review", amount: 310_00 });
  await data.dispute(withdrawn!, { by: sam.user, status: "withdrawn" });

  return {
    pat,
    discounted,
    invoice: pat.longOverdue,
    paymentId,
    planId,
    sam: { user: sam.user, waiting: { id: waiting.id, number: waitingOn!.number }, inReview: { id: reviewing.id, number: inReview!.number }, open: open! },
    agent: await data.staff(),
    admin: await data.staff("ar_admin"),
  };
}

/** A header link naming the account: "Name (number), switch account". */
const accountLink = (account: { name: string; number: string }) => new RegExp(`${account.name} \\(${account.number}\\)\\s?, switch account`);

test.describe("signed out", () => {
  test("login", async ({ page }) => {
    await check(page, "/login", "Sign in");
  });

  test("login/code", async ({ page }) => {
    await check(page, `/login/code?email=${encodeURIComponent("payer@customer.example")}`, "Check your email");
  });

  test("login/verify", async ({ page }) => {
    // A GET only shows the button; a made-up token is never submitted.
    await check(page, `/login/verify?token=${"x".repeat(43)}`, "Sign in to the payment portal");
  });

  test("404 page", async ({ page }) => {
    const response = await check(page, "/no-such-page", "Page not found");
    expect(response?.status()).toBe(404);
  });
});

test.describe("payer (two accounts)", () => {
  test.beforeEach(async ({ signInAs }) => {
    await signInAs(world.pat.user);
  });

  test("invoices list", async ({ page }) => {
    await check(page, "/invoices", "Invoices");
    await expectBalancesInView(page);
    await check(page, "/invoices?filter=all&sort=balance&dir=desc&page=2", "Invoices");
    await expectBalancesInView(page);
  });

  test("account chooser", async ({ page }) => {
    await check(page, "/account/switch?returnTo=/statement", "Switch account");
  });

  test("invoice detail", async ({ page }) => {
    await check(page, `/invoices/${world.invoice.id}`, `Invoice ${world.invoice.number}`);
  });

  test("invoice detail with an early-payment offer and a late fee", async ({ page }) => {
    await check(page, `/invoices/${world.discounted.id}`, `Invoice ${world.discounted.number}`);
    await expect(page.getByTestId("discount-offer")).toBeVisible();
  });

  test("statement", async ({ page }) => {
    await check(page, "/statement", "Statement of account");
  });

  test("pay page", async ({ page }) => {
    await check(page, `/pay?invoice=${world.invoice.id}`, "Pay invoices");
  });

  test("payment history and receipt", async ({ page }) => {
    await check(page, "/payments", "Payment history");
    await check(page, `/payments/${world.paymentId}`, "Payment receipt");
  });

  test("email preferences", async ({ page }) => {
    await check(page, "/settings/notifications", "Email preferences");
  });

  test("payment plans: list, enrol page, a plan", async ({ page }) => {
    await check(page, "/plans", "Payment plans");
    await check(page, "/plans/new", /payment plan/i);
    await check(page, `/plans/${world.planId}`, /^Payment plan of/);
  });

  test("autopay", async ({ page }) => {
    await check(page, "/autopay", "Autopay");
  });

  test("saved payment methods", async ({ page }) => {
    await check(page, "/payment-methods", "Payment methods");
    await expect(page.getByText("Expires soon")).toBeVisible();
  });
});

test.describe("payer with disputes", () => {
  test.beforeEach(async ({ signInAs }) => {
    await signInAs(world.sam.user);
  });

  test("disputes list, a dispute, and the dispute form", async ({ page }) => {
    const { waiting: d, open } = world.sam;
    await check(page, "/disputes", "Disputes");
    await check(page, `/disputes/${d.id}`, `Dispute of invoice ${d.number}`);
    await check(page, `/invoices/${open.id}/dispute`, `Dispute invoice ${open.number}`);
  });
});

test.describe("AR agent", () => {
  test.beforeEach(async ({ signInAs }) => {
    await signInAs(world.agent);
  });

  test("admin dashboard, filtered to a customer", async ({ page }) => {
    await check(page, `/admin?customer=${encodeURIComponent(world.pat.usd.number)}&period=year`, "Dashboard");
  });

  test("admin customers", async ({ page }) => {
    await check(page, "/admin/customers", "Customers");
  });

  test("admin customer", async ({ page }) => {
    await check(page, `/admin/customers/${world.pat.usd.id}`, world.pat.usd.name);
  });

  test("admin invoices", async ({ page }) => {
    await check(page, "/admin/invoices?filter=all", "Invoices");
    await expectBalancesInView(page);
  });

  test("admin dispute queue and a dispute", async ({ page }) => {
    const d = world.sam.inReview;
    await check(page, "/admin/disputes", "Disputes");
    await check(page, `/admin/disputes/${d!.id}`, `Dispute of invoice ${d!.number}`);
  });

  test("admin API keys, webhooks and import", async ({ page }) => {
    await check(page, "/admin/api-keys", "API keys");
    await check(page, "/admin/webhooks", "Webhooks");
    await check(page, "/admin/import", /Import/);
  });

  test("admin payments", async ({ page }) => {
    await check(page, "/admin/payments", "Payments");
    await check(page, `/admin/payments/${world.paymentId}`, /^Payment from/);
  });

  test("admin invoice", async ({ page }) => {
    await check(page, `/admin/invoices/${world.invoice.id}`, `Invoice ${world.invoice.number}`);
    await check(page, `/admin/invoices/${world.discounted.id}`, `Invoice ${world.discounted.number}`);
  });

  test("analytics drill-downs: the invoices behind a figure and the payments that moved AR", async ({ page }) => {
    const filters = `customer=${encodeURIComponent(world.pat.usd.number)}&currency=USD&period=year`;
    await check(page, `/admin/analytics/invoices?figure=ar_total&${filters}`, "Open receivables: the invoices");
    await expect(page.getByTestId("figure-invoice").first()).toBeVisible();
    await check(page, `/admin/analytics/movements?${filters}`, "Payments that moved AR");
  });

  test("admin payment plans and a plan", async ({ page }) => {
    await check(page, "/admin/plans", "Payment plans");
    await check(page, `/admin/plans/${world.planId}`, /plan/i);
  });
});

test.describe("AR admin", () => {
  test("plan rules", async ({ page, signInAs }) => {
    await signInAs(world.admin);
    await check(page, "/admin/plans/settings", /rules/i);
  });

  test("collections set-up: cadences, a cadence with a preview, segments, rules", async ({ page, signInAs }) => {
    await signInAs(world.admin);
    await check(page, "/admin/collections/cadences", "Cadences");
    const [cadence] = await sql<{ id: string; name: string }[]>`select id, name from cadences where is_default`;
    await check(page, `/admin/collections/cadences/${cadence!.id}?account=${encodeURIComponent(world.pat.usd.id)}#preview`, cadence!.name);
    await expect(page.getByTestId("reminder-preview")).toBeVisible();
    await check(page, "/admin/collections/segments", "Segments");
    await check(page, "/admin/collections/settings", "Collection rules");
    await check(page, `/admin/customers/${world.pat.usd.id}/reminders?days=90`, "Reminder calendar");
  });
});


test.describe("the payer's header", () => {
  test.beforeEach(async ({ signInAs }) => {
    await signInAs(world.pat.user);
  });

  test("names the company, not \"Payment portal\"", async ({ page }) => {
    await page.goto("/invoices");
    const header = page.getByRole("banner");
    await expect(header.getByText(companyName, { exact: true }).filter({ visible: true })).toBeVisible();
    await expect(header).not.toContainText("Payment portal");
  });

  test("on a phone: one short row, the sections behind a menu button", async ({ page }) => {
    test.skip(!isPhone(page), "the phone header");
    await page.goto("/invoices");
    const header = page.getByRole("banner");
    const { height } = (await header.boundingBox())!;
    const screen = page.viewportSize()!.height;
    expect(height, `header height of a ${screen}px-high screen`).toBeLessThanOrEqual(screen * 0.12);
    // The first screen shows the page: its heading sits right under the header.
    expect((await page.getByRole("heading", { name: "Invoices", level: 1 }).boundingBox())!.y).toBeLessThan(screen * 0.2);

    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Statement" })).toBeHidden();
    const menu = header.getByText("Menu", { exact: true });
    const target = (await menu.boundingBox())!;
    expect(target.width).toBeGreaterThanOrEqual(44);
    expect(target.height).toBeGreaterThanOrEqual(44);
    await menu.click();
    await expect(nav.getByRole("link", { name: "Statement" })).toBeVisible();
    await expect(header.getByRole("button", { name: "Sign out" })).toBeVisible();
    await nav.getByRole("link", { name: "Statement" }).click();
    await expect(page.getByRole("heading", { name: "Statement of account", level: 1 })).toBeVisible();
    // The page changed: the menu folded away again.
    await expect(nav.getByRole("link", { name: "Statement" })).toBeHidden();
  });
});

test.describe("the phone header without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the menu opens and the account name leads to the account chooser", async ({ page, signInAs }) => {
    test.skip(!isPhone(page), "the phone header");
    await signInAs(world.pat.user);
    await page.goto("/invoices");
    const header = page.getByRole("banner");
    await header.getByText("Menu", { exact: true }).click();
    await header.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Payments" }).click();
    await expect(page.getByRole("heading", { name: "Payment history", level: 1 })).toBeVisible();

    const account = header.getByRole("link", { name: accountLink(world.pat.usd) });
    await expect(account).toBeVisible();
    await account.click();
    await expect(page.getByRole("heading", { name: "Switch account", level: 1 })).toBeVisible();
    await page.getByRole("button", { name: `${world.pat.cad.name} (${world.pat.cad.number})` }).click();
    // Back where the payer was, now for the other account.
    await expect(page).toHaveURL(/\/payments$/);
    await expect(header.getByRole("link", { name: accountLink(world.pat.cad) })).toBeVisible();
  });
});

test.describe("the invoice list on a phone", () => {
  test.beforeEach(async ({ page, signInAs }) => {
    test.skip(!isPhone(page), "the phone layout");
    await signInAs(world.pat.user);
  });

  test("each invoice is a card: number and balance on one line, balances as in the database", async ({ page }) => {
    await page.goto("/invoices?filter=open");
    const rows = page.locator("main table tbody tr");
    const count = await rows.count();
    expect(count).toBeGreaterThan(3);
    const viewport = page.viewportSize()!.width;
    const numbers = await rows.locator("a[data-column=number]").allInnerTexts();
    const dbBalances = await sql<{ number: string; balance: string; currency: string }[]>`
      select number, balance::text, currency from invoices where number in ${sql(numbers)}`;
    const expected = new Map(dbBalances.map((r) => [r.number, `${r.currency} ${(Number(r.balance) / 100).toLocaleString("en-US", { minimumFractionDigits: 2 })}`]));
    for (let i = 0; i < count; i++) {
      const row = rows.nth(i);
      const card = (await row.boundingBox())!;
      expect(card.x).toBeGreaterThanOrEqual(0);
      expect(card.x + card.width).toBeLessThanOrEqual(viewport);
      const number = (await row.locator("a[data-column=number]").boundingBox())!;
      const balance = row.locator("td:last-child");
      const balanceBox = (await balance.boundingBox())!;
      // A card, not a squeezed table row: the balance is on the number's line, at the right.
      expect(balanceBox.y).toBeLessThan(number.y + number.height);
      expect(balanceBox.x).toBeGreaterThan(number.x + number.width);
      await expect(balance).toContainText(expected.get(numbers[i]!)!);
      await expect(row.locator("td[data-column=status]")).toBeVisible();
    }
  });

  test("tick boxes and links are at least 24×24 px, tick boxes tappable over 44×44 px", async ({ page }) => {
    await page.goto("/invoices?filter=open");
    const boxes = page.locator("main input[type=checkbox]:visible");
    expect(await boxes.count()).toBeGreaterThan(3);
    const targets = page.locator("main a[href]:visible, main input[type=checkbox]:visible, header a[href]:visible, header summary:visible");
    const sizes = await targets.evaluateAll((els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        return { what: `${el.tagName.toLowerCase()} "${(el.textContent ?? "").trim().slice(0, 30) || el.getAttribute("aria-label")}"`, width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10 };
      }),
    );
    expect(sizes.length).toBeGreaterThan(10);
    expect(sizes.filter((s) => s.width < 24 || s.height < 24), "targets smaller than 24×24 px").toEqual([]);
    // Each invoice's tick box sits in a label of 44×44 px: tapping near it ticks it.
    const rowBoxes = page.locator("main tbody input[type=checkbox]");
    await rowBoxes.first().scrollIntoViewIfNeeded();
    const label = (await rowBoxes.first().locator("xpath=..").boundingBox())!;
    expect(label.width).toBeGreaterThanOrEqual(44);
    expect(label.height).toBeGreaterThanOrEqual(44);
    await page.mouse.click(label.x + 3, label.y + 3);
    await expect(rowBoxes.first()).toBeChecked();
  });

  test("a sticky bar says how many are ticked and their total; select all on this page", async ({ page }) => {
    await page.goto("/invoices?filter=open");
    const boxes = page.locator("main tbody input[type=checkbox]");
    const bar = page.getByTestId("pay-selection-bar");
    await expect(bar).toHaveCount(0);
    const sumOf = async (ids: string[]) => {
      const [row] = await sql<{ total: string }[]>`select sum(balance)::text as total from invoices where id in ${sql(ids)}`;
      return `USD ${(Number(row!.total) / 100).toLocaleString("en-US", { minimumFractionDigits: 2 })}`;
    };

    await boxes.nth(0).check();
    await boxes.nth(2).check();
    const two = [await boxes.nth(0).inputValue(), await boxes.nth(2).inputValue()];
    const pay = bar.getByRole("button", { name: /^Pay \d+ selected/ });
    await expect(pay).toHaveText(`Pay 2 selected · ${await sumOf(two)}`);
    // Sticky: at the top of the list the bar still sits at the bottom of the screen.
    await page.evaluate(() => window.scrollTo(0, 0));
    const screen = page.viewportSize()!.height;
    await expect.poll(async () => Math.round((await bar.boundingBox())!.y + (await bar.boundingBox())!.height)).toBeLessThanOrEqual(screen);
    expect((await bar.boundingBox())!.y).toBeGreaterThan(screen / 2);

    const selectAll = page.getByLabel("Select all on this page");
    await expect(selectAll).toBeVisible();
    await selectAll.check();
    const all = await boxes.evaluateAll((els) => els.map((el) => (el as HTMLInputElement).value));
    expect(all.length).toBeGreaterThan(2);
    await expect(pay).toHaveText(`Pay ${all.length} selected · ${await sumOf(all)}`);
    for (const box of await boxes.all()) await expect(box).toBeChecked();

    await selectAll.uncheck();
    await expect(bar).toHaveCount(0);
    for (const box of await boxes.all()) await expect(box).not.toBeChecked();

    // The bar submits the pay form: the pay page gets the ticked invoice.
    await boxes.nth(1).check();
    const one = await boxes.nth(1).inputValue();
    await pay.click();
    await expect(page).toHaveURL(new RegExp(`/pay\\?invoice=${one}$`));
    await expect(page.getByRole("heading", { name: "Pay invoices", level: 1 })).toBeVisible();
  });
});
