import type { Page } from "@playwright/test";
import { data, expect, expectAccessible, sql, tag, test } from "./support/fixtures";

// The AR team's worklist and an account's Collections section, and the payer's promise to pay.
// Each test makes its own customers in a segment of its own, so the worklist it reads holds only
// them whatever else the database holds.

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const shortDate = (iso: string) => new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" }).format(new Date(`${iso}T00:00:00Z`));

async function inSegment(segment: string, accounts: Array<{ id: string }>) {
  await sql`insert into segments (name) values (${segment})`;
  for (const a of accounts) await sql`insert into collection_profiles (account_id, segment) values (${a.id}, ${segment})`;
}

test("an agent works the worklist: ranks, opens the account, takes it, completes the call as promised, records the promise, and reads it all on the timeline", async ({ page, signInAs, consoleErrors }) => {
  const t = tag();
  const agent = await data.staff("ar_agent", { name: `Agent ${t}` });
  const big = await data.account({ name: `Bigdebt ${t}` });
  const small = await data.account({ name: `Smalldebt ${t}` });
  const [late] = await data.invoices(big, [{ total: 4_800_00, dueInDays: -45 }, { total: 900_00, dueInDays: 12 }]);
  await data.invoice(small, { total: 150_00, dueInDays: -6 });
  const task = await data.collectionTask(big, { title: `Call ${t} about the overdue invoice` });
  const { user: contact } = await data.payer({ accounts: [big], name: `Dana AP ${t}` });
  await data.payLink(big, [late!]);
  const segment = `Worklist ${t}`;
  await inSegment(segment, [big, small]);
  await signInAs(agent);

  await page.goto("/admin");
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Collections" }).click();
  await expect(page.getByRole("heading", { name: "Collections worklist", level: 1 })).toBeVisible();
  await page.getByLabel("Segment").selectOption(segment);
  await page.getByRole("button", { name: "Show" }).click();
  const rows = page.getByTestId("worklist-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText(big.name);
  await expect(rows.nth(0)).toContainText("1 task due");
  await expect(rows.nth(0)).toContainText("45 days late");
  await expect(rows.nth(1)).toContainText(small.name);

  // Nobody's yet: "mine" is empty.
  await page.getByLabel("Collector").selectOption("mine");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(rows).toHaveCount(0);

  await page.getByLabel("Collector").selectOption("any");
  await page.getByRole("button", { name: "Show" }).click();
  await rows.nth(0).getByRole("link", { name: big.name }).click();
  await expect(page.getByRole("heading", { name: big.name, level: 1 })).toBeVisible();
  await expect(page.getByTestId("applied-cadence")).toContainText("Standard (the default cadence");

  // Take the account.
  const profile = page.locator("form#profile");
  await profile.getByLabel("Collector").selectOption({ label: `${agent.name} (me)` });
  await profile.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByText("Collection profile saved.")).toBeVisible();
  await expect(page.getByText(`Collector: ${agent.name}`)).toBeVisible();

  // The call: they promise to pay. Completing the task with that outcome leads to the promise form.
  const taskRow = page.getByTestId("open-task").filter({ hasText: task.title });
  await taskRow.getByLabel("Outcome").selectOption({ label: "Promised to pay" });
  await taskRow.getByLabel("Note").fill(`Spoke to AP ${t}; cheque next week.`);
  await taskRow.getByRole("button", { name: `Complete task: ${task.title}` }).click();
  await expect(page.getByText("Task completed. Record the promise they made below.")).toBeVisible();
  await expect(page).toHaveURL(/promise=1#promises$/);
  await expect(page.getByTestId("open-task")).toHaveCount(0);

  // Record the promise made on the call: the overdue invoice is ticked for us.
  const promise = page.locator("form#record-promise");
  await expect(promise.getByRole("checkbox", { name: new RegExp(late!.number) })).toBeChecked();
  await promise.getByLabel("Amount").fill("2,000.00");
  await promise.getByLabel("Pay by").fill(day(6));
  await promise.getByRole("button", { name: "Record promise" }).click();
  await expect(page.getByText("Promise recorded.")).toBeVisible();
  await expect(page.getByTestId("open-promises")).toContainText(`USD 2,000.00 by`);
  await expect(page.getByTestId("open-promises")).toContainText(late!.number);

  const timeline = page.getByTestId("timeline-entry");
  await expect(timeline.filter({ hasText: "Call done: Promised to pay" })).toContainText(`Spoke to AP ${t}; cheque next week.`);
  await expect(timeline.filter({ hasText: "Promise to pay USD 2,000.00" })).toContainText(late!.number);
  await expect(timeline.filter({ hasText: `Invoice ${late!.number} issued` })).toHaveCount(1);
  // Newest first: the promise, then the completed call, then the task being created.
  const titles = await timeline.locator("span.font-medium, a.font-medium").allInnerTexts();
  const at = (text: string) => titles.findIndex((x) => x.startsWith(text));
  expect(at("Promise to pay")).toBeGreaterThanOrEqual(0);
  expect(at("Promise to pay")).toBeLessThan(at("Call done: Promised to pay"));
  expect(at("Call done: Promised to pay")).toBeLessThan(at("Call task:"));

  // A note lands on top.
  await page.getByLabel("Add a note").fill(`Cheque run is on Fridays ${t}.`);
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(page.getByText("Note added.")).toBeVisible();
  await expect(timeline.first()).toContainText(`Cheque run is on Fridays ${t}.`);

  // The AP contact is copied on reminder emails from now on.
  await page.getByRole("combobox", { name: `Reminder emails for ${contact.name}` }).selectOption("cc");
  await page.getByRole("button", { name: `Save reminder emails for ${contact.name}` }).click();
  await expect(page.getByText("Reminders for that contact: CC.")).toBeVisible();
  await expect(page.getByRole("combobox", { name: `Reminder emails for ${contact.name}` })).toHaveValue("cc");

  // The pay link a reminder carried can be withdrawn from here.
  await page.getByRole("button", { name: `Revoke the pay link for ${late!.number}` }).click();
  await expect(page.getByText("The pay link was revoked")).toBeVisible();
  await expect(page.getByTestId("pay-links")).toContainText("Revoked");

  // The worklist now has it as "mine".
  await page.goto(`/admin/collections?collector=mine&segment=${encodeURIComponent(segment)}`);
  await expect(rows).toHaveCount(1);
  await expect(rows.nth(0)).toContainText(big.name);
  await expect(rows.nth(0)).toContainText(agent.name);
  await expectAccessible(page);
  expect(consoleErrors).toEqual([]);
});

test("a payer promises to pay ticked invoices and sees them marked", async ({ page, signInAs, consoleErrors }) => {
  const account = await data.account();
  const { user } = await data.payer({ accounts: [account] });
  const [overdue, later] = await data.invoices(account, [{ total: 320_00, dueInDays: -9 }, { total: 180_00, dueInDays: 20 }]);
  await signInAs(user, { account });

  await page.goto("/invoices");
  await page.getByRole("checkbox", { name: `Select ${overdue!.number} to pay` }).check();
  await page.getByRole("checkbox", { name: `Select ${later!.number} to pay` }).check();
  await page.getByRole("button", { name: "Promise to pay" }).first().click();
  await expect(page.getByRole("heading", { name: "Promise to pay", level: 1 })).toBeVisible();
  await expect(page.getByRole("checkbox", { name: new RegExp(overdue!.number) })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: new RegExp(later!.number) })).toBeChecked();
  await expect(page.getByText("the total due on the ticked invoices: USD 500.00")).toBeVisible();

  // A date past the limit is refused at the field, the ticks kept.
  await page.getByLabel("I will pay by").fill(day(45));
  await page.getByRole("button", { name: "Record my promise" }).click();
  await expect(page.getByText(/Choose a date on or before/)).toBeVisible();
  await expect(page.getByRole("checkbox", { name: new RegExp(later!.number) })).toBeChecked();

  const by = day(10);
  await page.getByLabel("I will pay by").fill(by);
  await page.getByRole("button", { name: "Record my promise" }).click();
  await expect(page).toHaveURL(/\/invoices$/);
  await expect(page.getByText("Your promise to pay by")).toBeVisible();
  const row = page.locator("main table tbody tr").filter({ hasText: overdue!.number });
  await expect(row.getByTestId("promised-badge")).toHaveText(`Promised by ${shortDate(by)}`);
  const [promise] = await sql<{ amount: string; source: string }[]>`select amount, source from payment_promises where account_id = ${account.id}`;
  expect(promise).toEqual({ amount: "50000", source: "portal" });

  await page.getByRole("link", { name: overdue!.number }).click();
  await expect(page.getByText("You promised to pay this invoice")).toBeVisible();
  await expect(page.getByRole("link", { name: "Promise to pay" })).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});

/** The page is no wider than the viewport, and nothing visible sticks out of it (wide tables scroll in their own box). */
async function expectFits(page: Page) {
  const width = page.viewportSize()!.width;
  const outside = await page.evaluate((width) => {
    const inScroller = (el: Element) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== "visible") return true;
      return false;
    };
    return [...document.querySelectorAll<HTMLElement>("body *")]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 1 && r.height > 1 && (r.right > width + 0.5 || r.left < -0.5) && !inScroller(el);
      })
      .map((el) => `${el.tagName.toLowerCase()} "${(el.textContent ?? "").trim().slice(0, 30)}"`)
      .slice(0, 5);
  }, width);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width + 1);
  expect(outside).toEqual([]);
}

test.describe("at 390 px", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("the promise form and the promised invoices fit a phone", async ({ page, signInAs, consoleErrors }) => {
    const account = await data.account();
    const { user } = await data.payer({ accounts: [account] });
    const [overdue] = await data.invoices(account, [{ total: 1_234_567_00, dueInDays: -31, number: `INV-LONG-NUMBER-${tag()}` }, { total: 99_00, dueInDays: 3 }]);
    await signInAs(user, { account });
    await page.goto("/promises/new");
    await expect(page.getByRole("heading", { name: "Promise to pay", level: 1 })).toBeVisible();
    await expectFits(page);
    await expectAccessible(page);
    await page.getByLabel("I will pay by").fill(day(3));
    await page.getByRole("button", { name: "Record my promise" }).click();
    await expect(page).toHaveURL(/\/invoices$/);
    await expect(page.locator("main table tbody tr").filter({ hasText: overdue!.number }).getByTestId("promised-badge")).toBeVisible();
    await expectFits(page);
    await page.getByRole("link", { name: overdue!.number }).click();
    await expect(page.getByText("You promised to pay this invoice")).toBeVisible();
    await expectFits(page);
    await expectAccessible(page);
    expect(consoleErrors).toEqual([]);
  });
});
