/**
 * The portal's HTTP entry: bootstraps configuration and the database, starts the job worker
 * in-process, and serves the Remix app behind security headers, CSRF checks and request ids.
 */
import { watch } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import path from "node:path";
import { broadcastDevReady, type ServerBuild } from "@remix-run/node";
import express from "express";
import { handleSignalsHere } from "./db/embedded-postgres";
import { bootstrap } from "./server/bootstrap";
import { clusterMetrics, inCluster } from "./server/cluster-metrics";
import { shutDownGracefully, trackJobs, trackRequests } from "./server/graceful-shutdown";
import { accessLog, baseApp, bodyLimit, csrfGuard, methodGuard, pathGuard, publicFiles, requestId, securityHeaders } from "./server/http";
import { BUILD_PATH, loadBuild, portalOf } from "./server/load-build";
import { remixHandler } from "./server/remix-handler";
import { stripeWebhookRoute } from "./server/stripe-webhook";

const started = Date.now();
const boot = await bootstrap();
const { env } = boot;
const development = env.NODE_ENV === "development";
// `remix dev` sets this: it waits for the ready signal. Development without it (tsx server.ts) has none to tell.
const underRemixDev = development && Boolean(process.env.REMIX_DEV_ORIGIN);
// RUN_JOBS=false: another process runs the jobs (the cluster's first app process, or `npm run worker`).
const runsJobs = env.RUN_JOBS === "true";

// The app is loaded once, from the build, after bootstrap (server/load-build.ts).
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
app.get("/healthz", (req, res) => void portal.answerHealth(req, res));
// Readiness (database, migrations, job worker; 503 while shutting down) and Prometheus metrics
// (behind METRICS_TOKEN): app/modules/ops/, docs/decisions (health and metrics).
app.get("/readyz", (req, res) => void portal.answerReadiness(req, res, { runsJobs }));
// In a cluster (npm start) the answer covers every app process of this server: the primary gathers them.
const renderClusterMetrics = async () => (await clusterMetrics())!.text;
app.get("/metrics", (req, res, next) => void portal.answerMetrics(req, res, next, inCluster() ? { render: renderClusterMetrics } : {}));
const labelStatic = (res: ServerResponse) => portal.labelRoute(res, "static");
app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y", setHeaders: labelStatic }));
app.use(publicFiles("public", { maxAge: "1h", setHeaders: labelStatic }));
// Browsers ask for /favicon.ico whatever the page links to.
app.get("/favicon.ico", (_req, res) => res.redirect(301, "/favicon.svg"));
app.use(csrfGuard(env.APP_URL));
// One handler per build (Remix derives its route tree when the handler is made), remade when
// development reloads the build.
const handlerFor = (b: ServerBuild) =>
  remixHandler({
    // Loaders and actions name their route for the latency metric.
    build: portal.withRouteIds(b),
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

let worker = runsJobs ? await portal.startWorker() : null;
let runningJobs = worker ? trackJobs(worker.events) : () => [];
// Stripe → portal is answered before Express sees the request (see server/stripe-webhook.ts).
const stripeWebhook = stripeWebhookRoute(() => ({ receive: portal.receiveStripeWebhook, logger: portal.logger }));
const server = createServer((req, res) => {
  portal.observeRequest(req, res);
  if (stripeWebhook(req, res)) portal.labelRoute(res, "stripe_webhook");
  else app(req, res);
}).listen(env.PORT, () => {
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
  if (underRemixDev) void broadcastDevReady(build);
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
    await worker?.stop().catch(() => {});
    nextPortal.setClock(portal.clockOverride());
    build = next;
    portal = nextPortal;
    worker = runsJobs ? await portal.startWorker() : null;
    runningJobs = worker ? trackJobs(worker.events) : () => [];
    if (underRemixDev) void broadcastDevReady(build);
  };
  watch(path.dirname(BUILD_PATH), (_event, file) => {
    if (file !== "version.txt") return;
    reloading = reloading.then(reload).catch((error: unknown) => portal.logger().error({ error: String(error) }, "reloading the build failed"));
  });
}

// See docs/decisions/0050-graceful-shutdown.md: finish what is in flight within SHUTDOWN_TIMEOUT_MS.
const requests = trackRequests(server);
let stopping = false;
function shutdown(signal: string) {
  // A second signal (Ctrl-C again) does not wait.
  if (stopping) {
    console.log(`${signal} again: exiting now`);
    process.exit(1);
  }
  stopping = true;
  // /readyz answers 503 from now on: a load balancer stops sending new requests.
  portal.setDraining();
  void shutDownGracefully({
    signal,
    deadlineMs: env.SHUTDOWN_TIMEOUT_MS,
    requests,
    stopJobs: async () => {
      await worker?.stop();
    },
    runningJobs: () => runningJobs(),
    closeResources: async () => {
      await portal.closeDb();
      await boot.stop();
    },
    log: (line) => console.log(line),
    exit: (code) => process.exit(code),
  });
}
handleSignalsHere(["SIGTERM", "SIGINT"]);
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
