import type { Page } from "@playwright/test";
import { demo, expect, expectAccessible, sql, test } from "./support/fixtures";

// Every page, on a desktop and (project "phone") a Pixel 7: WCAG 2.2 AA by axe-core, and no
// sideways scrolling of the page itself (wide tables scroll inside their own box).

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

async function ids() {
  const [invoice] = await sql<{ id: string }[]>`select id from invoices where number = 'INV-10001'`;
  const [account] = await sql<{ id: string }[]>`select id from accounts where number = 'C-1003'`;
  return { invoiceId: invoice!.id, accountId: account!.id, paymentId: await fixturePayment() };
}

/** A succeeded payment of a paid Northwind invoice, written directly (balances untouched). */
async function fixturePayment(): Promise<string> {
  const id = "pay_responsive_fixture";
  const [paid] = await sql<{ id: string; account_id: string; total: number }[]>`
    select i.id, i.account_id, i.total::int from invoices i join accounts a on a.id = i.account_id
    where a.number = 'C-1001' and i.status = 'paid' order by i.number limit 1`;
  const [pat] = await sql<{ id: string }[]>`select id from users where email = ${demo.pat}`;
  await sql`insert into payments (id, account_id, created_by_user_id, amount, currency, status, method, method_label, succeeded_at)
    values (${id}, ${paid!.account_id}, ${pat!.id}, ${paid!.total}, 'USD', 'succeeded', 'card', 'Visa •••• 4242', now()) on conflict do nothing`;
  await sql`insert into payment_allocations (payment_id, invoice_id, amount) values (${id}, ${paid!.id}, ${paid!.total}) on conflict do nothing`;
  return id;
}

/** A paid-off plan of Pat's that paid the fixture payment's invoice (it holds no invoice). */
async function fixturePlan(): Promise<string> {
  const id = "pln_responsive_fixture";
  const paymentId = await fixturePayment();
  const [payment] = await sql<{ account_id: string; amount: number; created_by_user_id: string }[]>`select account_id, amount::int, created_by_user_id from payments where id = ${paymentId}`;
  const [allocation] = await sql<{ invoice_id: string }[]>`select invoice_id from payment_allocations where payment_id = ${paymentId}`;
  const rules = { enabled: true, minTotal: 10000, maxInstallments: 12, frequencies: ["monthly"], downPaymentPercent: 0, maxTermDays: 365, firstInstallmentWithinDays: 30, approvalThreshold: null };
  await sql`insert into payment_plans (id, account_id, created_by_user_id, currency, total, frequency, installment_count, status, policy, method, method_label, ended_at)
    values (${id}, ${payment!.account_id}, ${payment!.created_by_user_id}, 'USD', ${payment!.amount}, 'monthly', 1, 'completed', ${sql.json(rules)}, 'card', 'Visa •••• 4242', now()) on conflict do nothing`;
  await sql`insert into plan_invoices (plan_id, invoice_id, amount) values (${id}, ${allocation!.invoice_id}, ${payment!.amount}) on conflict do nothing`;
  await sql`insert into installments (plan_id, id, sequence, due_date, amount, status, payment_id, paid_at)
    values (${id}, 'ins_responsive_fixture', 1, current_date, ${payment!.amount}, 'paid', ${paymentId}, now()) on conflict do nothing`;
  return id;
}

test.describe("signed out", () => {
  test("login", async ({ page }) => {
    await check(page, "/login", "Sign in");
  });

  test("login/code", async ({ page }) => {
    await check(page, `/login/code?email=${encodeURIComponent(demo.pat)}`, "Check your email");
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
    await signInAs(demo.pat);
  });

  test("invoices list", async ({ page }) => {
    await check(page, "/invoices", "Invoices");
    await check(page, "/invoices?filter=all&sort=balance&dir=desc&page=2", "Invoices");
  });

  test("invoice detail", async ({ page }) => {
    const { invoiceId } = await ids();
    await check(page, `/invoices/${invoiceId}`, "Invoice INV-10001");
  });

  test("statement", async ({ page }) => {
    await check(page, "/statement", "Statement of account");
  });

  test("pay page", async ({ page }) => {
    const { invoiceId } = await ids();
    await check(page, `/pay?invoice=${invoiceId}`, "Pay invoices");
  });

  test("payment history and receipt", async ({ page }) => {
    const { paymentId } = await ids();
    await check(page, "/payments", "Payment history");
    await check(page, `/payments/${paymentId}`, "Payment receipt");
  });

  test("payment plans: list, enrol page, a plan", async ({ page }) => {
    const planId = await fixturePlan();
    await check(page, "/plans", "Payment plans");
    await check(page, "/plans/new", /payment plan/i);
    await check(page, `/plans/${planId}`, /^Payment plan of/);
  });
});

test.describe("payer with disputes (seeded, Initech)", () => {
  test.beforeEach(async ({ signInAs }) => {
    await signInAs(demo.sam);
  });

  test("disputes list, a dispute, and the dispute form", async ({ page }) => {
    const [d] = await sql<{ id: string; number: string }[]>`
      select d.id, i.number from disputes d join invoices i on i.id = d.invoice_id where d.status = 'waiting_on_customer' limit 1`;
    const [open] = await sql<{ id: string; number: string }[]>`
      select i.id, i.number from invoices i join accounts a on a.id = i.account_id
      where a.number = 'C-1004' and i.status = 'open' and i.amount_disputed = 0 limit 1`;
    await check(page, "/disputes", "Disputes");
    await check(page, `/disputes/${d!.id}`, `Dispute of invoice ${d!.number}`);
    await check(page, `/invoices/${open!.id}/dispute`, `Dispute invoice ${open!.number}`);
  });
});

test.describe("AR agent", () => {
  test.beforeEach(async ({ signInAs }) => {
    await signInAs(demo.agent);
  });

  test("admin customers", async ({ page }) => {
    await check(page, "/admin/customers", "Customers");
  });

  test("admin customer", async ({ page }) => {
    const { accountId } = await ids();
    await check(page, `/admin/customers/${accountId}`, "Globex Corporation");
  });

  test("admin invoices", async ({ page }) => {
    await check(page, "/admin/invoices?filter=all", "Invoices");
  });

  test("admin dispute queue and a dispute", async ({ page }) => {
    const [d] = await sql<{ id: string; number: string }[]>`
      select d.id, i.number from disputes d join invoices i on i.id = d.invoice_id where d.status = 'in_review' limit 1`;
    await check(page, "/admin/disputes", "Disputes");
    await check(page, `/admin/disputes/${d!.id}`, `Dispute of invoice ${d!.number}`);
  });

  test("admin API keys, webhooks and import", async ({ page }) => {
    await check(page, "/admin/api-keys", "API keys");
    await check(page, "/admin/webhooks", "Webhooks");
    await check(page, "/admin/import", /Import/);
  });

  test("admin payments", async ({ page }) => {
    const { paymentId } = await ids();
    await check(page, "/admin/payments", "Payments");
    await check(page, `/admin/payments/${paymentId}`, /^Payment from/);
  });

  test("admin invoice", async ({ page }) => {
    const { invoiceId } = await ids();
    await check(page, `/admin/invoices/${invoiceId}`, "Invoice INV-10001");
  });

  test("admin payment plans and a plan", async ({ page }) => {
    const planId = await fixturePlan();
    await check(page, "/admin/plans", "Payment plans");
    await check(page, `/admin/plans/${planId}`, /plan/i);
  });
});

test.describe("AR admin", () => {
  test("plan rules", async ({ page, signInAs }) => {
    await signInAs(demo.admin);
    await check(page, "/admin/plans/settings", /rules/i);
  });
});

