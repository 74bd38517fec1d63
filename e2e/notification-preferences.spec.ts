import { expect } from "@playwright/test";
import { data, expectAccessible, mailFor, sql, test, waitForJobs, waitForMail } from "./support/fixtures";

// Presses "Run reminders now", which reminds every account in the database: this spec runs in its
// own project, "notifications" (alone, after reminders; see playwright.config.ts), and reads only
// the mail addressed to its own account.

test("staff make a contact an approver, a payer turns reminders off: the SMTP server gets one reminder, to the billing email and the other billing contact, the approver in CC", async ({ page, signInAs }) => {
  const account = await data.account();
  const billing = account.billingEmail!;
  const { user: pat } = await data.payer({ accounts: [account], name: "Pat Quiet" });
  const { user: robin } = await data.payer({ accounts: [account], name: "Robin Billing" });
  const { user: avery } = await data.payer({ accounts: [account], name: "Avery Approver" });
  const staff = await data.staff("ar_agent");

  // AR staff: Avery approves invoices, so is copied rather than addressed.
  await signInAs(staff);
  await page.goto(`/admin/customers/${account.id}`);
  await page.getByLabel(`Role of ${avery.name}`, { exact: true }).selectOption("approver");
  await page.getByRole("button", { name: `Save role of ${avery.name}` }).click();
  await expect(page.getByText("Role of that contact: Approver (copied).")).toBeVisible();
  await expect(page.getByLabel(`Role of ${avery.name}`, { exact: true })).toHaveValue("approver");
  const [audit] = await sql<{ data: { to: string } }[]>`select data from audit_log where action = 'contact.role_set' and subject_id = ${account.id}`;
  expect(audit?.data.to).toBe("approver");

  // The payer: their account's contacts, read only, and their own choices.
  await signInAs(pat);
  await page.goto("/invoices");
  await page.getByRole("link", { name: "Email preferences" }).click();
  await expect(page.getByRole("heading", { name: "Email preferences", level: 1 })).toBeVisible();
  const contacts = page.getByRole("list", { name: `Contacts of ${account.name}` });
  await expect(contacts.getByRole("listitem").filter({ hasText: avery.email })).toContainText("Approver (copied)");
  await expect(contacts.getByRole("listitem").filter({ hasText: pat.email })).toContainText("(you)");
  await expectAccessible(page);
  const reminders = page.getByRole("checkbox", { name: /Payment reminders/ });
  await expect(reminders).toBeChecked();
  await reminders.uncheck();
  await page.getByRole("button", { name: "Save my preferences" }).click();
  await expect(page.getByText(`Your email preferences for ${account.name} are saved.`)).toBeVisible();
  await page.reload();
  await expect(page.getByRole("checkbox", { name: /Payment reminders/ })).not.toBeChecked();
  await expect(page.getByRole("checkbox", { name: /Receipts/ })).toBeChecked();

  // A reminder falls due today: the run sends one email for the account.
  await data.invoices(account, [{ total: 321_00, dueInDays: 0 }]);
  await page.goto("/dev/clock");
  await page.getByRole("button", { name: "Back to the real date" }).click();
  await page.getByRole("button", { name: "Run reminders now" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Reminders ran for" })).toBeVisible();
  const reminder = await waitForMail(robin.email, 0);
  await waitForJobs({ task: "send_reminder_emails" });

  expect([...reminder.to].sort()).toEqual([billing, robin.email].sort());
  expect(reminder.cc).toEqual([avery.email]);
  expect([...reminder.to, ...reminder.cc]).not.toContain(pat.email);
  expect(reminder.text).toContain("USD 321.00");
  // One email, not one per person; nothing to the payer who turned reminders off.
  expect(await mailFor(billing)).toHaveLength(1);
  expect(await mailFor(robin.email)).toHaveLength(1);
  expect(await mailFor(pat.email)).toHaveLength(0);
});
