import type { Page } from "@playwright/test";
import { e2e } from "./support/config";
import { createSession, data, expect, mailFor, sql, test, waitForMail } from "./support/fixtures";

// Payer-side disputes: raising one with evidence, following it, and the attacks on uploads.
test.describe.configure({ mode: "serial" });

const pdf = (name = "delivery-note.pdf") => ({ name, mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n") });
const png = (name = "photo.png") => ({ name, mimeType: "image/png", buffer: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]) });

/** This test's payer (a fresh one each test: its mail is its own) and their account. */
let payer: Awaited<ReturnType<typeof data.payer>>;
const account = () => payer.accounts[0]!;

/** An open invoice of the payer's account, unpaid and not yet due, with nothing in dispute. */
async function openInvoice() {
  const invoice = await data.invoice(account(), { total: 486_40, dueInDays: 20 });
  return { id: invoice.id, number: invoice.number, balance: invoice.total };
}

async function fillDispute(page: Page, invoiceId: string, description = "Two cartons arrived crushed; see the delivery note.") {
  await page.goto(`/invoices/${invoiceId}/dispute`);
  await page.getByLabel("Reason").selectOption({ label: "Damaged goods" });
  await page.getByLabel("What is wrong?").fill(description);
}

test.beforeEach(async ({ signInAs }) => {
  payer = await data.payer();
  await signInAs(payer.user);
});

test("a payer disputes part of an invoice with a PDF; the amount is held, the rest stays payable", async ({ page }) => {
  const inv = await openInvoice();
  const mailBefore = (await mailFor(payer.user.email)).length;
  await page.goto(`/invoices/${inv.id}`);
  await page.getByRole("link", { name: "Dispute this invoice" }).click();
  await page.getByLabel("Reason").selectOption({ label: "Damaged goods" });
  await page.locator("input[name^=line_]").first().check();
  await page.getByLabel(/Amount disputed/).fill("10.00");
  await page.getByLabel("What is wrong?").fill("Two cartons arrived crushed; see the delivery note.");
  await page.getByLabel("Evidence (optional)").setInputFiles([pdf()]);
  await page.getByRole("button", { name: "Open dispute" }).click();

  await expect(page.getByRole("heading", { name: `Dispute of invoice ${inv.number}` })).toBeVisible();
  await expect(page.getByText("Open", { exact: true })).toBeVisible();
  await expect(page.getByTestId("dispute-amount")).toHaveText("USD 10.00");
  await expect(page.getByRole("link", { name: "delivery-note.pdf" })).toBeVisible();

  const href = await page.getByRole("link", { name: "delivery-note.pdf" }).getAttribute("href");
  const file = await page.request.get(href!);
  expect(file.status()).toBe(200);
  expect(file.headers()["content-disposition"]).toMatch(/^attachment; filename="delivery-note.pdf"/);
  expect(file.headers()["x-content-type-options"]).toBe("nosniff");
  expect(file.headers()["cache-control"]).toContain("no-store");
  expect((await file.body()).subarray(0, 5).toString()).toBe("%PDF-");

  await page.goto(`/invoices/${inv.id}`);
  await expect(page.getByText("In dispute", { exact: true }).first()).toBeVisible();
  await expect(page.getByTestId("invoice-disputed")).toHaveText("USD 10.00");
  await page.getByRole("link", { name: "Pay this invoice" }).click();
  await expect(page.getByTestId("pay-total")).toContainText(((inv.balance - 1000) / 100).toLocaleString("en-US", { minimumFractionDigits: 2 }));

  const mail = await waitForMail(payer.user.email, mailBefore);
  expect(mail.subject).toBe(`We received your dispute of invoice ${inv.number}`);
});

test("an executable renamed .pdf is refused with the reason, and nothing typed is lost", async ({ page }) => {
  const inv = await openInvoice();
  await fillDispute(page, inv.id, "Keep this text after the refusal please");
  await page.getByLabel("Evidence (optional)").setInputFiles([{ name: "invoice.pdf", mimeType: "application/pdf", buffer: Buffer.concat([Buffer.from("MZ"), Buffer.alloc(200, 0x90)]) }]);
  await page.getByRole("button", { name: "Open dispute" }).click();
  await expect(page.getByRole("alert")).toContainText("invoice.pdf");
  await expect(page.getByRole("alert")).toContainText("Nothing else you typed was lost");
  await expect(page.getByLabel("What is wrong?")).toHaveValue("Keep this text after the refusal please");
  await expect(page.getByLabel("Reason")).toHaveValue("damaged_goods");
  expect(await sql`select 1 from disputes where invoice_id = ${inv.id}`).toHaveLength(0);
});

test("an oversized file and too many files are refused with clear messages", async ({ page }) => {
  const inv = await openInvoice();
  await fillDispute(page, inv.id);
  const big = { name: "scan.pdf", mimeType: "application/pdf", buffer: Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(10 * 1024 * 1024, 0x20)]) };
  await page.getByLabel("Evidence (optional)").setInputFiles([big]);
  await page.getByRole("button", { name: "Open dispute" }).click();
  await expect(page.getByRole("alert")).toContainText("scan.pdf");
  await expect(page.getByRole("alert")).toContainText(/10 MB/);

  await page.getByLabel("Evidence (optional)").setInputFiles(Array.from({ length: 6 }, (_, i) => pdf(`page-${i + 1}.pdf`)));
  await page.getByRole("button", { name: "Open dispute" }).click();
  await expect(page.getByRole("alert")).toContainText(/at most 5 files/);
  expect(await sql`select 1 from disputes where invoice_id = ${inv.id}`).toHaveLength(0);
});

test("a filename with path characters is stored under a safe name", async ({ page }) => {
  const inv = await openInvoice();
  await fillDispute(page, inv.id);
  await page.getByLabel("Evidence (optional)").setInputFiles([pdf("..\\..\\etc\\passwd.pdf"), pdf("../../etc/shadow.pdf")]);
  await page.getByRole("button", { name: "Open dispute" }).click();
  await expect(page.getByRole("heading", { name: /^Dispute of invoice/ })).toBeVisible();
  const rows = await sql<{ filename: string; storage_key: string }[]>`
    select a.filename, a.storage_key from attachments a join disputes d on d.id = a.dispute_id where d.invoice_id = ${inv.id} order by a.filename`;
  expect(rows).toHaveLength(2);
  for (const row of rows) {
    expect(row.filename).not.toMatch(/[/\\]|\.\./);
    expect(row.storage_key).toMatch(/^[a-f0-9]{64}$/);
  }
  expect(rows.map((r) => r.filename)).toEqual([expect.stringMatching(/passwd\.pdf$/), "shadow.pdf"]);
});

test("a payer answers a request for information with a PNG, never sees internal notes, and can withdraw", async ({ page }) => {
  const inv = await openInvoice();
  await fillDispute(page, inv.id);
  await page.getByRole("button", { name: "Open dispute" }).click();
  await expect(page).toHaveURL(/\/disputes\/dsp_/);
  const disputeId = new URL(page.url()).pathname.split("/").pop()!;
  const agent = await data.staff();
  await sql`insert into dispute_messages (id, dispute_id, author_user_id, author_side, visibility, kind, body)
    values (${`dmsg_e2e_${disputeId}`}, ${disputeId}, ${agent!.id}, 'staff', 'internal', 'message', 'SECRET internal assessment')`;
  await sql`insert into dispute_messages (id, dispute_id, author_user_id, author_side, visibility, kind, body)
    values (${`dmsg_e2e_q_${disputeId}`}, ${disputeId}, ${agent!.id}, 'staff', 'customer', 'info_request', 'Please send a photo of the damage')`;
  await sql`update disputes set status = 'waiting_on_customer' where id = ${disputeId}`;

  await page.reload();
  await expect(page.getByText("We need more information")).toBeVisible();
  await expect(page.getByText("Please send a photo of the damage")).toBeVisible();
  await expect(page.getByText("SECRET internal assessment")).toHaveCount(0);
  expect(await page.content()).not.toContain("SECRET");

  await page.getByLabel("Message").fill("Photo attached.");
  await page.getByLabel("Attach files (optional)").setInputFiles([png()]);
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(page.getByRole("link", { name: "photo.png" })).toBeVisible();
  await expect(page.getByText("In review", { exact: true })).toBeVisible();

  await page.getByRole("button", { name: "Withdraw this dispute" }).click();
  await expect(page.getByText("Withdrawn", { exact: true })).toBeVisible();
  const [after] = await sql<{ amount_disputed: number }[]>`select amount_disputed::int from invoices where id = ${inv.id}`;
  expect(after!.amount_disputed).toBe(0);
});

test("another account's dispute and its files answer 404", async ({ page, signInAs }) => {
  // This payer's dispute with a file (opened through the form), and a third customer's dispute.
  const inv = await openInvoice();
  await fillDispute(page, inv.id);
  await page.getByLabel("Evidence (optional)").setInputFiles([pdf()]);
  await page.getByRole("button", { name: "Open dispute" }).click();
  await expect(page).toHaveURL(/\/disputes\/dsp_/);
  const [pats] = await sql<{ id: string; att: string }[]>`
    select d.id, a.id as att from disputes d join attachments a on a.dispute_id = d.id where d.invoice_id = ${inv.id}`;
  const third = await data.payer();
  const theirs = await data.dispute(await data.invoice(third.accounts[0]!), { by: third.user });
  await page.context().clearCookies();
  await signInAs((await data.payer()).user);
  expect((await page.request.get(`/disputes/${pats!.id}`)).status()).toBe(404);
  expect((await page.request.get(`/disputes/${theirs!.id}`)).status()).toBe(404);
  expect((await page.request.get(`/attachments/${pats!.att}`)).status()).toBe(404);
  await page.goto(`/disputes/${pats!.id}`);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

test("the whole journey: payer disputes with a PDF, the agent triages, asks, gets a PNG, and credits part", async ({ page, browser }) => {
  test.setTimeout(90_000);
  const inv = await openInvoice();
  const mailBefore = (await mailFor(payer.user.email)).length;
  // Payer: open the dispute with evidence.
  await fillDispute(page, inv.id, "Wrong unit price on the pallets; contract attached.");
  await page.getByLabel("Reason").selectOption({ label: "Pricing error" });
  await page.getByLabel(/Amount disputed/).fill("30.00");
  await page.getByLabel("Evidence (optional)").setInputFiles([pdf("contract.pdf")]);
  await page.getByRole("button", { name: "Open dispute" }).click();
  await expect(page).toHaveURL(/\/disputes\/dsp_/);
  const disputeId = new URL(page.url()).pathname.split("/").pop()!;

  // Agent: find it in the queue, note internally, ask for information.
  const agentContext = await browser.newContext();
  const agent = await agentContext.newPage();
  await agentContext.addCookies([{ name: "portal_session", value: await createSession(await data.staff()), url: e2e.appUrl, httpOnly: true, sameSite: "Lax" }]);
  await agent.goto(`/admin/disputes?customer=${encodeURIComponent(account().name)}`);
  await agent.getByRole("link", { name: new RegExp(`^${inv.number}`) }).first().click();
  await expect(agent).toHaveURL(new RegExp(`/admin/disputes/${disputeId}$`));
  await expect(agent.getByRole("link", { name: "contract.pdf" })).toBeVisible();
  await agent.getByLabel("Message", { exact: true }).fill("Contract says 41.00 — likely valid.");
  await agent.getByRole("button", { name: "Add internal note" }).click();
  await expect(agent.getByText("Contract says 41.00 — likely valid.")).toBeVisible();
  await agent.getByLabel("Message", { exact: true }).fill("Please send a photo of the price label on the pallet.");
  await agent.getByRole("button", { name: "Ask customer for information" }).click();
  await expect(agent.getByText("Please send a photo of the price label on the pallet.")).toBeVisible();
  await expect.poll(async () => (await sql`select status from disputes where id = ${disputeId}`)[0]!.status).toBe("waiting_on_customer");

  // Payer: sees the question, not the note; answers with a PNG.
  await page.reload();
  await expect(page.getByText("Please send a photo of the price label on the pallet.")).toBeVisible();
  expect(await page.content()).not.toContain("likely valid");
  await page.getByLabel("Message").fill("Photo of the label attached.");
  await page.getByLabel("Attach files (optional)").setInputFiles([png("label.png")]);
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(page.getByRole("link", { name: "label.png" })).toBeVisible();

  // Agent: resolves with a partial credit of 20.00 of the 30.00 disputed.
  await agent.reload();
  await expect(agent.getByRole("link", { name: "label.png" })).toBeVisible();
  await agent.getByLabel(/Credit amount/).fill("20.00");
  await agent.getByLabel("Note to the customer").fill("Contract price applied to the pallets.");
  await agent.getByRole("button", { name: "Resolve with credit" }).click();
  await expect.poll(async () => (await sql`select status from disputes where id = ${disputeId}`)[0]!.status).toBe("resolved");
  await agentContext.close();

  // The invoice balance dropped by exactly the credit, and the payer sees it.
  const [after] = await sql<{ balance: number; amount_disputed: number; amount_credited: number }[]>`select balance::int, amount_disputed::int, amount_credited::int from invoices where id = ${inv.id}`;
  expect(after).toMatchObject({ balance: inv.balance - 2000, amount_disputed: 0 });
  await page.reload();
  await expect(page.getByText("Credited USD 20.00", { exact: true })).toBeVisible();
  await page.goto(`/invoices/${inv.id}`);
  await expect(page.getByTestId("invoice-balance")).toHaveText(`USD ${((inv.balance - 2000) / 100).toLocaleString("en-US", { minimumFractionDigits: 2 })}`);
  // A credit is not a payment: the invoice says "Partly credited" and shows paid and credited apart.
  await expect(page.getByRole("heading", { level: 1 }).locator("..").getByText("Partly credited", { exact: true })).toBeVisible();
  await expect(page.getByTestId("invoice-credited")).toHaveText("USD 20.00");
  await expect(page.getByText("Partially paid")).toHaveCount(0);

  // Emails at each step the payer should know about.
  await expect
    .poll(async () => (await mailFor(payer.user.email)).slice(mailBefore).filter((m) => m.subject.includes(inv.number)).map((m) => m.subject.split(" invoice")[0]), { timeout: 10_000 })
    .toEqual(["We received your dispute of", "We need more information about", `Your dispute of`]);
});
