import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { data, expect, expectAccessible, sql, test } from "./support/fixtures";

// The back office at the network boundary: a receiver in the test, on a free local port.

interface Received {
  headers: Record<string, string>;
  body: string;
}

async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/eipp-events`, received };
}

test("an admin adds an endpoint, sees the secret once, and a test event arrives signed", async ({ page, signInAs }) => {
  const receiver = await startReceiver();
  try {
    await signInAs(await data.staff("ar_admin"));
    await page.goto("/admin");
    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Webhooks" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();

    // Field errors sit beside the field.
    await page.getByLabel("Endpoint URL").fill("ftp://nope.example");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByLabel("Endpoint URL")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByText("The URL must start with https:// or http://.")).toBeVisible();

    await page.getByLabel("Endpoint URL").fill(receiver.url);
    await page.getByLabel("Description (optional)").fill("AR back office (e2e)");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByText("Copy it now: it will not be shown again.")).toBeVisible();
    const secret = await page.getByLabel("Signing secret").inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    await expect(page.getByRole("link", { name: receiver.url })).toBeVisible();
    await expectAccessible(page);

    // Shown once: the list (and the endpoint page) never show it again.
    await page.reload();
    await expect(page.getByText(secret)).toHaveCount(0);
    expect(await page.content()).not.toContain(secret.slice(6));
    await page.getByRole("link", { name: receiver.url }).click();
    await expect(page.getByRole("heading", { level: 1, name: receiver.url })).toBeVisible();
    expect(await page.content()).not.toContain(secret.slice(6));

    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByText("Test event queued.")).toBeVisible();
    await page.evaluate(() => ((window as unknown as { stillTheSamePage: boolean }).stillTheSamePage = true));

    // The worker delivers it: the receiver gets it, and the official library verifies it.
    await expect.poll(() => receiver.received.filter((r) => r.body.includes('"webhook.test"')).length, { timeout: 15_000, message: "the test event at the receiver" }).toBe(1);
    const got = receiver.received.find((r) => r.body.includes('"webhook.test"'))!;
    const payload = new Webhook(secret).verify(got.body, got.headers) as { id: string; type: string; data: { subjectId: string } };
    expect(payload.type).toBe("webhook.test");
    expect(got.headers["webhook-id"]).toBe(payload.id);

    // The delivery log shows the 200 by itself, without a reload.
    const row = page.locator("main table tbody tr").filter({ hasText: "webhook.test" });
    await expect(row.first()).toContainText("Delivered", { timeout: 15_000 });
    await expect(row.first().locator("td").nth(3)).toHaveText("200");
    expect(await page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);
    await expect(row.first()).toContainText(payload.id);
    await expectAccessible(page);
  } finally {
    // Leave nothing delivering to a receiver that is about to go away.
    await sql`update webhook_endpoints set enabled = false, disabled_reason = 'e2e finished' where url = ${receiver.url}`;
    receiver.server.closeAllConnections();
    await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
  }
});

test("an agent sees the endpoints but cannot add one, not even by posting the form", async ({ page, signInAs }) => {
  await signInAs(await data.staff());
  await page.goto("/admin/webhooks");
  await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
  await expect(page.getByText("Only an AR admin can add or change endpoints.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Add endpoint" })).toHaveCount(0);
  const url = "https://agent-probe.example/hooks";
  const response = await page.request.post("/admin/webhooks?index", { form: { url }, headers: { origin: new URL(page.url()).origin } });
  expect(response.status()).toBe(403);
  expect(await response.text()).toContain("Only an AR admin can manage webhook endpoints.");
  expect(await sql`select id from webhook_endpoints where url = ${url}`).toHaveLength(0);
});

test("an admin deletes an endpoint: gone from the list, never delivered to, its delivery log kept; an agent cannot", async ({ page, signInAs }) => {
  const id = `we_e2e_delete_${Date.now()}`;
  const url = `https://deleted-${Date.now()}.example/hooks`;
  await sql`insert into webhook_endpoints (id, url, secret, enabled) values (${id}, ${url}, 'whsec_ZTJlLWRlbGV0ZS10ZXN0LXNlY3JldC0wMTIzNDU2Nzg5', false)`;
  const [event] = await sql<{ id: string }[]>`
    insert into events (id, type, account_id, subject_type, subject_id, data) values (${`ev_${id}`}, 'webhook.test', null, 'webhook_endpoint', ${id}, '{}') returning id`;
  await sql`insert into webhook_deliveries (id, endpoint_id, event_id, status, attempt_count) values (${`msg_${id}`}, ${id}, ${event!.id}, 'failed', 1)`;

  await signInAs(await data.staff());
  await page.goto(`/admin/webhooks/${id}`);
  await expect(page.getByText("Delete endpoint…")).toHaveCount(0);
  const refused = await page.request.post(`/admin/webhooks/${id}`, { form: { intent: "delete" }, headers: { origin: new URL(page.url()).origin } });
  expect(refused.status()).toBe(403);
  expect((await sql`select deleted_at from webhook_endpoints where id = ${id}`)[0]!.deleted_at).toBeNull();

  await page.context().clearCookies();
  await signInAs(await data.staff("ar_admin"));
  await page.goto(`/admin/webhooks/${id}`);
  await page.getByText("Delete endpoint…").click();
  await expect(page.getByText("Its delivery log is kept for audit.")).toBeVisible();
  await page.getByRole("button", { name: "Delete this endpoint" }).click();
  await expect(page).toHaveURL(/\/admin\/webhooks$/);
  await expect(page.getByText("Endpoint deleted.")).toBeVisible();
  await expect(page.getByRole("link", { name: url })).toHaveCount(0);
  expect((await page.request.get(`/admin/webhooks/${id}`)).status()).toBe(404);
  const [row] = await sql<{ deleted_at: Date | null; enabled: boolean }[]>`select deleted_at, enabled from webhook_endpoints where id = ${id}`;
  expect(row!.deleted_at).not.toBeNull();
  expect(row!.enabled).toBe(false);
  expect(await sql`select id from webhook_deliveries where endpoint_id = ${id}`).toHaveLength(1);
  await expectAccessible(page);
});
