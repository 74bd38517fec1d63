import { createHash, randomBytes } from "node:crypto";
import { data, expect, expectAccessible, sql, test } from "./support/fixtures";

// API keys (admin UI) and the back-office pull feed, end to end.

interface EventList {
  data: Array<{ id: string; type: string; subject: { type: string; id: string } }>;
  next_cursor: string;
  has_more: boolean;
}

test("staff create a key, see it once, read the feed with it, and revoke it", async ({ page, signInAs }) => {
  const marker = `e2e-${randomBytes(4).toString("hex")}`;
  const eventId = `ev_e2e_${randomBytes(8).toString("hex")}`;
  await sql`insert into events (id, type, subject_type, subject_id, data) values (${eventId}, 'test.e2e', 'test', ${marker}, ${JSON.stringify({ marker })}::jsonb)`;

  await signInAs(await data.staff("ar_admin"));
  await page.goto("/admin/api-keys");
  await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "API keys" })).toBeVisible();
  await expectAccessible(page);

  const name = `ERP ${marker}`;
  await page.getByLabel("Name").fill(name);
  await page.getByLabel(/events:read/).check();
  await page.getByRole("button", { name: "Create API key" }).click();
  await expect(page.getByText(/copy it now; it will not be shown again/i)).toBeVisible();
  const key = await page.getByLabel("New API key").inputValue();
  expect(key).toMatch(/^eipp_[A-Za-z0-9_-]{40}$/);
  await expectAccessible(page);

  // Only the hash is stored.
  const [stored] = await sql<{ key_hash: string; prefix: string; scopes: string[] }[]>`select key_hash, prefix, scopes from api_keys where name = ${name}`;
  expect(stored).toEqual({ key_hash: createHash("sha256").update(key).digest("hex"), prefix: key.slice(0, 12), scopes: ["events:read"] });

  // Shown once: a reload lists the key by its prefix, never the key itself.
  await page.goto("/admin/api-keys");
  const row = page.locator("main table tbody tr").filter({ hasText: name });
  await expect(row).toContainText(key.slice(0, 12));
  await expect(row).toContainText("Active");
  expect(await page.content()).not.toContain(key);

  // The feed answers with the key: page through until the inserted event shows up.
  const auth = { Authorization: `Bearer ${key}` };
  let found = false;
  await expect
    .poll(
      async () => {
        let cursor = "";
        for (let i = 0; i < 200 && !found; i++) {
          const res = await page.request.get(`/api/v1/events?limit=500${cursor ? `&after=${cursor}` : ""}`, { headers: auth });
          expect(res.status()).toBe(200);
          const body = (await res.json()) as EventList;
          expect(Array.isArray(body.data)).toBe(true);
          found = body.data.some((e) => e.id === eventId);
          cursor = body.next_cursor;
          if (!body.has_more) break;
        }
        return found;
      },
      { timeout: 10_000, message: "the inserted event in the feed" },
    )
    .toBe(true);
  const single = await page.request.get(`/api/v1/events/${eventId}`, { headers: auth });
  expect(single.status()).toBe(200);
  expect(await single.json()).toMatchObject({ id: eventId, type: "test.e2e", subject: { type: "test", id: marker }, data: { marker } });
  await expect(row).toBeVisible();

  // Revoke it: the next call answers 401.
  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(page.getByText(/The key is revoked/)).toBeVisible();
  await expect(page.locator("main table tbody tr").filter({ hasText: name })).toContainText("Revoked");
  const after = await page.request.get("/api/v1/events", { headers: auth });
  expect(after.status()).toBe(401);
  expect(after.headers()["www-authenticate"]).toMatch(/^Bearer/);
  expect(await after.json()).toMatchObject({ error: { code: "unauthorized" } });

  const [audit] = await sql<{ n: number }[]>`select count(*)::int as n from audit_log where action in ('api_key.created', 'api_key.revoked') and data->>'name' = ${name}`;
  expect(audit!.n).toBe(2);
});

test("the API refuses requests without a key and publishes its OpenAPI description", async ({ page }) => {
  const res = await page.request.get("/api/v1/events");
  expect(res.status()).toBe(401);
  expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
  const doc = await page.request.get("/api/v1/openapi.json");
  expect(doc.status()).toBe(200);
  const body = (await doc.json()) as { openapi: string; paths: Record<string, unknown> };
  expect(body.openapi).toBe("3.1.0");
  expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(["/api/v1/events", "/api/v1/events/{id}"]));
});

test("a payer gets 404 for the API keys page", async ({ page, signInAs }) => {
  await signInAs((await data.payer()).user);
  const response = await page.goto("/admin/api-keys");
  expect(response?.status()).toBe(404);
});
