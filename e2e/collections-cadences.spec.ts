import { e2e } from "./support/config";
import { data, expect, expectAccessible, sql, tag, test } from "./support/fixtures";

// The AR admins' cadence editor: a cadence this spec makes (the default one is left alone, the
// reminder engine's specs rely on it), a call step added, a template edited and previewed with a
// real account's invoices; an agent sees it all and changes nothing.

/** 123456, "USD" → "USD 1,234.56" (as the portal prints money). */
const money = (minor: number, currency = "USD") => `${currency} ${(minor / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

test("an admin adds a +45 call step, edits a template and previews it with a real account's invoices", async ({ page, signInAs }) => {
  const t = tag();
  const admin = await data.staff("ar_admin");
  const account = await data.account({ name: `Preview Traders ${t}` });
  await data.invoices(account, [
    { total: 1_000_00, dueInDays: -9 },
    { total: 234_56, dueInDays: 4 },
  ]);
  await signInAs(admin);

  await page.goto("/admin/collections/cadences");
  await expect(page.getByRole("navigation", { name: "Collections" }).getByRole("link", { name: "Cadences" })).toHaveAttribute("aria-current", "page");
  // The seeded default, its steps summarised.
  await expect(page.getByTestId("cadence-row").filter({ hasText: "Default" })).toContainText("−3 · 0 · +7 · +14 · +30");

  const name = `Spec cadence ${t}`;
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Start with the steps of").selectOption({ label: "Standard" });
  await page.getByRole("button", { name: "Create cadence" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByTestId("cadence-step")).toHaveCount(5);

  // A +45 call step for the collector.
  const add = page.locator("form").filter({ has: page.getByRole("button", { name: "Add step" }) });
  await add.getByLabel("Day (from the due date)").fill("45");
  await add.getByLabel("Channel").selectOption("call");
  await add.getByLabel("Subject (for a call: the task)").fill("Call {{account_name}} about {{total_due}}");
  await add.getByRole("button", { name: "Add step" }).click();
  await expect(page.getByText("Step +45 added.")).toBeVisible();
  const call = page.getByTestId("cadence-step").filter({ has: page.getByRole("heading", { name: /Day \+45/ }) });
  await expect(call).toContainText("45 days after due · Call task");
  await expect(page.getByTestId("cadence-step")).toHaveCount(6);

  // A second step on the same day is refused at its field, and what was typed stays.
  await add.getByLabel("Day (from the due date)").fill("+45");
  await add.getByLabel("Subject (for a call: the task)").fill("Twice");
  await add.getByLabel("Message (for a call: the script, optional)").fill("Hello {{account_name}}");
  await add.getByRole("button", { name: "Add step" }).click();
  await expect(add.getByText("The cadence already has a step on day +45")).toBeVisible();
  await expect(add.getByLabel("Subject (for a call: the task)")).toHaveValue("Twice");
  await expect(page.getByTestId("cadence-step")).toHaveCount(6);

  // Edit the +7 template.
  const plus7 = page.getByTestId("cadence-step").filter({ has: page.getByRole("heading", { name: /Day \+7/ }) });
  await plus7.getByText("Edit step +7").click();
  await plus7.getByLabel("Subject (for a call: the task)").fill("{{account_name}}: {{total_due}} is waiting");
  await plus7.getByLabel("Message (for a call: the script, optional)").fill("You have {{invoice_count}} open invoices, the oldest {{days_late}} days late.");
  await plus7.getByRole("button", { name: "Save step" }).click();
  await expect(page.getByText("Step +7 saved.")).toBeVisible();
  await expect(plus7).toContainText("Subject: {{account_name}}: {{total_due}} is waiting");

  // Preview it for the account: found by name, its invoices and amounts filled in.
  const preview = page.locator("#preview");
  await preview.getByLabel("Find an account (name or number)").fill(`Preview Traders ${t}`);
  await expect(preview.getByLabel("Step")).toHaveValue(/.+/);
  await preview.getByLabel("Step").selectOption({ label: "Day +7 · Email" });
  await preview.getByRole("button", { name: "Find" }).click();
  await preview.getByRole("link", { name: `Preview for Preview Traders ${t} (${account.number})` }).click();
  const email = page.getByTestId("reminder-preview");
  await expect(email.getByTestId("preview-subject")).toHaveText(`Preview Traders ${t}: ${money(1_234_56)} is waiting`);
  await expect(email.getByTestId("preview-body")).toContainText("You have 2 open invoices, the oldest 9 days late.");
  await expect(email).toContainText(`To: ${account.billingEmail}`);
  const [first] = await sql<{ number: string }[]>`select number from invoices where account_id = ${account.id} order by due_date limit 1`;
  await expect(email.getByTestId("preview-body")).toContainText(`Invoice ${first!.number}`);
  await expectAccessible(page);

  // A draft previewed before saving: the account's figures in it, nothing stored.
  await plus7.getByText("Edit step +7").click();
  await plus7.getByLabel("Subject (for a call: the task)").fill("Draft: {{invoice_count}} invoices for {{account_name}}");
  await plus7.getByRole("button", { name: `Preview this draft for Preview Traders ${t}` }).click();
  const draft = plus7.getByRole("article", { name: `Draft, not saved: email preview for Preview Traders ${t}` });
  await expect(draft.getByTestId("preview-subject")).toHaveText(`Draft: 2 invoices for Preview Traders ${t}`);
  await expect(plus7.getByLabel("Subject (for a call: the task)")).toHaveValue("Draft: {{invoice_count}} invoices for {{account_name}}");
  const [saved] = await sql<{ subject: string }[]>`select s.subject from cadence_steps s join cadences c on c.id = s.cadence_id where c.name = ${name} and s.offset_days = 7`;
  expect(saved!.subject).toBe("{{account_name}}: {{total_due}} is waiting");

  // The cadence's steps were stored as shown.
  const stored = await sql<{ offset_days: number; channel: string }[]>`
    select s.offset_days, s.channel from cadence_steps s join cadences c on c.id = s.cadence_id where c.name = ${name} order by s.offset_days`;
  expect(stored.map((s) => [s.offset_days, s.channel])).toEqual([
    [-3, "email"],
    [0, "email"],
    [7, "email"],
    [14, "email"],
    [30, "email"],
    [45, "call"],
  ]);
});

test("an agent sees cadences and previews but cannot change them", async ({ page, signInAs }) => {
  const agent = await data.staff("ar_agent");
  const [cadence] = await sql<{ id: string; name: string }[]>`select id, name from cadences where is_default`;
  const [step] = await sql<{ id: string; subject: string }[]>`select id, subject from cadence_steps where cadence_id = ${cadence!.id} order by offset_days limit 1`;
  await signInAs(agent);
  await page.goto(`/admin/collections/cadences/${cadence!.id}`);
  await expect(page.getByRole("heading", { level: 1, name: cadence!.name })).toBeVisible();
  await expect(page.getByText("Only an AR admin can change cadences and their templates.")).toBeVisible();
  await expect(page.getByRole("button", { name: /Add step|Save step|Remove|Make this the default/ })).toHaveCount(0);

  // Posting by hand is refused by the use case, and nothing changes.
  const form = { intent: "save_step", stepId: step!.id, offsetDays: "-3", channel: "email", subject: "Changed by an agent", body: "Hello" };
  const res = await page.request.post(`/admin/collections/cadences/${cadence!.id}`, { form, headers: { Origin: e2e.appUrl } });
  expect(res.status()).toBe(403);
  const [after] = await sql<{ subject: string }[]>`select subject from cadence_steps where id = ${step!.id}`;
  expect(after!.subject).toBe(step!.subject);
  expect((await page.request.get("/admin/collections/settings")).status()).toBe(403);
});
