import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import express from "express";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createLogger } from "~/utils/log.server";
import { accessLog, loggedPath, requestId } from "./http";

// The access log as server.ts mounts it (after the request id), on a real HTTP server.
const lines: Array<Record<string, unknown>> = [];
const logger = createLogger({ level: "info", destination: new Writable({ write: (line, _e, done) => done(void lines.push(JSON.parse(String(line)))) }) });
let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(requestId);
  app.use(accessLog(() => logger));
  for (const probe of ["/healthz", "/readyz", "/metrics"]) app.get(probe, (_req, res) => res.send("ok"));
  app.get("/login/verify", (_req, res) => {
    // What a handler logs about the request carries the same id.
    (res.locals.log as typeof logger).warn({ cookie: _req.get("cookie") }, "link expired");
    res.status(410).send("expired");
  });
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

it("writes one line per request, with its id, the path without the query, and no cookie", async () => {
  const res = await fetch(`${base}/login/verify?token=sign-in-secret`, { headers: { "X-Request-Id": "proxy-id-12345678", cookie: "__session=s3cr3t" } });
  expect(res.status).toBe(410);
  // Probes and scrapes come every few seconds: no line each.
  for (const probe of ["/healthz", "/readyz", "/metrics"]) await fetch(`${base}${probe}`);
  await expect.poll(() => lines.length).toBe(2);
  expect(lines).toEqual([
    { level: "warn", time: expect.any(String), requestId: "proxy-id-12345678", cookie: "[redacted]", msg: "link expired" },
    { level: "info", time: expect.any(String), requestId: "proxy-id-12345678", method: "GET", path: "/login/verify", status: 410, ms: expect.any(Number), msg: "request" },
  ]);
  expect(JSON.stringify(lines)).not.toMatch(/sign-in-secret|s3cr3t/);
});

it("leaves a pay link's MAC out of the logged path", () => {
  expect(loggedPath("/pay-link/pl_0123456789abcdefghijklmnop.c2VjcmV0LW1hYy1vZi10aGUtbGluaw")).toBe("/pay-link/pl_0123456789abcdefghijklmnop.[redacted]");
  expect(loggedPath("/payments/pay_123")).toBe("/payments/pay_123");
});
