/**
 * The portal's HTTP entry: bootstraps configuration and the database, starts the job worker
 * in-process, and serves the Remix app behind security headers, CSRF checks and request ids.
 */
import { watch } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { broadcastDevReady, type ServerBuild } from "@remix-run/node";
import express from "express";
import { leaveShutdownSignalsToTheProcess } from "./db/embedded-postgres";
import { bootstrap } from "./server/bootstrap";
import { shutDownGracefully, trackJobs, trackRequests } from "./server/graceful-shutdown";
import { accessLog, baseApp, bodyLimit, csrfGuard, methodGuard, pathGuard, requestId, securityHeaders } from "./server/http";
import { remixHandler } from "./server/remix-handler";
import { stripeWebhookRoute } from "./server/stripe-webhook";
import type * as PortalProcess from "./app/process.server";

const started = Date.now();
const boot = await bootstrap();
const { env } = boot;
const development = env.NODE_ENV === "development";

// The app — routes, and everything else this process runs from the app (PortalProcess) — is
// loaded once, from the build, after bootstrap (its modules read the configuration bootstrap
// resolved). Nothing here imports the app's sources: a second copy would hold its own drain
// flags, Stripe client and clock (ADR one module graph).
const BUILD_PATH = path.resolve("build/index.js");
const loadBuild = async (): Promise<ServerBuild> =>
  (await import(`${pathToFileURL(BUILD_PATH).href}?t=${(await stat(BUILD_PATH)).mtimeMs}`)) as ServerBuild;
const portalOf = (b: ServerBuild) => (b.entry.module as unknown as { portalProcess: typeof PortalProcess }).portalProcess;
let build = await loadBuild();
let portal = portalOf(build);

const app = baseApp();
app.set("trust proxy", env.TRUST_PROXY);
app.use(requestId);
app.use(accessLog(() => portal.logger()));
// Every response, static files and /healthz included, carries the security headers.
app.use(securityHeaders({ production: env.NODE_ENV === "production", devSocketPort: development ? 3001 : undefined, formTargets: [portal.stripeCheckoutOrigin()] }));
app.use(pathGuard);
app.use(methodGuard);
app.use(
  bodyLimit({
    // The largest form a page posts (a payment of 100 invoices, a refund reason) is a few KB.
    form: 256 * 1024,
    // A 500-invoice batch with 20 lines each is 1.5 MB of JSON (measured): room for ~130 lines an invoice.
    api: 10 * 1024 * 1024,
    // Routes with their own, larger limit keep it: they answer a body just over it with their
    // own message in the page; the edge cap, 1 MB above, stops what is far beyond.
    routes: [
      // Dispute evidence: readUploadForm's cap (5 files of 10 MB, plus the fields).
      { path: /^\/(invoices\/[^/]+\/dispute|disputes\/[^/]+|admin\/disputes\/[^/]+)\/?$/i, limit: portal.UPLOAD_BODY_LIMIT + 1024 * 1024 },
      // CSV import: the route's check (a 2 MB file plus the form around it).
      { path: /^\/admin\/import\/?$/i, limit: portal.MAX_CSV_BYTES + 64 * 1024 + 1024 * 1024 },
      // Development receiver of the portal's own webhook deliveries: event JSON, sized like the API.
      { path: /^\/dev\/webhook-receiver\/?$/i, limit: 10 * 1024 * 1024 },
    ],
  }),
);
app.get("/healthz", async (_req, res) => {
  res.set("Cache-Control", "no-store");
  try {
    // Bounded: a load balancer's probe must get an answer, not hang on an unreachable database.
    await Promise.race([portal.sqlClient()`select 1`, new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 2000).unref())]);
    res.type("text/plain").send("ok");
  } catch {
    res.status(503).type("text/plain").send("database unavailable");
  }
});
app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));
// Browsers ask for /favicon.ico whatever the page links to.
app.get("/favicon.ico", (_req, res) => res.redirect(301, "/favicon.svg"));
app.use(csrfGuard(env.APP_URL));
// One handler per build (Remix derives its route tree when the handler is made), remade when
// development reloads the build.
const handlerFor = (b: ServerBuild) =>
  remixHandler({
    build: b,
    appUrl: env.APP_URL,
    getLoadContext: (req, res) => ({
      cspNonce: res.locals.cspNonce as string,
      requestId: res.locals.requestId as string,
      clientIp: req.ip ?? null,
    }),
  });
let handler = { build, handle: handlerFor(build) };
app.all("*", (req, res, next) => {
  if (handler.build !== build) handler = { build, handle: handlerFor(build) };
  return handler.handle(req, res, next);
});

let worker = await portal.startWorker();
let runningJobs = trackJobs(worker.events);
// Stripe → portal is answered before Express sees the request (see server/stripe-webhook.ts).
const stripeWebhook = stripeWebhookRoute(() => ({ receive: portal.receiveStripeWebhook, logger: portal.logger }));
const server = createServer((req, res) => stripeWebhook(req, res) || app(req, res)).listen(env.PORT, () => {
  const lines = [
    `Payment portal ready at ${env.APP_URL} (${env.NODE_ENV}, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    ...boot.notes,
  ];
  if (env.SEED_DEMO_DATA === "true") {
    lines.push(
      "Sign in with a demo email:",
      "  pat@northwind.example    payer of two accounts (Northwind Traders, Northwind Traders Canada)",
      "  olivia@globex.example    payer (Globex Corporation)",
      "  agent@acme.example       AR agent (/admin)",
      "  admin@acme.example       AR admin (/admin)",
    );
  }
  console.log(lines.join("\n"));
  if (development) void broadcastDevReady(build);
});

// Development: when `remix dev` rebuilds the server bundle, switch everything to the new build
// at once. The job worker is stopped (it lets running jobs finish) and started from the new
// build, so jobs and routes never run different copies of the app; a clock moved at /dev/clock
// is carried over. The database pool outlives builds on its own (app/db.server.ts).
if (development) {
  let reloading = Promise.resolve();
  const reload = async () => {
    const next = await loadBuild();
    // fs.watch reports one rebuild more than once; the same file is the same module.
    if (next === build) return;
    const nextPortal = portalOf(next);
    await worker.stop().catch(() => {});
    nextPortal.setClock(portal.clockOverride());
    build = next;
    portal = nextPortal;
    worker = await portal.startWorker();
    runningJobs = trackJobs(worker.events);
    void broadcastDevReady(build);
  };
  watch(path.dirname(BUILD_PATH), (_event, file) => {
    if (file !== "version.txt") return;
    reloading = reloading.then(reload).catch((error: unknown) => portal.logger().error({ error: String(error) }, "reloading the build failed"));
  });
}

// See docs/decisions (graceful shutdown): finish what is in flight within SHUTDOWN_TIMEOUT_MS.
const requests = trackRequests(server);
let stopping = false;
function shutdown(signal: string) {
  // A second signal (Ctrl-C again) does not wait.
  if (stopping) {
    console.log(`${signal} again: exiting now`);
    process.exit(1);
  }
  stopping = true;
  void shutDownGracefully({
    signal,
    deadlineMs: env.SHUTDOWN_TIMEOUT_MS,
    requests,
    stopJobs: () => worker.stop(),
    runningJobs: () => runningJobs(),
    closeResources: async () => {
      await portal.closeDb();
      await boot.stop();
    },
    log: (line) => console.log(line),
    exit: (code) => process.exit(code),
  });
}
leaveShutdownSignalsToTheProcess();
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
