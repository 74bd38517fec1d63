import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { json, type ServerBuild } from "@remix-run/node";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import handleRequest, { handleError } from "~/entry.server";
import { labelRoute, observeRequest, withRouteIds } from "~/modules/ops/http-metrics.server";
import { answerMetrics } from "~/modules/ops/metrics.server";
import { answerHealth, answerReadiness, setDraining } from "~/modules/ops/readiness.server";
import { baseApp, csrfGuard, methodGuard, pathGuard, requestId } from "./http";
import { remixHandler } from "./remix-handler";
import { sample } from "../test/prometheus";

/**
 * /readyz and /metrics over real HTTP, mounted as server.ts mounts them, in front of a small
 * Remix build rendered by the portal's own entry.server (whose handleRequest names the route).
 */
const APP_URL = "http://portal.example:3999";
const TOKEN = "t".repeat(40);
let token: string | undefined;

const asset = (id: string, parentId: string | undefined, path: string | undefined, hasLoader: boolean) => ({ id, parentId, path, module: `/build/${id}.js`, imports: [], hasLoader, hasAction: false, hasClientLoader: false, hasClientAction: false, hasErrorBoundary: false });
const build = {
  mode: "production",
  future: { v3_fetcherPersist: true, v3_relativeSplatPath: true, v3_throwAbortReason: true, v3_lazyRouteDiscovery: true },
  isSpaMode: false,
  basename: undefined,
  publicPath: "/build/",
  assetsBuildDirectory: "public/build",
  assets: {
    entry: { module: "/build/entry.js", imports: [] },
    routes: {
      root: { ...asset("root", undefined, "", false), hasErrorBoundary: true },
      "routes/invoices.$invoiceId": asset("routes/invoices.$invoiceId", "root", "invoices/:invoiceId", true),
      "routes/statement[.]csv": asset("routes/statement[.]csv", "root", "statement.csv", true),
    },
    url: "/build/manifest.js",
    version: "test",
  },
  entry: { module: { default: handleRequest, handleError } },
  routes: {
    root: { id: "root", path: "", module: { default: () => null, ErrorBoundary: () => null } },
    "routes/invoices.$invoiceId": {
      id: "routes/invoices.$invoiceId",
      parentId: "root",
      path: "invoices/:invoiceId",
      module: { default: () => null, loader: ({ params }: { params: { invoiceId: string } }) => json({ invoice: params.invoiceId }) },
    },
    "routes/statement[.]csv": { id: "routes/statement[.]csv", parentId: "root", path: "statement.csv", module: { loader: () => new Response("a,b\n", { headers: { "Content-Type": "text/csv" } }) } },
  },
} as unknown as ServerBuild;

let server: Server;
let base: string;

beforeAll(async () => {
  const app = baseApp();
  app.use(requestId);
  app.use(pathGuard);
  app.use(methodGuard);
  app.get("/healthz", (req, res) => void answerHealth(req, res));
  app.get("/readyz", (req, res) => void answerReadiness(req, res, { runsJobs: false }));
  app.get("/metrics", (req, res, next) => void answerMetrics(req, res, next, { token }));
  app.use(express.static("public", { setHeaders: (res) => labelRoute(res, "static") }));
  app.use(csrfGuard(APP_URL));
  app.all("*", remixHandler({ build: withRouteIds(build), appUrl: APP_URL, getLoadContext: () => ({ cspNonce: "n", requestId: "r", clientIp: null }) }));
  server = createServer((req, res) => {
    observeRequest(req, res);
    app(req, res);
  }).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const scrape = async () => {
  const res = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
};

describe("/healthz", () => {
  it("answers ok while the database answers; never cached", async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.text()).toBe("ok");
  });
});

describe("/readyz", () => {
  it("answers 200 with its checks when ready, 503 while the process drains; never cached", async () => {
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get("cache-control")).toBe("no-store");
    expect(ready.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await ready.json()) as { ready: boolean; checks: Record<string, { ok: boolean }> };
    expect(body).toMatchObject({ ready: true, checks: { database: { ok: true }, migrations: { ok: true }, worker: { ok: true, where: "elsewhere" } } });

    setDraining();
    try {
      const draining = await fetch(`${base}/readyz`);
      expect(draining.status).toBe(503);
      expect(draining.headers.get("cache-control")).toBe("no-store");
      expect(await draining.json()).toMatchObject({ ready: false, draining: true });
    } finally {
      setDraining(false);
    }
  });
});

describe("/metrics", () => {
  it("does not exist without METRICS_TOKEN: the portal's own 404", async () => {
    token = undefined;
    const res = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("http_request_duration_seconds");
  });

  it("asks for the bearer token, and refuses a wrong one", async () => {
    token = TOKEN;
    for (const authorization of [undefined, `Bearer ${"x".repeat(40)}`, `Bearer ${TOKEN.slice(1)}`, `Basic ${Buffer.from(`u:${TOKEN}`).toString("base64")}`]) {
      const res = await fetch(`${base}/metrics`, { headers: authorization ? { Authorization: authorization } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await res.text()).not.toContain("http_request_duration_seconds");
    }
  });

  it("serves Prometheus text with the token: latency by route id, never by path", async () => {
    token = TOKEN;
    const page = await fetch(`${base}/invoices/INV-123456`);
    expect(page.status).toBe(200);
    expect((await fetch(`${base}/invoices/INV-999?_data=routes%2Finvoices.%24invoiceId`)).status).toBe(200);
    expect((await fetch(`${base}/statement.csv`)).status).toBe(200);
    expect((await fetch(`${base}/no/such/page`)).status).toBe(404);
    // An id no route has: Remix refuses it, and it is not a label.
    expect((await fetch(`${base}/invoices/1?_data=routes%2Fmade-up-${Date.now()}`)).status).toBeGreaterThanOrEqual(400);
    expect((await fetch(`${base}/favicon.svg`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/invoices/1`, { method: "PUT" })).status).toBe(405);

    const res = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const count = (route: string, method = "GET", status = "2xx") => sample(text, "http_request_duration_seconds_count", { route, method, status });
    expect(count("routes/invoices.$invoiceId")).toBe(2);
    expect(count("routes/statement[.]csv")).toBe(1);
    // This page, and /metrics asked while it had no token (as if absent).
    expect(count("not_found", "GET", "4xx")).toBe(2);
    expect(count("unmatched", "GET", "4xx")).toBe(1);
    expect(count("static")).toBe(1);
    expect(count("readyz")).toBeGreaterThanOrEqual(2);
    expect(count("edge", "PUT", "4xx")).toBe(1);
    expect(count("metrics", "GET", "4xx")).toBeGreaterThanOrEqual(4);
    expect(text).not.toMatch(/INV-|no\/such|made-up/);
    // The backlogs and the process are there too.
    expect(sample(text, "portal_database_reachable")).toBe(1);
    expect(sample(text, "portal_stripe_events_waiting")).toBe(0);
    expect(text).toContain("process_cpu_user_seconds_total");
    // The scrape itself is counted once it has finished: the next one shows it.
    expect(count("metrics")).toBeUndefined();
    expect(sample(await scrape(), "http_request_duration_seconds_count", { route: "metrics", method: "GET", status: "2xx" })).toBeGreaterThanOrEqual(1);
  });
});
