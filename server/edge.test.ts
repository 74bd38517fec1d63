import { mkdtempSync, writeFileSync } from "node:fs";
import { Agent, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { json, type ServerBuild } from "@remix-run/node";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqlClient } from "~/db.server";
import { handleError } from "~/entry.server";
import { baseApp, bodyLimit, csrfGuard, methodGuard, pathGuard, publicFiles, securityHeaders } from "./http";
import { remixHandler } from "./remix-handler";

/**
 * The edge middleware and the Remix handler, in the order server.ts mounts them, in front of a
 * small Remix build (real @remix-run/node request handling) on a real HTTP server.
 */
const APP_URL = "http://portal.example:3999";
const actions: string[] = [];
// A real client of a server that is not there: its queries fail as in a database outage.
const unreachable = createSqlClient("postgres://postgres:postgres@127.0.0.1:1/none");

const build = {
  mode: "production",
  future: {},
  isSpaMode: false,
  basename: undefined,
  publicPath: "/build/",
  assetsBuildDirectory: "public/build",
  assets: { entry: { module: "/build/entry.js", imports: [] }, routes: {}, url: "/build/manifest.js", version: "test" },
  entry: {
    module: {
      default: (_request: Request, status: number, headers: Headers) => {
        headers.set("Content-Type", "text/html; charset=utf-8");
        return new Response("<!doctype html><title>page</title>", { status, headers });
      },
      handleError,
    },
  },
  routes: {
    root: { id: "root", path: "", module: { default: () => null } },
    "routes/form": {
      id: "routes/form",
      parentId: "root",
      path: "form",
      module: {
        default: () => null,
        loader: () => json({ page: "form" }),
        action: async ({ request }: { request: Request }) => {
          const form = await request.formData();
          actions.push(String(form.get("note")).slice(0, 20));
          return json({ saved: true });
        },
      },
    },
    "routes/database": { id: "routes/database", parentId: "root", path: "database", module: { default: () => null, loader: async () => json(await unreachable`select 1`) } },
    "routes/api.v1.thing": { id: "routes/api.v1.thing", parentId: "root", path: "api/v1/thing", module: { loader: async () => json(await unreachable`select 1`), action: async ({ request }: { request: Request }) => json({ length: (await request.text()).length }) } },
    "routes/cached": { id: "routes/cached", parentId: "root", path: "cached", module: { loader: () => new Response("public", { headers: { "Cache-Control": "public, max-age=300" } }) } },
  },
} as unknown as ServerBuild;

let server: Server;
let port: number;

beforeAll(async () => {
  const app = baseApp();
  app.use(securityHeaders({ production: true }));
  app.use(pathGuard);
  app.use(methodGuard);
  app.use(bodyLimit({ form: 64 * 1024, api: 1024 * 1024, routes: [{ path: /^\/upload$/i, limit: 2 * 1024 * 1024 }] }));
  app.get("/static.txt", (_req, res) => res.type("text/plain").send("static"));
  app.use(publicFiles("public"));
  app.use(csrfGuard(APP_URL));
  app.all("*", remixHandler({ build, appUrl: APP_URL, getLoadContext: () => ({ cspNonce: "n", requestId: "r", clientIp: null }) }));
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await unreachable.end({ timeout: 0 });
  await new Promise((resolve) => server.close(resolve));
});

type Reply = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** A raw HTTP request: the path goes out exactly as written (fetch would normalise it). */
function send(method: string, path: string, options: { headers?: Record<string, string>; body?: string | Buffer; chunks?: Buffer[]; agent?: Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers: options.headers, agent: options.agent ?? false }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts).toString() }));
    });
    req.on("error", reject);
    if (options.chunks) {
      // No Content-Length: Transfer-Encoding chunked, one chunk at a time.
      let i = 0;
      const next = () => {
        if (i >= options.chunks!.length) return void req.end();
        if (req.destroyed) return;
        req.write(options.chunks![i++], () => setImmediate(next));
      };
      next();
    } else req.end(options.body);
  });
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = { "Content-Type": "application/x-www-form-urlencoded", Origin: APP_URL };

describe("request body caps", () => {
  it("refuses a form whose Content-Length is over the cap, before the action reads it", async () => {
    actions.length = 0;
    const res = await send("POST", "/form", { headers: formHeaders, body: form({ note: "x".repeat(70 * 1024) }) });
    expect(res.status).toBe(413);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    expect(res.body).toContain("larger than 64 KB");
    expect(actions).toEqual([]);
  });

  it("stops a chunked body that grows past the cap with 413", async () => {
    actions.length = 0;
    const chunks = [Buffer.from("note=")].concat(Array.from({ length: 40 }, () => Buffer.alloc(16 * 1024, 0x61)));
    const res = await send("POST", "/form", { headers: formHeaders, chunks });
    expect(res.status).toBe(413);
    expect(actions).toEqual([]);
  });

  it("does not stall the next request on a kept-alive connection when a body goes unread", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // An unknown path: Remix answers 404 without reading the 500 KB body.
      const unread = await send("POST", "/api/v1/cached", { headers: { "Content-Type": "application/json" }, body: Buffer.alloc(500 * 1024, 0x61), agent });
      expect(unread.status).toBe(404);
      const t0 = performance.now();
      const next = await send("GET", "/form", { agent });
      expect(next.status).toBe(200);
      expect(performance.now() - t0).toBeLessThan(1_000);
    } finally {
      agent.destroy();
    }
  });

  it("lets a form under the cap through, chunked or not", async () => {
    actions.length = 0;
    expect((await send("POST", "/form", { headers: formHeaders, body: form({ note: "hello" }) })).status).toBe(200);
    expect((await send("POST", "/form", { headers: formHeaders, chunks: [Buffer.from("note=chunked")] })).status).toBe(200);
    expect(actions).toEqual(["hello", "chunked"]);
  });

  it("answers the API with its JSON error shape, at the API's larger cap", async () => {
    const ok = await send("POST", "/api/v1/thing", { headers: { "Content-Type": "application/json" }, body: JSON.stringify({ x: "y".repeat(200 * 1024) }) });
    expect(ok.status).toBe(200);
    const big = await send("POST", "/api/v1/thing", { headers: { "Content-Type": "application/json" }, body: Buffer.alloc(1024 * 1024 + 1, 0x61) });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toEqual({ error: { code: "payload_too_large", message: expect.stringContaining("larger than 1 MB") } });
    const chunked = await send("POST", "/api/v1/thing", { headers: { "Content-Type": "application/json" }, chunks: Array.from({ length: 80 }, () => Buffer.alloc(16 * 1024, 0x61)) });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).error.code).toBe("payload_too_large");
  });

  it("gives routes with their own limit that limit", async () => {
    const res = await send("POST", "/upload", { headers: formHeaders, body: form({ note: "x".repeat(1024 * 1024) }) });
    expect(res.status).not.toBe(413); // over the form cap, under the upload route's
  });
});

describe("caching", () => {
  it("marks every page, its _data and a redirect private, no-store; a route's own Cache-Control wins", async () => {
    for (const path of ["/form", "/form?_data=routes%2Fform"]) {
      const res = await send("GET", path);
      expect(res.status).toBe(200);
      expect(res.headers["cache-control"]).toBe("private, no-store");
    }
    expect((await send("GET", "/cached")).headers["cache-control"]).toBe("public, max-age=300");
  });

  it("puts the security headers on every response, files outside Remix included", async () => {
    for (const path of ["/static.txt", "/favicon.svg", "/form"]) {
      const res = await send("GET", path);
      expect(res.status).toBe(200);
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["strict-transport-security"]).toMatch(/max-age=/);
    }
  });
});

describe("public files", () => {
  it("serves a path that names a file, and hands one without an extension to the pages unread", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "public-files-"));
    writeFileSync(path.join(root, "robots.txt"), "User-agent: *");
    writeFileSync(path.join(root, "notes"), "not for a page address");
    const app = express();
    app.use(publicFiles(root));
    app.use((_req, res) => res.status(404).send("page"));
    const files = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => files.once("listening", resolve));
    const base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    try {
      expect(await (await fetch(`${base}/robots.txt`)).text()).toBe("User-agent: *");
      const page = await fetch(`${base}/notes`);
      expect([page.status, await page.text()]).toEqual([404, "page"]);
    } finally {
      await new Promise((resolve) => files.close(resolve));
    }
  });
});

describe("the public origin is APP_URL, not the Host header", () => {
  it("runs a same-origin form whose Host a proxy rewrote", async () => {
    actions.length = 0;
    for (const headers of [{ Host: "10.0.0.7:8080" }, { Host: "internal", "X-Forwarded-Host": "other.example" }] as Array<Record<string, string>>) {
      const res = await send("POST", "/form", { headers: { ...formHeaders, ...headers }, body: form({ note: "proxied" }) });
      expect(res.status).toBe(200);
    }
    expect(actions).toEqual(["proxied", "proxied"]);
  });

  it("accepts a form posted without JavaScript (Origin: null under no-referrer) only when Sec-Fetch-Site says same-origin", async () => {
    actions.length = 0;
    const same = await send("POST", "/form", { headers: { ...formHeaders, Origin: "null", "Sec-Fetch-Site": "same-origin" }, body: form({ note: "no-js" }) });
    expect(same.status).toBe(200);
    expect(actions).toHaveLength(1);
    for (const site of ["cross-site", "same-site", undefined]) {
      const headers: Record<string, string> = { ...formHeaders, Origin: "null" };
      if (site) headers["Sec-Fetch-Site"] = site;
      const res = await send("POST", "/form", { headers, body: form({ note: "csrf" }) });
      expect(res.status, `Origin: null with Sec-Fetch-Site ${site ?? "absent"}`).toBe(403);
    }
    expect(actions).toHaveLength(1);
  });

  it("refuses a cross-origin form with 403 and a message, whatever the Host says", async () => {
    actions.length = 0;
    const res = await send("POST", "/form", { headers: { ...formHeaders, Origin: "http://evil.example", Host: "evil.example" }, body: form({ note: "x" }) });
    expect(res.status).toBe(403);
    expect(res.body).toContain("sent from another site");
    expect(actions).toEqual([]);
  });

  it("answers a foreign-Origin POST to an unknown machine path with 404, not 500", async () => {
    for (const path of ["/api/nope", "/webhooks/nope", "/API/nope"]) {
      const res = await send("POST", path, { headers: { "Content-Type": "application/json", Origin: "http://evil.example" }, body: "{}" });
      expect(res.status, path).toBe(404);
    }
  });
});

describe("paths routing would read differently", () => {
  it("refuses dot segments and backslashes with 400 before any rule looks at the path", async () => {
    actions.length = 0;
    for (const path of ["/webhooks/../form", "/api/%2e%2e/form", "/api/.%2E/form", "/webhooks/..\\form", "/webhooks/./x", "/api/v1/%2E/thing"]) {
      const res = await send("POST", path, { headers: { ...formHeaders, Origin: "http://evil.example" }, body: form({ note: "csrf" }) });
      expect(res.status, path).toBe(400);
    }
    expect(actions).toEqual([]);
  });

  it("refuses NUL and broken percent-encoding in the target with 400, in the client's format", async () => {
    for (const path of ["/form/%00", "/form?q=%00", "/form?q=a%00b", "/%", "/form/%E0%A4%A", "/api/v1/%zz"]) {
      const res = await send("GET", path);
      expect(res.status, path).toBe(400);
      if (path.startsWith("/api/")) expect(JSON.parse(res.body)).toMatchObject({ error: { code: "invalid_request" } });
      else expect(res.body, path).toMatch(/^This address is not valid/);
    }
    // A stray "%" in a query is read as typed, as browsers and URLSearchParams do.
    expect((await send("GET", "/cached?q=50%")).status).toBe(200);
  });

  it("keeps the CSRF check on a path with a doubled slash", async () => {
    const res = await send("POST", "//form", { headers: { ...formHeaders, Origin: "http://evil.example" }, body: form({ note: "csrf" }) });
    expect(res.status).toBe(403);
  });

  it("reads an absolute-form target as its path", async () => {
    const res = await send("GET", `http://evil.example/form`);
    expect(res.status).toBe(200);
  });
});

describe("methods", () => {
  it("answers OPTIONS with what is allowed, and other methods on pages with 405", async () => {
    const options = await send("OPTIONS", "/form");
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe("GET, HEAD, POST");
    for (const method of ["PUT", "DELETE", "TRACE", "PROPFIND"]) {
      const res = await send(method, "/form");
      expect(res.status, method).toBe(405);
      expect(res.headers.allow).toBe("GET, HEAD, POST");
    }
    const api = await send("TRACE", "/api/v1/thing");
    expect(api.status).toBe(405);
    expect(JSON.parse(api.body).error.code).toBe("method_not_allowed");
  });
});

describe("an unreachable database", () => {
  it("answers 503 with a message, in the client's format", async () => {
    const page = await send("GET", "/database");
    expect(page.status).toBe(503);
    expect(page.headers["retry-after"]).toBeDefined();
    expect(page.body).toContain("cannot reach its database");
    const data = await send("GET", "/database?_data=routes%2Fdatabase");
    expect(data.status).toBe(503);
    expect(data.headers["x-remix-catch"]).toBe("yes");
    const api = await send("GET", "/api/v1/thing");
    expect(api.status).toBe(503);
    expect(JSON.parse(api.body).error.code).toBe("service_unavailable");
  });
});
