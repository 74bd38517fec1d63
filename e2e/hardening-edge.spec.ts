import { createHash, randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { data, expect, sessionCookie, sql, test } from "./support/fixtures";
import { e2e } from "./support/config";

// The HTTP edge of the production server (NODE_ENV=production), probed as an attacker or a
// proxy would: body caps, caching of private pages, headers on static files, a proxy that
// rewrites Host, and paths that route differently from how they read.

type Reply = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** A raw HTTP request to the app: the path and Host go out exactly as written. */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<Reply> {
  const { port } = new URL(e2e.appUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts).toString() }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A signed-in payer's Cookie header (a new payer of a new account). */
const payerCookie = async () => sessionCookie((await data.payer()).user);

async function apiKey(): Promise<string> {
  const key = `eipp_${randomBytes(30).toString("base64url")}`;
  await sql`insert into api_keys (id, name, prefix, key_hash, scopes) values (${`key_e2e_${randomBytes(6).toString("hex")}`}, 'edge e2e', ${key.slice(0, 12)}, ${createHash("sha256").update(key).digest("hex")}, ${["customers:write", "invoices:write"]})`;
  return key;
}

test("signed-in pages and their _data are private, no-store; static files keep their caching", async ({ page, signInAs }) => {
  await signInAs((await data.payer()).user);
  for (const path of ["/invoices", "/invoices?_data=routes%2F_portal.invoices._index"]) {
    const res = await page.request.get(path);
    expect(res.status(), path).toBe(200);
    expect(res.headers()["cache-control"], path).toBe("private, no-store");
  }
  expect((await page.request.get("/favicon.svg")).headers()["cache-control"]).toMatch(/^public/);
});

test("static files and /healthz carry the security headers", async ({ request }) => {
  const login = await (await request.get("/login")).text();
  const script = /\/build\/[\w./-]+\.js/.exec(login)?.[0];
  expect(script).toBeTruthy();
  for (const path of ["/favicon.svg", script!, "/healthz"]) {
    const headers = (await request.get(path)).headers();
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["strict-transport-security"], path).toMatch(/max-age=\d+/);
    expect(headers["x-frame-options"], path).toBe("DENY");
  }
});

test("oversized bodies are refused with 413 before they are read", async ({ request }) => {
  const login = await request.post("/login", { headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: e2e.appUrl }, data: Buffer.alloc(24 * 1024 * 1024, 0x61) });
  expect(login.status()).toBe(413);
  expect(await login.text()).toContain("larger than 256 KB");

  const key = await apiKey();
  const auth = { Authorization: `Bearer ${key}`, "Content-Type": "application/json" };
  const batch = await request.post("/api/v1/batch", { headers: auth, data: Buffer.alloc(16 * 1024 * 1024, 0x20) });
  expect(batch.status()).toBe(413);
  expect((await batch.json()).error.code).toBe("payload_too_large");

  // Chunked (no Content-Length), growing past the cap: cut off, not read to the end.
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= 16 * 1024 * 1024) return controller.close();
      sent += 256 * 1024;
      controller.enqueue(new Uint8Array(256 * 1024).fill(0x20));
    },
  });
  const chunked = await fetch(`${e2e.appUrl}/api/v1/batch`, { method: "POST", headers: auth, body: stream, duplex: "half" } as RequestInit);
  expect(chunked.status).toBe(413);
  expect(((await chunked.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");

  // A realistic batch well under the cap still goes through.
  const ok = await request.post("/api/v1/batch", { headers: auth, data: { operations: [{ method: "PUT", path: "/customers/EDGE-E2E", body: { number: "C-EDGE-E2E", name: "Edge E2E", currency: "USD" } }] } });
  expect(ok.status()).toBe(200);
});

test("behind a proxy that rewrites Host, a same-origin form works; a foreign one is refused with a message", async () => {
  // Sign-out: a real form action, with no rate limit to trip over when the spec runs again.
  const headers = { "Content-Type": "application/x-www-form-urlencoded", Origin: e2e.appUrl };
  for (const proxy of [{ Host: "10.0.0.7:8080" }, { Host: "portal-internal", "X-Forwarded-Host": "lb.internal" }] as Array<Record<string, string>>) {
    const cookie = await payerCookie();
    const res = await raw("POST", "/logout", { ...headers, ...proxy, Cookie: cookie }, "");
    expect(res.status, JSON.stringify(proxy)).toBe(302);
    expect(res.headers.location).toMatch(/^\/login\?signedOut=1$|^http:\/\/localhost:3100\/login\?signedOut=1$/);
    expect((await raw("GET", "/invoices", { Cookie: cookie })).status, "signed out").toBe(302);
  }
  const cookie = await payerCookie();
  const foreign = await raw("POST", "/logout", { ...headers, Cookie: cookie, Origin: "https://evil.example", Host: "evil.example" }, "");
  expect(foreign.status).toBe(403);
  expect(foreign.body).toContain("sent from another site");
  expect((await raw("GET", "/invoices", { Cookie: cookie })).status, "still signed in").toBe(200);
  for (const path of ["/api/nope", "/webhooks/nope"]) {
    const res = await raw("POST", path, { "Content-Type": "application/json", Origin: "https://evil.example" }, "{}");
    expect(res.status, path).toBe(404);
  }
});

test("a cross-origin POST cannot reach /logout through a path that reads as exempt", async () => {
  const cookie = await payerCookie();
  for (const path of ["/webhooks/../logout", "/api/%2e%2e/logout", "/webhooks/.%2E/logout", "/api/..\\logout"]) {
    const res = await raw("POST", path, { Cookie: cookie, Origin: "https://evil.example", "Content-Type": "application/x-www-form-urlencoded" }, "");
    expect(res.status, path).toBe(400);
  }
  for (const path of ["//logout", "/LOGOUT"]) {
    const res = await raw("POST", path, { Cookie: cookie, Origin: "https://evil.example", "Content-Type": "application/x-www-form-urlencoded" }, "");
    expect(res.status, path).toBe(403);
  }
  // Still signed in.
  const invoices = await raw("GET", "/invoices", { Cookie: cookie });
  expect(invoices.status).toBe(200);
});

test("unsupported methods get 405 and OPTIONS an Allow list, never a 500", async () => {
  const options = await raw("OPTIONS", "/login");
  expect(options.status).toBe(204);
  expect(options.headers.allow).toBe("GET, HEAD, POST");
  for (const method of ["PUT", "DELETE", "TRACE"]) {
    const res = await raw(method, "/login");
    expect(res.status, method).toBe(405);
  }
  const absolute = await raw("GET", `${e2e.appUrl}/login`);
  expect(absolute.status).toBe(200);
});
