import { createHash, randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import { data, expect, expectAccessible, mailFor, sql, tag, test } from "./support/fixtures";

// The AR team's dispute triage: the queue, one dispute worked from claim to credit, another
// rejected. The disputes are written directly (as a payer's would be) on two open invoices of a
// CAD customer this spec makes; expected figures come from the database.

test.describe.configure({ mode: "serial" });

const t = tag();
const D1 = `dsp_e2e_admin_1_${t}`; // pricing error, SLA breached: claimed, noted, asked, credited in part
const D2 = `dsp_e2e_admin_2_${t}`; // damaged goods, within the SLA: rejected
const CUSTOMER_FILE = `att_e2e_admin_1_${t}`; // with the payer's opening message
const NOTE_FILE = `att_e2e_admin_2_${t}`; // with an internal note
/** Part of the customer's name, for the queue's "Customer name" filter. */
const part = `${t} Traders`;
const PDF = Buffer.from("%PDF-1.4\n% e2e evidence\n");
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("e2e image")]);

interface Invoice {
  id: string;
  number: string;
  balance: number;
}
let account: Awaited<ReturnType<typeof data.account>>;
let inv1: Invoice;
let inv2: Invoice;
let agentId: string;
let agent: Awaited<ReturnType<typeof data.staff>>;
let payer: Awaited<ReturnType<typeof data.payer>>;

async function insertFile(tx: typeof sql, id: string, disputeId: string, messageId: string, userId: string, filename: string, contentType: string, bytes: Buffer) {
  const key = randomBytes(32).toString("hex");
  await tx`insert into attachment_blobs (key, data) values (${key}, ${bytes})`;
  await tx`
    insert into attachments (id, account_id, dispute_id, message_id, uploaded_by_user_id, filename, content_type, size, sha256, storage_key)
    values (${id}, ${account.id}, ${disputeId}, ${messageId}, ${userId}, ${filename}, ${contentType}, ${bytes.length}, ${createHash("sha256").update(bytes).digest("hex")}, ${key})`;
}

test.beforeAll(async () => {
  account = await data.account({ name: `Birch ${t} Traders Canada`, currency: "CAD" });
  payer = await data.payer({ accounts: [account] });
  const pat = payer.user;
  agent = await data.staff();
  agentId = agent.id;
  const open = await data.invoices(account, [{ total: 1_480_00, dueInDays: 10 }, { total: 365_00, dueInDays: 25 }]);
  inv1 = { id: open[0]!.id, number: open[0]!.number, balance: open[0]!.total };
  inv2 = { id: open[1]!.id, number: open[1]!.number, balance: open[1]!.total };
  const [line] = await sql<{ id: string }[]>`select id from invoice_lines where invoice_id = ${inv1.id} order by position limit 1`;

  await sql.begin(async (tx) => {
    // D1: opened four days ago, first response was due yesterday.
    await tx`update invoices set amount_disputed = amount_disputed + 12000 where id = ${inv1.id}`;
    await tx`
      insert into disputes (id, account_id, invoice_id, opened_by_user_id, reason, amount, currency, description, status, first_response_due_at, created_at, updated_at)
      values (${D1}, ${account.id}, ${inv1.id}, ${pat.id}, 'pricing_error', 12000, 'CAD', 'The unit price is not the one on our quote.', 'open',
              now() - interval '1 day', now() - interval '4 days', now() - interval '4 days')`;
    await tx`insert into dispute_lines (dispute_id, invoice_line_id) values (${D1}, ${line!.id})`;
    await tx`
      insert into dispute_messages (id, dispute_id, author_user_id, author_side, visibility, kind, body, created_at)
      values (${`dmsg_e2e_admin_1_${t}`}, ${D1}, ${pat.id}, 'customer', 'customer', 'message', 'The unit price is not the one on our quote.', now() - interval '4 days'),
             (${`dmsg_e2e_admin_2_${t}`}, ${D1}, ${agentId}, 'staff', 'internal', 'message', 'Sales says the quote expired before the order.', now() - interval '3 days')`;
    await insertFile(tx as unknown as typeof sql, CUSTOMER_FILE, D1, `dmsg_e2e_admin_1_${t}`, pat.id, "quote.pdf", "application/pdf", PDF);
    await insertFile(tx as unknown as typeof sql, NOTE_FILE, D1, `dmsg_e2e_admin_2_${t}`, agentId, "price-list.png", "image/png", PNG);

    // D2: opened an hour ago, due in two days.
    await tx`update invoices set amount_disputed = amount_disputed + 8000 where id = ${inv2.id}`;
    await tx`
      insert into disputes (id, account_id, invoice_id, opened_by_user_id, reason, amount, currency, description, status, first_response_due_at, created_at, updated_at)
      values (${D2}, ${account.id}, ${inv2.id}, ${pat.id}, 'damaged_goods', 8000, 'CAD', 'Two cartons arrived crushed.', 'open',
              now() + interval '2 days', now() - interval '1 hour', now() - interval '1 hour')`;
    await tx`
      insert into dispute_messages (id, dispute_id, author_user_id, author_side, visibility, kind, body, created_at)
      values (${`dmsg_e2e_admin_3_${t}`}, ${D2}, ${pat.id}, 'customer', 'customer', 'message', 'Two cartons arrived crushed.', now() - interval '1 hour')`;
  });
});

const rowOf = (page: Page, id: string) => page.locator(`main table tbody tr[data-dispute-id="${id}"]`);
const d1Link = () => `${inv1.number} — Pricing error`;

async function filter(page: Page, set: { status?: string; reason?: string; assignee?: string; customer?: string; min?: string; max?: string; older?: string; sla?: boolean }) {
  const form = page.getByRole("form", { name: "Filter disputes" });
  await form.getByLabel("Status").selectOption({ label: set.status ?? "Active (open, in review, waiting)" });
  await form.getByLabel("Reason").selectOption({ label: set.reason ?? "Any reason" });
  await form.getByLabel("Assignee").selectOption({ label: set.assignee ?? "Anyone" });
  await form.getByLabel("Customer name").fill(set.customer ?? "");
  await form.getByLabel("Amount from").fill(set.min ?? "");
  await form.getByLabel("Amount to").fill(set.max ?? "");
  await form.getByLabel("Older than (days)").fill(set.older ?? "");
  await form.getByLabel("SLA breached only").setChecked(set.sla ?? false);
  await form.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByRole("heading", { name: "Disputes", level: 1 })).toBeVisible();
}

async function expectShown(page: Page, shown: { d1: boolean; d2: boolean }) {
  await expect(rowOf(page, D1)).toHaveCount(shown.d1 ? 1 : 0);
  await expect(rowOf(page, D2)).toHaveCount(shown.d2 ? 1 : 0);
}

async function disputeRow(id: string) {
  const [row] = await sql<{ status: string; assignee_user_id: string | null; first_responded_at: Date | null; credited_amount: number }[]>`
    select status, assignee_user_id, first_responded_at, credited_amount::int from disputes where id = ${id}`;
  return row!;
}

async function invoiceRow(id: string) {
  const [row] = await sql<{ balance: number; amount_disputed: number; amount_credited: number; status: string }[]>`
    select balance::int, amount_disputed::int, amount_credited::int, status from invoices where id = ${id}`;
  return row!;
}

/** A message to `to` whose subject contains `subject`. */
async function waitForSubject(to: string, subject: string) {
  await expect.poll(async () => (await mailFor(to)).some((m) => m.subject.includes(subject)), { timeout: 10_000, message: `an email "${subject}" to ${to}` }).toBe(true);
}

async function expectNoSidewaysScroll(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `page wider than the viewport on ${page.url()}`).toBeLessThanOrEqual(innerWidth + 1);
}

test("a payer gets 404 for the dispute queue, a dispute and dispute files in /admin", async ({ page, signInAs }) => {
  await signInAs(payer.user);
  for (const path of ["/admin/disputes", `/admin/disputes/${D1}`]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page.getByText("AR admin")).toHaveCount(0);
  }
  for (const id of [CUSTOMER_FILE, NOTE_FILE]) {
    const response = await page.request.get(`/admin/attachments/${id}`);
    expect(response.status(), id).toBe(404);
    expect(response.headers()["content-disposition"]).toBeUndefined();
  }
});

test.describe("AR agent", () => {
  test.beforeEach(async ({ signInAs }) => {
    await signInAs(agent);
  });

  test("the queue shows the counts, sorts breached first, and filters", async ({ page }) => {
    // A long walk through every filter: on a busy 2-core machine it can pass 30 s.
    test.slow();
    await page.goto("/admin/customers");
    const nav = page.getByRole("navigation", { name: "Admin" });
    await expect(nav.getByRole("link").first()).toHaveText("Dashboard");
    await nav.getByRole("link", { name: "Disputes" }).click();
    await expect(page).toHaveURL(/\/admin\/disputes$/);
    await expect(page.getByRole("heading", { name: "Disputes", level: 1 })).toBeVisible();

    // Counts per status and the breached count, as the database has them (other specs may be
    // opening disputes at the same time: read both again until they agree).
    await expect(async () => {
      const counts = await sql<{ status: string; n: number }[]>`select status, count(*)::int as n from disputes group by status`;
      const [{ n: breached } = { n: 0 }] = await sql<{ n: number }[]>`
        select count(*)::int as n from disputes where first_responded_at is null and first_response_due_at < now() and status in ('open', 'in_review', 'waiting_on_customer')`;
      await page.reload();
      for (const status of ["open", "in_review", "waiting_on_customer", "resolved", "rejected", "withdrawn"]) {
        const expected = counts.find((c) => c.status === status)?.n ?? 0;
        expect(await page.getByTestId(`count-${status}`).locator("strong").textContent(), status).toBe(String(expected));
      }
      expect(await page.getByTestId("count-breached").locator("strong").textContent()).toBe(String(breached));
      expect(breached).toBeGreaterThanOrEqual(1);
    }).toPass({ timeout: 20_000 });

    // Both are active (the default filter); the breached one first, marked in words.
    await filter(page, { customer: account.name });
    await expect(page).toHaveURL(new RegExp(`customer=${account.name.replace(/ /g, "\\+")}`));
    await expectShown(page, { d1: true, d2: true });
    const d1 = rowOf(page, D1);
    await expect(d1.getByRole("link", { name: d1Link(), exact: true })).toHaveAttribute("href", `/admin/disputes/${D1}`);
    await expect(d1.locator("[data-column=customer]")).toHaveText(account.name);
    await expect(d1).toContainText("CAD 120.00");
    await expect(d1.locator("[data-column=status]")).toHaveText("Open");
    await expect(d1.locator("[data-column=assignee]")).toHaveText("Unassigned");
    await expect(d1.locator("[data-column=age]")).toHaveText("4 days");
    await expect(d1.locator("[data-column=sla]")).toContainText("SLA breached");
    const d2 = rowOf(page, D2);
    await expect(d2.getByRole("link", { name: `${inv2.number} — Damaged goods`, exact: true })).toBeVisible();
    await expect(d2.locator("[data-column=age]")).toHaveText("Today");
    await expect(d2.locator("[data-column=sla]")).not.toContainText("SLA breached");
    const order = await page.locator("main table tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-dispute-id")));
    expect(order.indexOf(D1)).toBeLessThan(order.indexOf(D2));
    await expectAccessible(page);

    await filter(page, { customer: part, reason: "Pricing error" });
    await expect(page).toHaveURL(/reason=pricing_error/);
    await expectShown(page, { d1: true, d2: false });

    await filter(page, { customer: part, sla: true });
    await expect(page).toHaveURL(/sla=breached/);
    await expectShown(page, { d1: true, d2: false });

    await filter(page, { customer: part, min: "100", max: "130" });
    await expectShown(page, { d1: true, d2: false });

    await filter(page, { customer: part, older: "2" });
    await expectShown(page, { d1: true, d2: false });

    await filter(page, { customer: part, assignee: "Unassigned" });
    await expectShown(page, { d1: true, d2: true });
    await filter(page, { customer: part, assignee: "Me" });
    await expectShown(page, { d1: false, d2: false });

    await filter(page, { customer: part, status: "Resolved" });
    await expect(page).toHaveURL(/status=resolved/);
    await expectShown(page, { d1: false, d2: false });
    await filter(page, { customer: part, status: "Open" });
    await expectShown(page, { d1: true, d2: true });

    await filter(page, { customer: `Globe ${t}` });
    await expectShown(page, { d1: false, d2: false });

    // The form shows the filters it was given back.
    await page.goto(`/admin/disputes?customer=${encodeURIComponent(part)}&reason=pricing_error&sla=breached&minAmount=100`);
    const form = page.getByRole("form", { name: "Filter disputes" });
    await expect(form.getByLabel("Customer name")).toHaveValue(part);
    await expect(form.getByLabel("Reason")).toHaveValue("pricing_error");
    await expect(form.getByLabel("SLA breached only")).toBeChecked();
    await expect(form.getByLabel("Amount from")).toHaveValue("100");
    await expectShown(page, { d1: true, d2: false });

    // Narrow screen: the table scrolls in its own box, not the page.
    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoSidewaysScroll(page);
    await page.setViewportSize({ width: 1280, height: 800 });

    // Open it from the queue.
    await rowOf(page, D1).getByRole("link", { name: d1Link(), exact: true }).click();
    await expect(page).toHaveURL(`/admin/disputes/${D1}`);
    await expect(page.getByRole("heading", { name: `Dispute of invoice ${inv1.number}`, level: 1 })).toBeVisible();
  });

  test("works a dispute: files, claim, internal note, request for information, partial credit", async ({ page }) => {
    await page.goto(`/admin/disputes/${D1}`);
    await expect(page.getByRole("heading", { name: `Dispute of invoice ${inv1.number}`, level: 1 })).toBeVisible();
    const main = page.locator("main");
    await expect(main.getByRole("link", { name: inv1.number, exact: true })).toHaveAttribute("href", `/admin/invoices/${inv1.id}`);
    await expect(main.getByRole("link", { name: account.name, exact: true }).first()).toHaveAttribute("href", `/admin/customers/${account.id}`);
    await expect(page.getByTestId("dispute-amount")).toContainText("CAD 120.00");
    await expect(main.getByText("Pricing error", { exact: true })).toBeVisible();
    await expect(page.getByTestId("dispute-status")).toHaveText("Open");
    await expect(page.getByTestId("dispute-sla")).toContainText("SLA breached");
    await expect(page.getByTestId("dispute-assignee")).toHaveText("Unassigned");
    await expect(page.getByRole("region", { name: "Disputed lines" }).locator("tbody tr")).toHaveCount(1);

    // The thread in order, the internal note marked in words.
    const thread = page.getByRole("region", { name: "Thread" });
    await expect(thread.getByRole("listitem").filter({ has: page.getByRole("article") })).toHaveCount(2);
    await expect(thread.getByRole("article").nth(0)).toContainText("The unit price is not the one on our quote.");
    await expect(thread.getByRole("article").nth(1)).toContainText("Internal note — not visible to the customer");
    await expect(thread.getByText("Internal note — not visible to the customer")).toHaveCount(1);

    // Customer context beside it.
    const context = page.getByRole("complementary");
    await expect(context.getByRole("heading", { name: "Balances" })).toBeVisible();
    await expect(context).toContainText("CAD");
    await expect(context.getByRole("region", { name: "Other disputes" }).getByRole("link", { name: inv2.number })).toHaveAttribute("href", `/admin/disputes/${D2}`);
    await expect(context.getByRole("heading", { name: "Recent payments" })).toBeVisible();

    // Files download with safe headers, the internal note's too.
    const pdfLink = thread.getByRole("link", { name: "Download quote.pdf" });
    await expect(pdfLink).toHaveAttribute("href", `/admin/attachments/${CUSTOMER_FILE}`);
    await expect(thread.getByRole("link", { name: "Download price-list.png" })).toHaveAttribute("href", `/admin/attachments/${NOTE_FILE}`);
    for (const [id, type, name, bytes] of [
      [CUSTOMER_FILE, "application/pdf", "quote.pdf", PDF],
      [NOTE_FILE, "image/png", "price-list.png", PNG],
    ] as const) {
      const response = await page.request.get(`/admin/attachments/${id}`);
      expect(response.status()).toBe(200);
      const headers = response.headers();
      expect(headers["content-type"]).toBe(type);
      expect(headers["content-disposition"]).toBe(`attachment; filename="${name}"; filename*=UTF-8''${name}`);
      // Also set for every response by server/http.ts; Express then carries the value twice.
      expect(new Set(headers["x-content-type-options"]?.split(/,\s*/))).toEqual(new Set(["nosniff"]));
      expect(headers["cache-control"]).toBe("private, no-store");
      expect(Buffer.compare(await response.body(), bytes)).toBe(0);
    }
    expect((await page.request.get("/admin/attachments/att_no_such_file")).status()).toBe(404);
    await expectAccessible(page);

    // Claim it.
    await page.getByRole("button", { name: "Assign to me" }).click();
    await expect(page.getByText("The dispute is assigned to you.")).toBeVisible();
    await expect(page.getByTestId("dispute-assignee")).toHaveText(agent.name);
    await expect(page.getByRole("button", { name: "Assign to me" })).toHaveCount(0);
    expect((await disputeRow(D1)).assignee_user_id).toBe(agentId);

    // A file that is not what it claims: nothing is sent, each file is named with the reason,
    // and the typed message is kept.
    const messages = async () => (await sql<{ n: number }[]>`select count(*)::int as n from dispute_messages where dispute_id = ${D1}`)[0]!.n;
    const before = await messages();
    const body = page.getByLabel("Message", { exact: true });
    await body.fill("Checked with sales: see the attached price list.");
    await page.getByLabel("Attach files (optional)").setInputFiles([
      { name: "fake.pdf", mimeType: "application/pdf", buffer: Buffer.from("MZ this is not a PDF") },
      { name: "tool.exe", mimeType: "application/octet-stream", buffer: Buffer.from("MZ") },
    ]);
    await page.getByRole("button", { name: "Add internal note" }).click();
    const problem = page.getByRole("alert").filter({ hasText: "Nothing was sent" });
    await expect(problem).toContainText('"fake.pdf" does not look like a real PDF file');
    await expect(problem).toContainText('"tool.exe" is not a PDF, PNG or JPEG file.');
    await expect(body).toHaveValue("Checked with sales: see the attached price list.");
    await expect.poll(() => page.getByLabel("Attach files (optional)").evaluate((input: HTMLInputElement) => input.files?.length ?? 0), { message: "refused files are cleared" }).toBe(0);
    expect(await messages()).toBe(before);

    // An internal note with a real file: staff only, no email, not a first response.
    await page.getByLabel("Attach files (optional)").setInputFiles([{ name: "price list v7.png", mimeType: "image/png", buffer: PNG }]);
    await page.getByRole("button", { name: "Add internal note" }).click();
    await expect(page.getByText("Internal note added.")).toBeVisible();
    await expect(body).toHaveValue("");
    await expect(thread.getByText("Internal note — not visible to the customer")).toHaveCount(2);
    const note = thread.getByRole("article").last();
    await expect(note).toContainText("Checked with sales: see the attached price list.");
    await expect(note.getByRole("link", { name: "Download price list v7.png" })).toBeVisible();
    expect(await messages()).toBe(before + 1);
    const [saved] = await sql<{ visibility: string; filename: string }[]>`
      select m.visibility, a.filename from dispute_messages m join attachments a on a.message_id = m.id
      where m.dispute_id = ${D1} order by m.created_at desc limit 1`;
    expect(saved).toEqual({ visibility: "internal", filename: "price list v7.png" });
    expect(await disputeRow(D1)).toMatchObject({ status: "open", first_responded_at: null });

    // Ask the customer for information: waiting on them, they are emailed, the SLA is met.
    await body.fill("Please send us the signed quote with its date.");
    await page.getByRole("button", { name: "Ask customer for information" }).click();
    await expect(page.getByText("Request for information sent.")).toBeVisible();
    await expect(page.getByTestId("dispute-status")).toHaveText("Waiting on customer");
    await expect(page.getByTestId("dispute-sla")).toContainText("Responded");
    await expect(page.getByTestId("dispute-sla")).not.toContainText("SLA breached");
    await expect(thread.getByRole("article").last()).toContainText("Request for information");
    const asked = await disputeRow(D1);
    expect(asked.status).toBe("waiting_on_customer");
    expect(asked.first_responded_at).not.toBeNull();
    // The request is mailed after the note was saved: once it has arrived, so would the note have.
    await waitForSubject(payer.user.email, `We need more information about invoice ${inv1.number}`);
    const internalMail = (await mailFor(payer.user.email)).filter((m) => m.text.includes("Checked with sales"));
    expect(internalMail, "an internal note is never emailed").toHaveLength(0);

    // Only the moves policy allows: from waiting on customer, back to review.
    await expect(page.getByRole("button", { name: "Move to Open" })).toHaveCount(0);
    await page.getByRole("button", { name: "Move to In review" }).click();
    await expect(page.getByText("Status changed.")).toBeVisible();
    await expect(page.getByTestId("dispute-status")).toHaveText("In review");

    // Narrow screen: forms and thread fit.
    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoSidewaysScroll(page);
    await page.setViewportSize({ width: 1280, height: 800 });

    // Resolve with a partial credit: nothing is prefilled, so one click credits nothing; the full
    // amount is one button away; more than it is refused.
    const invoiceBefore = await invoiceRow(inv1.id);
    expect(invoiceBefore.amount_disputed).toBe(12000);
    const amount = page.getByLabel("Credit amount (CAD)");
    await expect(amount).toHaveValue("");
    await page.getByLabel("Note to the customer").fill("Credit for the price difference on line 1.");
    await page.getByRole("button", { name: "Resolve with credit" }).click();
    await expect(page.getByText("Type the amount to credit, up to the disputed CAD 120.00.")).toBeVisible();
    expect((await disputeRow(D1)).status).toBe("in_review");
    await page.getByRole("button", { name: "Fill in the full CAD 120.00" }).click();
    await expect(amount).toHaveValue("120.00");
    await amount.fill("500");
    await page.getByRole("button", { name: "Resolve with credit" }).click();
    await expect(page.getByText("The credit can be at most the disputed CAD 120.00.")).toBeVisible();
    await expect(amount).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Note to the customer")).toHaveValue("Credit for the price difference on line 1.");
    expect((await disputeRow(D1)).status).toBe("in_review");

    await amount.fill("45.50");
    await page.getByRole("button", { name: "Resolve with credit" }).click();
    await expect(page.getByText("Dispute resolved with a credit.")).toBeVisible();
    await expect(page.getByTestId("dispute-status")).toHaveText("Resolved");
    await expect(page.getByTestId("dispute-outcome")).toContainText("Resolved with a credit of CAD 45.50 (of CAD 120.00 disputed).");
    await expect(page.getByRole("button", { name: "Send reply to customer" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Resolve with credit" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Assign to me" })).toHaveCount(0);

    const invoiceAfter = await invoiceRow(inv1.id);
    expect(invoiceAfter.balance).toBe(invoiceBefore.balance - 4550);
    expect(invoiceAfter.amount_disputed).toBe(0);
    expect(invoiceAfter.amount_credited).toBe(invoiceBefore.amount_credited + 4550);
    expect(await disputeRow(D1)).toMatchObject({ status: "resolved", credited_amount: 4550 });
    const memos = await sql<{ id: string; amount: number; currency: string; invoice_id: string }[]>`
      select id, amount::int, currency, invoice_id from credit_memos where dispute_id = ${D1}`;
    expect(memos).toHaveLength(1);
    expect(memos[0]).toMatchObject({ amount: 4550, currency: "CAD", invoice_id: inv1.id });
    const [resolved] = await sql<{ data: Record<string, unknown> }[]>`select data from events where type = 'dispute.resolved' and subject_id = ${D1}`;
    expect(resolved?.data).toMatchObject({ outcome: "credited", creditedAmount: 4550, amount: 12000, currency: "CAD" });
    const [memoEvent] = await sql<{ data: Record<string, unknown> }[]>`select data from events where type = 'credit_memo.created' and subject_id = ${memos[0]!.id}`;
    expect(memoEvent?.data).toMatchObject({ disputeId: D1, amount: 4550, invoiceId: inv1.id });
    await waitForSubject(payer.user.email, `Your dispute of invoice ${inv1.number} is resolved`);
    await expectAccessible(page);
  });

  test("rejects a dispute only with an explanation", async ({ page }) => {
    const invoiceBefore = await invoiceRow(inv2.id);
    await page.goto(`/admin/disputes/${D2}`);
    await expect(page.getByRole("heading", { name: `Dispute of invoice ${inv2.number}`, level: 1 })).toBeVisible();
    await expect(page.getByTestId("dispute-sla")).toContainText("Due");
    await expect(page.getByTestId("dispute-sla")).not.toContainText("SLA breached");
    await expect(page.getByRole("region", { name: "Disputed lines" })).toHaveCount(0);

    const explanation = page.getByLabel("Explanation to the customer");
    await page.getByRole("button", { name: "Reject", exact: true }).click();
    await expect(page.getByText("Explain to the customer why the dispute is rejected (at least 5 characters).")).toBeVisible();
    await expect(explanation).toHaveAttribute("aria-invalid", "true");
    expect((await disputeRow(D2)).status).toBe("open");

    await explanation.fill("The delivery photos show the cartons intact at drop-off.");
    await page.getByRole("button", { name: "Reject", exact: true }).click();
    await expect(page.getByText("Dispute rejected.")).toBeVisible();
    await expect(page.getByTestId("dispute-status")).toHaveText("Rejected");
    await expect(page.getByTestId("dispute-outcome")).toContainText("Rejected: the CAD 80.00 is payable again.");
    await expect(page.getByRole("region", { name: "Outcome" })).toContainText("The delivery photos show the cartons intact at drop-off.");
    await expect(page.getByRole("button", { name: "Reject", exact: true })).toHaveCount(0);

    const invoiceAfter = await invoiceRow(inv2.id);
    expect(invoiceAfter).toMatchObject({ balance: invoiceBefore.balance, amount_disputed: invoiceBefore.amount_disputed - 8000, amount_credited: invoiceBefore.amount_credited });
    expect(await disputeRow(D2)).toMatchObject({ status: "rejected", credited_amount: 0 });
    expect(await sql`select 1 from credit_memos where dispute_id = ${D2}`).toHaveLength(0);
    const [resolved] = await sql<{ data: Record<string, unknown> }[]>`select data from events where type = 'dispute.resolved' and subject_id = ${D2}`;
    expect(resolved?.data).toMatchObject({ outcome: "rejected", creditedAmount: 0 });

    // Both now closed: the queue's "Rejected" filter finds this one.
    await page.goto(`/admin/disputes?customer=${encodeURIComponent(part)}&status=rejected`);
    await expectShown(page, { d1: false, d2: true });
    await expect(rowOf(page, D2).locator("[data-column=status]")).toHaveText("Rejected");
  });
});

test.describe("an agent in New York", () => {
  test.use({ timezoneId: "America/New_York" });

  test("sees SLA deadlines in their own time zone, named, with the exact instant kept", async ({ page, signInAs }) => {
    // A dispute of its own, so the queue has a deadline to show.
    const { user, accounts } = await data.payer();
    await data.dispute(await data.invoice(accounts[0]!), { by: user });
    await signInAs(await data.staff());
    await page.goto(`/admin/disputes?status=active&customer=${encodeURIComponent(accounts[0]!.name)}`);
    const deadline = page.locator("main table time").first();
    await expect(deadline).toHaveText(/ E[SD]T$/);
    const iso = (await deadline.getAttribute("datetime"))!;
    const expected = new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "America/New_York" });
    await expect(deadline).toHaveText(new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s/g, "\\s")} E[SD]T$`));
    // The UTC instant stays one hover away for anyone comparing with logs.
    await expect(deadline).toHaveAttribute("title", / UTC$/);
  });
});
