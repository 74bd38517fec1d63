import { expect, type Page } from "@playwright/test";
import { e2e } from "./support/config";
import { data, expectAccessible, mailFor, sql, test } from "./support/fixtures";

// Plans move the portal's clock (through /dev/clock): this spec runs alone, after every other.
// Each test enrols invoices of its own payer (a fresh one, so its mail is its own).
test.describe.configure({ mode: "serial" });

interface OpenInvoice {
  id: string;
  number: string;
  balance: number;
}

/** This test's payer and their (USD) account. */
let payer: Awaited<ReturnType<typeof data.payer>>;

/** `n` open invoices of the payer's account that can join a plan (over 200.00 each). */
async function planableInvoices(n: number): Promise<OpenInvoice[]> {
  const rows = await data.invoices(payer.accounts[0]!, Array.from({ length: n }, (_, i) => ({ total: 640_00 + i * 115_35, dueInDays: 20 + i * 7 })));
  return rows.map((r) => ({ id: r.id, number: r.number, balance: r.total }));
}

/** An active plan holding `invoice`, written directly as enrolment leaves it. */
async function onAPlan(invoice: OpenInvoice) {
  const id = `pln_e2e_${invoice.id}`;
  const rules = { enabled: true, minTotal: 10000, maxInstallments: 12, frequencies: ["monthly"], downPaymentPercent: 0, maxTermDays: 365, firstInstallmentWithinDays: 30, approvalThreshold: null };
  await sql`insert into payment_plans (id, account_id, created_by_user_id, currency, total, frequency, installment_count, status, policy, method, method_label)
    values (${id}, ${payer.accounts[0]!.id}, ${payer.user.id}, 'USD', ${invoice.balance}, 'monthly', 1, 'active', ${sql.json(rules)}, 'card', 'Visa •••• 4242')`;
  await sql`insert into plan_invoices (plan_id, invoice_id, amount) values (${id}, ${invoice.id}, ${invoice.balance})`;
  await sql`update invoices set payment_plan_id = ${id} where id = ${invoice.id}`;
}

test.beforeEach(async () => {
  payer = await data.payer();
});

async function installmentStatuses(planId: string): Promise<string[]> {
  const rows = await sql<{ status: string }[]>`select status from installments where plan_id = ${planId} order by sequence`;
  return rows.map((r) => r.status);
}

/** Enrols the invoices through /plans/new and continues to Stripe's page; returns the plan id. */
async function enrol(page: Page, invoices: OpenInvoice[], count: number, frequency = "Monthly"): Promise<string> {
  await page.goto(`/plans/new?${invoices.map((i) => `invoice=${i.id}`).join("&")}`);
  await page.getByLabel("Number of installments").selectOption(String(count));
  await page.getByLabel(frequency, { exact: true }).check();
  const total = invoices.reduce((s, i) => s + i.balance, 0);
  const schedule = page.getByRole("table", { name: "Your schedule" });
  await expect(schedule.locator("tbody tr")).toHaveCount(count);
  await expect(schedule.locator("tfoot")).toContainText((total / 100).toLocaleString("en-US", { minimumFractionDigits: 2 }));
  await page.getByRole("button", { name: "Agree and authorize payment method" }).click();
  await expect(page).toHaveURL(new RegExp(`^${e2e.stripeUrl}/checkout/`));
  const [plan] = await sql<{ id: string }[]>`select plan_id as id from plan_invoices where invoice_id = ${invoices[0]!.id} order by plan_id desc limit 1`;
  return plan!.id;
}

async function authorizeCard(page: Page, number: string) {
  await page.getByLabel("Card", { exact: true }).check();
  await page.getByLabel("Card number").fill(number);
  await page.getByLabel("Expiration date").fill("12 / 34");
  await page.getByLabel("Security code").fill("123");
  await page.getByLabel("Name on card").fill("Pat Northwind");
  await page.getByRole("button", { name: /^(Save|Pay)/ }).click();
  await expect(page.getByRole("heading", { name: /^Payment plan of/ })).toBeVisible({ timeout: 15_000 });
}

/** Moves the portal's date forward and runs the plan schedule at once. */
async function advanceClock(page: Page, days: number) {
  await page.goto("/dev/clock");
  await page.getByLabel("Advance by days").fill(String(days));
  await page.getByRole("button", { name: "Advance and run" }).click();
  await expect(page.getByText(/Schedule ran/)).toBeVisible();
}

async function expectScheduleRow(page: Page, planId: string, row: number, status: RegExp) {
  await expect
    .poll(async () => {
      await page.goto(`/plans/${planId}`);
      return page.getByRole("table", { name: "Installments and their status" }).locator("tbody tr").nth(row).innerText();
    }, { timeout: 15_000 })
    .toMatch(status);
}

test.afterAll(async ({ browser }) => {
  // Leave the portal on the real date.
  const page = await browser.newPage();
  await page.goto(`${e2e.appUrl}/dev/clock`);
  await page.getByRole("button", { name: "Back to the real date" }).click();
  await page.close();
});

test("a payer enrols in 3 monthly card installments: the first is charged now, the second a month later", async ({ page, signInAs }) => {
  await signInAs(payer.user);
  const invoices = await planableInvoices(2);
  await page.goto("/plans/new");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expectAccessible(page);
  const planId = await enrol(page, invoices, 3);
  await authorizeCard(page, "4242424242424242");
  await expect(page.getByText("Visa •••• 4242").first()).toBeVisible();
  await expectScheduleRow(page, planId, 0, /Paid/);
  await expectAccessible(page);
  expect(await installmentStatuses(planId)).toEqual(["paid", "scheduled", "scheduled"]);

  // The first installment went to the oldest invoice first; the one still owing says it is on
  // the plan and cannot be paid on its own.
  const [owing] = await sql<{ id: string }[]>`select id from invoices where payment_plan_id = ${planId} and balance > 0 order by due_date desc limit 1`;
  await page.goto(`/invoices/${owing!.id}`);
  await expect(page.getByText("This invoice is on a payment plan")).toBeVisible();

  await advanceClock(page, 31);
  await expectScheduleRow(page, planId, 1, /Paid/);
  expect(await installmentStatuses(planId)).toEqual(["paid", "paid", "scheduled"]);
  // Receipts went to the payer for both charges.
  await expect.poll(async () => (await mailFor(payer.user.email)).filter((m) => /^Payment received/.test(m.subject)).length).toBeGreaterThanOrEqual(2);
});

test("card 4000000000000341 fails each installment try: retries 3, 5 and 7 days later, then the plan defaults", async ({ page, signInAs }) => {
  const admin = await data.staff("ar_admin");
  await signInAs(payer.user);
  const invoices = await planableInvoices(1);
  const before = (await mailFor(payer.user.email)).length;
  const planId = await enrol(page, invoices, 2);
  await authorizeCard(page, "4000000000000341");
  await expectScheduleRow(page, planId, 0, /Failed/);
  await expect(page.getByRole("alert").filter({ hasText: /try again/ })).toBeVisible();
  await expect.poll(async () => (await mailFor(payer.user.email)).slice(before).map((m) => m.subject)).toContainEqual(expect.stringMatching(/^Your installment of .* did not go through$/));

  await advanceClock(page, 3);
  await advanceClock(page, 5);
  expect((await sql<{ attempts: number }[]>`select attempts from installments where plan_id = ${planId} and sequence = 1`)[0]!.attempts).toBe(3);
  await advanceClock(page, 7);
  await page.goto(`/plans/${planId}`);
  await expect(page.getByText("Defaulted").first()).toBeVisible();
  // The invoice left the plan: it can be paid (and chased) again.
  await page.goto(`/invoices/${invoices[0]!.id}`);
  await expect(page.getByText("This invoice is on a payment plan")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Pay this invoice" })).toBeVisible();
  // Staff were told (every AR admin, this test's among them), about this customer's plan.
  await expect
    .poll(async () => (await mailFor(admin.email)).some((m) => m.subject.startsWith("Payment plan defaulted") && m.text.includes(payer.accounts[0]!.name)), { message: "the AR admin told of the default" })
    .toBe(true);
});

test("an ACH plan shows the mandate, confirms it by email, and the installment settles", async ({ page, signInAs }) => {
  await signInAs(payer.user);
  const invoices = await planableInvoices(1);
  const before = (await mailFor(payer.user.email)).length;
  await page.goto(`/plans/new?invoice=${invoices[0]!.id}`);
  await expect(page.getByText(/you authorize .* to debit it for the installments above/)).toBeVisible();
  const planId = await enrol(page, invoices, 2);
  await page.getByLabel("US bank account").check();
  await page.getByLabel("Account holder name").fill("Northwind Traders");
  await page.getByLabel("Routing number").fill("110000000");
  await page.getByLabel("Account number", { exact: true }).fill("000123456789");
  await page.getByLabel(/I authorize/).check();
  await page.getByRole("button", { name: /^(Save|Pay)/ }).click();
  await expect(page.getByRole("heading", { name: /^Payment plan of/ })).toBeVisible({ timeout: 15_000 });
  await expectScheduleRow(page, planId, 0, /Processing/);
  await expect.poll(async () => (await mailFor(payer.user.email)).slice(before).some((m) => m.subject === "Your bank debit authorization for your payment plan")).toBe(true);
  const mandate = (await mailFor(payer.user.email)).find((m) => m.subject === "Your bank debit authorization for your payment plan")!;
  expect(mandate.text).toContain("ending 6789");
  await fetch(`${e2e.stripeUrl}/_emulator/settle`, { method: "POST" });
  await expectScheduleRow(page, planId, 0, /Paid/);
});

test("a plan above the approval threshold waits for staff, who approve it; then the first installment is charged", async ({ page, signInAs }) => {
  // The AR admin lowers the threshold so this plan needs approval.
  const admin = await data.staff("ar_admin");
  await signInAs(admin);
  await page.goto("/admin/plans/settings");
  await page.getByLabel(/Approval threshold/).fill("100.00");
  await page.getByRole("button", { name: "Save rules" }).click();
  await expect(page.getByText(/saved/i).first()).toBeVisible();

  await signInAs(payer.user);
  const invoices = await planableInvoices(1);
  const planId = await enrol(page, invoices, 2);
  await authorizeCard(page, "4242424242424242");
  await expect(page.getByText("Waiting for approval").first()).toBeVisible();
  expect(await installmentStatuses(planId)).toEqual(["scheduled", "scheduled"]);

  await signInAs(admin);
  await page.goto("/admin/plans?status=awaiting_approval");
  await page.goto(`/admin/plans/${planId}`);
  await expectAccessible(page);
  await page.getByRole("button", { name: "Approve plan" }).click();
  await expect.poll(() => installmentStatuses(planId), { timeout: 15_000 }).toEqual(["paid", "scheduled"]);

  // Restore the rules for anyone after.
  await page.goto("/admin/plans/settings");
  await page.getByLabel(/Approval threshold/).fill("10000.00");
  await page.getByRole("button", { name: "Save rules" }).click();
  await expect(page.getByText(/saved/i).first()).toBeVisible();
});

test("balances that cannot go on a plan are refused with the reason", async ({ page, signInAs }) => {
  // Below the AR team's minimum total (raised here so any invoice is below it).
  await sql`update plan_policies set rules = jsonb_set(rules, '{minTotal}', '100000000') where id = 'default'`;
  try {
    await signInAs(payer.user);
    const [invoice, planned] = await planableInvoices(2);
    await onAPlan(planned!);
    await data.dispute(await data.invoice(payer.accounts[0]!, { total: 410_00 }), { by: payer.user });
    await page.goto(`/plans/new?invoice=${invoice!.id}`);
    await page.getByRole("button", { name: "Agree and authorize payment method" }).click();
    await expect(page.getByRole("alert").first()).toContainText("Payment plans start at USD 1,000,000.00");
    // Nothing was created, and the choice is kept.
    await expect(page.getByLabel(invoice!.number)).toBeChecked();
    expect(await sql`select 1 from plan_invoices where invoice_id = ${invoice!.id}`).toHaveLength(0);
  } finally {
    await sql`update plan_policies set rules = jsonb_set(rules, '{minTotal}', '10000') where id = 'default'`;
  }
  // An invoice already on a plan is listed with its reason and cannot be chosen.
  await page.goto("/plans/new");
  await expect(page.getByText("This invoice is already on a payment plan.").first()).toBeVisible();
  // A disputed invoice waits for its dispute.
  await page.goto("/plans/new");
  await expect(page.getByText(/in dispute; it can join a plan once the dispute is settled/).first()).toBeVisible();
});

test("right after authorizing, the plan page updates by itself and offers no payment while the first charge is pending", async ({ page, signInAs }) => {
  await signInAs(payer.user);
  const invoices = await planableInvoices(1);
  const planId = await enrol(page, invoices, 3);
  // Stripe answers the off-session charge slowly, so the pending moment can be seen.
  await fetch(`${e2e.stripeUrl}/_emulator/faults`, { method: "POST", body: new URLSearchParams({ method: "POST", path: "/v1/payment_intents", delay_ms: "4000", count: "1" }) });
  await authorizeCard(page, "4242424242424242");
  await page.evaluate(() => ((window as unknown as { stillTheSamePage: boolean }).stillTheSamePage = true));

  // Pending: said so, and neither "pay next" nor "pay off" is offered.
  await expect(page.getByText(/is being (charged|paid)/)).toBeVisible();
  await expect(page.getByRole("button", { name: /Pay next installment now|Pay off the rest/ })).toHaveCount(0);
  expect(await installmentStatuses(planId)).not.toEqual(["paid", "scheduled", "scheduled"]);

  // The charge goes through; the page shows it without a reload, and only then offers the next one.
  const schedule = page.getByRole("table", { name: "Installments and their status" });
  await expect(schedule.locator("tbody tr").first()).toContainText("Paid", { timeout: 20_000 });
  await expect(page.getByRole("button", { name: /Pay next installment now/ })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);
  expect(await installmentStatuses(planId)).toEqual(["paid", "scheduled", "scheduled"]);
  await expectAccessible(page);

  // A page left open from before the charge cannot pay the second installment early: its form named the first.
  const [first] = await sql<{ id: string }[]>`select id from installments where plan_id = ${planId} and sequence = 1`;
  const attemptId = `e2e-stale-${Date.now()}-abcdefgh`;
  const stale = await page.request.post(`/plans/${planId}`, { form: { intent: "pay_next", attemptId, installmentId: first!.id }, headers: { Origin: e2e.appUrl }, maxRedirects: 0 });
  expect(stale.status()).toBe(409);
  expect(await stale.text()).toContain("no longer the next one to pay");
  expect(await installmentStatuses(planId)).toEqual(["paid", "scheduled", "scheduled"]);

  // The development clock goes to the next due date (never past it) until this plan's second installment is charged.
  const [second] = await sql<{ due: string }[]>`select to_char(due_date, 'YYYY-MM-DD') as due from installments where plan_id = ${planId} and sequence = 2`;
  for (let i = 0; i < 6 && (await installmentStatuses(planId))[1] !== "paid"; i++) {
    await page.goto("/dev/clock");
    const nextDue = (await page.getByTestId("clock-next-due").textContent())!.trim();
    expect(nextDue <= second!.due).toBe(true);
    await page.getByRole("button", { name: "Advance to the next due installment" }).click();
    await expect(page.getByText(/Schedule ran: [1-9]\d* installment\(s\) charged/)).toBeVisible();
    await expect(page.getByTestId("clock-today")).toHaveText(nextDue);
    await expect.poll(() => installmentStatuses(planId), { timeout: 10_000 }).not.toContain("paying");
  }
  expect(await installmentStatuses(planId)).toEqual(["paid", "paid", "scheduled"]);
  await expect(page.getByTestId("clock-today")).toHaveText(second!.due);
});

test("the job worker reads the clock the pages moved: a plan enrolled on a later portal date is charged on that date", async ({ page, signInAs }) => {
  // Pages, jobs and the Stripe intake run from one build (ADR one module graph). Were the worker
  // a second copy of the app, its clock would still read the real date and this installment,
  // due on the moved date, would stay scheduled.
  await signInAs(payer.user);
  await advanceClock(page, 2);
  const portalDate = (await page.getByTestId("clock-today").textContent())!.trim();
  expect(portalDate > new Date().toISOString().slice(0, 10)).toBe(true);
  const invoices = await planableInvoices(1);
  const planId = await enrol(page, invoices, 2);
  const [first] = await sql<{ due: string }[]>`select to_char(due_date, 'YYYY-MM-DD') as due from installments where plan_id = ${planId} and sequence = 1`;
  expect(first!.due).toBe(portalDate);
  // Activation queues the plan schedule as a job: the worker charges what is due on its today().
  await authorizeCard(page, "4242424242424242");
  await expectScheduleRow(page, planId, 0, /Paid/);
  expect(await installmentStatuses(planId)).toEqual(["paid", "scheduled"]);
});
