/**
 * `npm run bench [-- --quick]`: the portal's speed at scale, beside this machine's own limits
 * measured in the same run. Seeds its own embedded PostgreSQL (never the dev or test one),
 * starts the built portal in production mode against it, and loads it on loopback.
 * Results: bench/results/latest.json and latest.md (the README shows the table).
 * `--only=pages,analytics,webhooks,delivery,import,reminders` runs part of it at the quick size (for iterating on one
 * flow); its results go to bench/results/partial.json and never replace the latest ones.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { startEmbeddedPostgres } from "../db/embedded-postgres";
import { migrateDatabase } from "../db/migrate";
import { pageCapturer, pageJavaScript } from "./capture";
import { treeCpuMs, postmasterPid } from "./cpu";
import { bareHttpLimit, receive, round, startLoadGenerator, summarize, type GeneratedLoad, type Measurement } from "./measure";
import { foldLedger } from "./analytics";
import { growInvoices, seedLarge } from "./seed-large";

const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",");
const want = (part: "pages" | "analytics" | "webhooks" | "delivery" | "import" | "reminders") => !only || only.includes(part);
// `--only=… --full` runs the part on the full-size database (1,000,000 invoices).
const quick = process.argv.includes("--quick") || (only !== undefined && !process.argv.includes("--full"));
const size = quick
  ? { accounts: 2_000, smallInvoices: 10_000, invoices: 100_000, bigAccountInvoices: 5_000, otherLargeAccounts: 2, seconds: 5, aloneSeconds: 3, webhookEvents: 5_000, deliveries: 2_000, importInvoices: 5_000 }
  : { accounts: 100_000, smallInvoices: 10_000, invoices: 1_000_000, bigAccountInvoices: 5_000, otherLargeAccounts: 10, seconds: 10, aloneSeconds: 5, webhookEvents: 20_000, deliveries: 10_000, importInvoices: 20_000 };
// --only keeps the quick database but sends the full-size flows: their rates need the longer runs.
if (only) Object.assign(size, { webhookEvents: 20_000, deliveries: 10_000, importInvoices: 20_000 });
const CONNECTIONS = 50;
// As `npm start` runs the portal: a cluster of app processes (server/cluster.ts). `--processes=1`
// runs server.ts alone, one process and no primary.
const processes = Number(process.argv.find((a) => a.startsWith("--processes="))?.slice("--processes=".length) ?? 2);
if (!Number.isInteger(processes) || processes < 1) throw new Error("--processes must be a whole number ≥ 1");
const ports = { pg: 54359, app: 3300, smtp: 2599 };
const appUrl = `http://127.0.0.1:${ports.app}`;
const today = new Date().toISOString().slice(0, 10);
const secrets = { session: "bench-session-secret-0123456789abcdef0123456789", webhook: "whsec_bench_secret" };
const log = (msg: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

const dataDir = path.resolve(".data/bench/pg");
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(path.dirname(dataDir), { recursive: true });
const pg = await startEmbeddedPostgres({ dataDir, port: ports.pg, database: "bench" });
const postgresPid = postmasterPid(dataDir);
const databaseUrl = pg.url.replace(/\/[^/]*$/, "/bench");
await migrateDatabase(databaseUrl);
const sql = postgres(databaseUrl, { max: 10, onnotice: () => {} });

Object.assign(process.env, {
  NODE_ENV: "production",
  PORT: String(ports.app),
  APP_URL: appUrl,
  DATABASE_URL: databaseUrl,
  SESSION_SECRET: secrets.session,
  SMTP_URL: `smtp://127.0.0.1:${ports.smtp}`,
  MAIL_FROM: "Bench <bench@acme.example>",
  SEED_DEMO_DATA: "false",
  STRIPE_SECRET_KEY: "sk_test_bench",
  STRIPE_WEBHOOK_SECRET: secrets.webhook,
  // Nothing in the measured paths calls Stripe; a closed port makes any call fail fast.
  STRIPE_API_BASE: "http://127.0.0.1:9",
  LOG_LEVEL: "warn",
  // The delivery benchmark's receiver is on 127.0.0.1.
  WEBHOOK_ALLOW_PRIVATE_URLS: "true",
  // The reminder run is measured on its own (the reminders part), never by the hourly schedule mid-load.
  REMINDER_SCHEDULE: "off",
  // The trivial page every page is compared with (/bench/floor).
  BENCH_FLOOR_PAGE: "true",
});

const results: Record<string, unknown> = {
  when: new Date().toISOString(),
  mode: quick ? "quick" : "full",
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30, 1), node: process.version },
  connections: CONNECTIONS,
  secondsPerLoad: size.seconds,
  secondsOneConnection: size.aloneSeconds,
  appProcesses: processes,
  appRunAs: processes === 1 ? "server.ts (one process)" : `npm start's cluster (server/cluster.ts, WEB_CONCURRENCY=${processes})`,
};
let app: ChildProcess | undefined;
const loader = startLoadGenerator();
try {
  const smtp = await startSmtpSink(ports.smtp);
  log(`seeding ${size.accounts} accounts and ${size.smallInvoices} invoices (big account: ${size.bigAccountInvoices})`);
  const seeded = await seedLarge(sql, { accounts: size.accounts, invoices: size.smallInvoices, bigAccountInvoices: size.bigAccountInvoices, otherLargeAccounts: size.otherLargeAccounts, today, log });
  results.seedSmall = { counts: seeded.counts, seconds: seeded.seconds };
  let foldSeconds = await foldLedger(sql);
  app = await startApp();
  const payerCookie = await sessionCookie(sql, seeded.bigAccount.payerUserId);
  const staffCookie = await sessionCookie(sql, seeded.staffUserId);
  if (want("pages")) {
    const listUrl = "/invoices?filter=all";

    await waitForQuietDatabase(sql);
    log("invoice list at the small size");
    const small = await listLatency(appUrl + listUrl, payerCookie);
    const smallAlone = await loader.oneConnection({ url: appUrl + listUrl, headers: pageHeaders(payerCookie), seconds: size.aloneSeconds });
    log(`  ${fmt(small)}; one connection: ${fmt(smallAlone)}`);

    log(`growing to ${size.invoices} invoices`);
    results.grow = await growInvoices(sql, size.invoices, { today, log });
    foldSeconds = await foldLedger(sql);
    log(`  receivables ledger folded in ${foldSeconds} s`);
    results.quietAfterGrowSeconds = await waitForQuietDatabase(sql);
    results.counts = await tableCounts(sql);

    const [{ number: sampleNumber } = { number: "" }] = await sql<{ number: string }[]>`select number from invoices where id = ${seeded.bigAccount.sampleInvoiceId}`;
    // The floor first: every page's rate is reported as a share of it.
    const pages: PageToMeasure[] = [
      { key: "floor", name: "Trivial page (root layout, one select 1): the floor", url: "/bench/floor", cookie: "", payer: false, routes: ["routes/bench.floor"] },
      { key: "list", name: "Invoice list (5,000-invoice account)", url: listUrl, cookie: payerCookie, payer: true, routes: ["routes/_portal", "routes/_portal.invoices._index"] },
      { key: "detail", name: "Invoice detail", url: `/invoices/${seeded.bigAccount.sampleInvoiceId}`, cookie: payerCookie, payer: true, routes: ["routes/_portal", "routes/_portal.invoices.$invoiceId"] },
      { key: "statement", name: "Statement (first page)", url: "/statement", cookie: payerCookie, payer: true, routes: ["routes/_portal", "routes/_portal.statement"] },
      { key: "disputes", name: "Admin dispute queue", url: "/admin/disputes", cookie: staffCookie, payer: false, routes: null },
      { key: "search", name: "Admin invoice search (by number)", url: `/admin/invoices?q=${encodeURIComponent(sampleNumber)}`, cookie: staffCookie, payer: false, routes: null },
    ];
    log("invoice list at the large size");
    const large = await listLatency(appUrl + listUrl, payerCookie);
    const largeAlone = await loader.oneConnection({ url: appUrl + listUrl, headers: pageHeaders(payerCookie), seconds: size.aloneSeconds });
    // Jobs the seed or a flow queued would run in the first app process mid-load, charged to a page.
    await waitForIdleQueue(sql);
    const capturer = await pageCapturer(databaseUrl);
    const pageResults: PageMeasured[] = [];
    for (const page of pages) {
      log(page.name);
      const measured = await measurePage(page, capturer);
      const floor = pageResults[0] ?? measured;
      measured.ratioToFloor = round(measured.load.requestsPerSecond / floor.load.requestsPerSecond, 3);
      pageResults.push(measured);
      const kB = (b: number) => `${(b / 1024).toFixed(1)} kB`;
      log(
        `  ${fmt(measured.load)} (${measured.ratioToFloor} of the floor) | one connection p50 ${measured.oneConnection.p50} p99 ${measured.oneConnection.p99} ms | CPU per request: Node ${measured.nodeCpuMsPerRequest} ms, PostgreSQL ${measured.postgresCpuMsPerRequest} ms, load generator ${measured.loadGenerator.cpuMsPerRequest} ms (${pctOf(measured.loadGenerator.coreShare)} of a core) | ${kB(measured.bytes.gzip)} ${measured.bytes.compressed ? "gzip" : "(not compressed)"} / ${kB(measured.bytes.identity)} | bare http ${Math.round(measured.bareHttp.requestsPerSecond)}/s (load generator at ${pctOf(measured.bareHttp.loadGeneratorCoreShare)} of a core) | ${measured.queries ?? "?"} queries | JS ${measured.javascript ? kB(measured.javascript.gzipBytes) + " gz" : "-"}`,
      );
    }
    await capturer.close();
    results.pages = pageResults;
    results.scaling = {
      smallInvoices: size.smallInvoices,
      largeInvoices: size.invoices,
      small,
      large,
      p50Change: round(large.p50 / small.p50 - 1, 3),
      p99Change: round(large.p99 / small.p99 - 1, 3),
      // One connection: the request's own cost, without queueing behind 49 others.
      alone: { small: roundLoad(smallAlone), large: roundLoad(largeAlone), p50Change: round(largeAlone.p50 / smallAlone.p50 - 1, 3), p99Change: round(largeAlone.p99 / smallAlone.p99 - 1, 3) },
    };
    log(`  list p50 ${small.p50} → ${large.p50} ms, p99 ${small.p99} → ${large.p99} ms; one connection p50 ${round(smallAlone.p50)} → ${round(largeAlone.p50)} ms, p99 ${round(smallAlone.p99)} → ${round(largeAlone.p99)} ms`);
  }

  if (want("analytics")) {
    if (!results.grow) {
      log(`growing to ${size.invoices} invoices`);
      results.grow = await growInvoices(sql, size.invoices, { today, log });
      foldSeconds = await foldLedger(sql);
    }
    await waitForQuietDatabase(sql);
    log("analytics: the receivables figures");
    const { analyticsBench } = await import("./analytics");
    const capturer = await pageCapturer(databaseUrl);
    const bare = postgres(databaseUrl, { max: 2, onnotice: () => {} });
    results.analytics = await analyticsBench({ sql, bare, capturer, appUrl, staffCookie, bigAccountId: seeded.bigAccount.id, today, seconds: size.seconds, foldSeconds, log });
    await capturer.close();
    await bare.end();
  }

  if (want("webhooks")) {
    log(`Stripe webhook: ${size.webhookEvents} signed events (10% repeats)`);
    results.webhooks = await stripeWebhookRate(size.webhookEvents);
    log(`  ${fmt(results.webhooks as Measurement)}`);
    const drained = await waitForIdleQueue(sql);
    results.webhookJobsDrainSeconds = drained;
    log(`  the worker processed the queued events in a further ${drained} s`);
  }

  if (want("delivery")) {
    log(`event delivery: ${size.deliveries} events to a local receiver`);
    results.delivery = await deliveryRate(sql, seeded.staffUserId, size.deliveries);
    log(`  ${Math.round((results.delivery as { perSecond: number }).perSecond)} events/s`);
    await waitForIdleQueue(sql);
  }

  // Before the import: its 60,000 invoices due today on one account would be a third of the day.
  if (want("reminders")) {
    if (!results.grow) {
      log(`growing to ${size.invoices} invoices`);
      results.grow = await growInvoices(sql, size.invoices, { today, log });
      foldSeconds = await foldLedger(sql);
    }
    // The portal stops while the run is measured: its worker would send the first emails as the
    // run queues them. It starts again to send them, measured on their own.
    await stopApp();
    await waitForQuietDatabase(sql);
    const { remindersBench } = await import("./reminders");
    results.reminders = await remindersBench({
      sql,
      databaseUrl,
      today,
      smtpUrl: process.env.SMTP_URL!,
      sink: smtp,
      log,
      startApp: async () => (app = await startApp()),
      waitForQuietDatabase,
    });
  }

  if (want("import")) {
    log(`invoice import API: ${size.importInvoices} invoices`);
    // Three runs of fresh invoices, keeping the median: one Node thread does the work, so a single
    // run swings with whatever else the two cores are doing (seen: 3,900 to 5,300/s).
    const runs = [];
    for (let run = 1; run <= 3; run++) runs.push(await importRate(seeded.staffUserId, size.importInvoices, run));
    runs.sort((a, b) => a.invoicesPerSecond - b.invoicesPerSecond);
    results.import = { ...runs[1]!, runs: runs.map((r) => r.invoicesPerSecond) };
    log(`  ${Math.round((results.import as { invoicesPerSecond: number }).invoicesPerSecond)} invoices/s`);
  }

  await smtp.close();
} finally {
  await stopApp();
  await loader.close();
  await sql.end({ timeout: 5 });
  await pg.stop();
}
const outDir = path.resolve("bench/results");
mkdirSync(outDir, { recursive: true });
if (only) {
  writeFileSync(path.join(outDir, "partial.json"), JSON.stringify(results, null, 2));
  log("results in bench/results/partial.json");
  process.exit(0);
}
writeFileSync(path.join(outDir, `latest${quick ? "-quick" : ""}.json`), JSON.stringify(results, null, 2));
const { renderMarkdown } = await import("./report");
writeFileSync(path.join(outDir, `latest${quick ? "-quick" : ""}.md`), renderMarkdown(results));
log(`results in bench/results/latest${quick ? "-quick" : ""}.{json,md}`);
process.exit(0);

/** Every page request asks for gzip, as browsers do: bytes and CPU are measured as served. */
function pageHeaders(cookie: string): Record<string, string> {
  return cookie ? { cookie, "accept-encoding": "gzip" } : { "accept-encoding": "gzip" };
}

/**
 * The list's latency for the 10k → 1M comparison: three loads after a warm-up, keeping the
 * median by p50, so one load disturbed by the machine (a checkpoint, a stray process) does not
 * decide the comparison.
 */
async function listLatency(url: string, cookie: string): Promise<Measurement> {
  await warmUp(url, cookie);
  const runs: GeneratedLoad[] = [];
  for (let i = 0; i < 3; i++) runs.push(await loader.load({ url, headers: pageHeaders(cookie), connections: CONNECTIONS, seconds: size.seconds }));
  runs.sort((a, b) => a.p50 - b.p50);
  return roundLoad(runs[1]!);
}

/** A short load first, so the measured one sees warm JIT, caches and connections. */
async function warmUp(url: string, cookie: string) {
  await loader.load({ url, headers: pageHeaders(cookie), connections: 10, seconds: 2 });
}

function roundLoad<T extends Measurement>(m: T): T {
  return { ...m, requestsPerSecond: round(m.requestsPerSecond, 1), p50: round(m.p50), p95: round(m.p95), p99: round(m.p99) };
}

function pctOf(share: number) {
  return `${Math.round(share * 100)} %`;
}

interface PageToMeasure {
  key: string;
  name: string;
  url: string;
  cookie: string;
  /** A payer's page: the target is ≥ 50 % of the floor's rate. */
  payer: boolean;
  /** Route ids whose JavaScript the page loads; null: not counted (staff pages). */
  routes: string[] | null;
}

type PageMeasured = Omit<PageToMeasure, "cookie"> & {
  load: GeneratedLoad;
  oneConnection: GeneratedLoad;
  nodeCpuMsPerRequest: number;
  postgresCpuMsPerRequest: number;
  loadGenerator: { cpuMsPerRequest: number; coreShare: number };
  bytes: { gzip: number; identity: number; compressed: boolean };
  bareHttp: { requestsPerSecond: number; p99: number; loadGeneratorCoreShare: number };
  ratioToFloor: number;
  queries: number | null;
  javascript: { files: number; bytes: number; gzipBytes: number } | null;
};

/**
 * One page, every figure from the same run: its size as served with and without gzip, a warm-up,
 * the load at 50 connections with the CPU it cost the portal's processes and PostgreSQL's (from
 * /proc, before and after) and the load generator's, one connection's latency, and the load
 * generator's own ceiling against a bare node:http server sending the same bytes.
 */
async function measurePage(page: PageToMeasure, capturer: Awaited<ReturnType<typeof pageCapturer>>): Promise<PageMeasured> {
  const url = appUrl + page.url;
  const headers = pageHeaders(page.cookie);
  const identity = await receive(url, page.cookie ? { cookie: page.cookie } : {});
  const gzip = await receive(url, headers);
  for (const r of [identity, gzip]) if (r.status !== 200) throw new Error(`${page.url} answered ${r.status}`);
  await warmUp(url, page.cookie);
  const nodeBefore = treeCpuMs(app!.pid!);
  const pgBefore = treeCpuMs(postgresPid);
  const load = await loader.load({ url, headers, connections: CONNECTIONS, seconds: size.seconds });
  // The requests still in flight when the load stopped are finished by the portal all the same:
  // their CPU is counted once the processes are idle again, and so are they (sent, not answered).
  await settled([app!.pid!, postgresPid]);
  const nodeMs = treeCpuMs(app!.pid!) - nodeBefore;
  const pgMs = treeCpuMs(postgresPid) - pgBefore;
  const served = Math.max(1, load.sent);
  const oneConnection = await loader.oneConnection({ url, headers, seconds: size.aloneSeconds });
  const bare = await bareHttpLimit(loader, gzip, CONNECTIONS, size.seconds);
  // The queries one request sends, counted on an in-process render (a secondary figure: the
  // PostgreSQL CPU above is what they cost). The once-a-minute session touch is not the page's.
  await sql`update sessions set last_seen_at = now()`;
  const queries = await capturer
    .capture(url, page.cookie ? page.cookie : {})
    .then((c) => (c.status === 200 ? c.queries.length : null))
    .catch(() => null);
  const { cookie: _cookie, ...described } = page;
  return {
    ...described,
    load: roundLoad(load),
    oneConnection: roundLoad(oneConnection),
    nodeCpuMsPerRequest: round(nodeMs / served, 3),
    postgresCpuMsPerRequest: round(pgMs / served, 3),
    loadGenerator: { cpuMsPerRequest: round(load.loadCpuMs / served, 3), coreShare: round(load.loadCpuMs / load.elapsedMs, 3) },
    bytes: { gzip: gzip.body.length, identity: identity.body.length, compressed: gzip.contentEncoding === "gzip" },
    bareHttp: { requestsPerSecond: round(bare.requestsPerSecond, 1), p99: bare.p99, loadGeneratorCoreShare: round(bare.loadCpuMs / bare.elapsedMs, 3) },
    ratioToFloor: 1,
    queries,
    javascript: page.routes ? await pageJavaScript(page.routes) : null,
  };
}

/** Waits (at most 20 s) until process trees (the portal's, PostgreSQL's) use under a tenth of a core over 300 ms. */
async function settled(pids: number[]) {
  const cpu = () => pids.reduce((sum, pid) => sum + treeCpuMs(pid), 0);
  const deadline = Date.now() + 20_000;
  let last = cpu();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 300));
    const now = cpu();
    if (now - last < 30) return;
    last = now;
  }
}

function fmt(m: Measurement) {
  return `${Math.round(m.requestsPerSecond)}/s p50 ${round(m.p50)} p95 ${round(m.p95)} p99 ${round(m.p99)} ms${m.non2xx || m.errors ? ` (${m.non2xx} non-2xx, ${m.errors} errors)` : ""}`;
}

async function stopApp() {
  const child = app;
  app = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

async function startApp(): Promise<ChildProcess> {
  // BENCH_CPU_PROFILE=<dir>: the portal writes a V8 CPU profile there when the run ends (open it in
  // Chrome DevTools); in the cluster each app process inherits the flag and writes its own.
  const profile = process.env.BENCH_CPU_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROFILE)}`] : [];
  const entry = processes === 1 ? "server.ts" : "server/cluster.ts";
  const child = spawn(process.execPath, [...profile, "--import", "tsx", entry], { env: { ...process.env, WEB_CONCURRENCY: String(processes) }, stdio: ["ignore", "pipe", "inherit"] });
  // The primary says so once every app process listens; one process answering /healthz is not enough.
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    if (output.length < 100_000) output += chunk.toString();
  });
  const allListening = () => processes === 1 || /app process\(es\) on port/.test(output);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the portal exited while starting:\n${output}`);
    const ok = await fetch(`${appUrl}/healthz`).then((r) => r.ok).catch(() => false);
    if (ok && allListening()) return child;
    if (Date.now() > deadline) throw new Error("the portal did not start within 60 s");
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A signed-in session as the sign-in flow creates it (see e2e/support/fixtures.ts). */
async function sessionCookie(db: postgres.Sql, userId: string): Promise<string> {
  const raw = randomBytes(32).toString("base64url");
  const hash = createHash("sha256").update(raw).digest("hex");
  await db`insert into sessions (id_hash, user_id, expires_at) values (${hash}, ${userId}, now() + interval '8 hours')`;
  return `portal_session=${Buffer.from(JSON.stringify(raw)).toString("base64")}`;
}

async function tableCounts(db: postgres.Sql) {
  const rows = await db<{ relname: string; n: number }[]>`select relname, n_live_tup::int as n from pg_stat_user_tables where schemaname = 'public' order by relname`;
  return Object.fromEntries(rows.map((r) => [r.relname, r.n]));
}

/** Signed Stripe events posted by 50 concurrent clients; 1 in 10 repeats an earlier id. */
async function stripeWebhookRate(count: number): Promise<Measurement> {
  let next = 0;
  let failures = 0;
  const latencies: number[] = [];
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < count) {
        const i = next++;
        const id = i % 10 === 9 ? `evt_bench_${i - 1}` : `evt_bench_${i}`;
        const body = JSON.stringify({ id, object: "event", api_version: "2025-01-01", created: Math.floor(Date.now() / 1000), livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type: "charge.succeeded", data: { object: { id: `ch_bench_${i}`, object: "charge", metadata: {} } } });
        // Signed when sent, as Stripe does: the endpoint refuses signatures older than 5 minutes.
        const t = Math.floor(Date.now() / 1000);
        const signature = `t=${t},v1=${createHmac("sha256", secrets.webhook).update(`${t}.${body}`).digest("hex")}`;
        const started = performance.now();
        const res = await fetch(`${appUrl}/webhooks/stripe`, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": signature }, body });
        await res.arrayBuffer();
        if (res.status !== 200) failures++;
        latencies.push(performance.now() - started);
      }
    }),
  );
  return { ...summarize(latencies, (Date.now() - t0) / 1000), non2xx: failures };
}

/**
 * After a bulk load, autovacuum workers keep two cores busy for a while; measuring then would
 * charge their work to the pages. Waits (at most 3 minutes) until none has run for 3 seconds.
 */
async function waitForQuietDatabase(db: postgres.Sql): Promise<number> {
  const t0 = Date.now();
  let quietSince = Date.now();
  while (Date.now() - t0 < 180_000) {
    const [row] = await db<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where backend_type = 'autovacuum worker'`;
    if ((row?.n ?? 0) > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= 3_000) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const waited = round((Date.now() - t0) / 1000);
  log(`  database quiet after ${waited} s`);
  return waited;
}

/** Waits until the worker has run every queued job, so one flow's jobs never slow the next. */
async function waitForIdleQueue(db: postgres.Sql, limitSeconds = 600) {
  const t0 = Date.now();
  for (;;) {
    const [row] = await db<{ n: number }[]>`select count(*)::int as n from graphile_worker._private_jobs where run_at <= now() and attempts < max_attempts`;
    if ((row?.n ?? 0) === 0) return round((Date.now() - t0) / 1000);
    if (Date.now() - t0 > limitSeconds * 1000) throw new Error(`the job queue still holds ${row?.n} jobs after ${limitSeconds} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Events written to the outbox in one go, fanned out and delivered by the portal's worker. */
async function deliveryRate(db: postgres.Sql, staffUserId: string, count: number) {
  let received = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => (done = resolve));
  const receiver = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(204).end();
      if (++received === count) done();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  const { createEndpoint } = await import("~/modules/webhooks/create-endpoint.server");
  const created = await createEndpoint({ kind: "staff", userId: staffUserId, role: "ar_admin", ip: null }, { url });
  if (!("endpointId" in created)) throw new Error(`webhook endpoint: ${created.message}`);
  const t0 = Date.now();
  await db`insert into events (id, type, subject_type, subject_id, data)
    select 'ev_bench_' || g, 'invoice.paid', 'invoice', 'inv_bench_' || g, jsonb_build_object('n', g) from generate_series(1, ${count}) g`;
  await db`select graphile_worker.add_job('fan_out_events', '{}'::json, job_key => 'fan_out_events', max_attempts => 3)`;
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 300_000));
  await Promise.race([all, timeout]);
  const seconds = (Date.now() - t0) / 1000;
  await db`update webhook_endpoints set enabled = false where id = ${created.endpointId}`;
  await new Promise((r) => receiver.close(r));
  return { events: count, delivered: received, seconds: round(seconds), perSecond: round(received / seconds) };
}

/** Batches of 500 invoice upserts through POST /api/v1/batch, 4 requests at a time. */
async function importRate(staffUserId: string, count: number, run: number) {
  const { createApiKey } = await import("~/modules/api/create-api-key.server");
  const key = await createApiKey({ kind: "staff", userId: staffUserId, role: "ar_admin", ip: null }, { name: "bench import", scopes: ["customers:write", "invoices:write"] });
  if (!("key" in key)) throw new Error(`api key: ${key.message}`);
  const headers = { authorization: `Bearer ${key.key}`, "content-type": "application/json" };
  let firstFailure: string | null = null;
  const failureCodes: Record<string, number> = {};
  const post = async (operations: unknown[]) => {
    const res = await fetch(`${appUrl}/api/v1/batch`, { method: "POST", headers, body: JSON.stringify({ operations }) });
    const body = (await res.json()) as { results?: Array<{ status: number; body?: unknown }> };
    if (res.status !== 200) throw new Error(`batch answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
    const failures = (body.results ?? []).filter((r) => r.status >= 300);
    if (failures.length > 0) firstFailure ??= JSON.stringify(failures[0]).slice(0, 500);
    for (const f of failures) {
      const code = (f.body as { error?: { code?: string } } | undefined)?.error?.code ?? String(f.status);
      failureCodes[code] = (failureCodes[code] ?? 0) + 1;
    }
    return failures.length;
  };
  const customerFailed = await post([{ method: "PUT", path: "/customers/BENCH-IMPORT", body: { number: "C-BENCH-IMPORT", name: "Bench Import Co", currency: "USD", billing_email: "ap@bench-import.example" } }]);
  if (customerFailed > 0) throw new Error(`the import customer was refused: ${firstFailure}`);
  const batches: unknown[][] = [];
  for (let i = 0; i < count; i += 500) {
    batches.push(
      Array.from({ length: Math.min(500, count - i) }, (_, j) => {
        const n = i + j;
        return {
          method: "PUT",
          path: `/invoices/BENCH-IMP-${run}-${n}`,
          body: {
            customer_external_id: "BENCH-IMPORT",
            number: `IMP-${run}-${String(n).padStart(8, "0")}`,
            currency: "USD",
            issue_date: today,
            due_date: today,
            terms: "Net 30",
            tax_total: 0,
            lines: [
              { description: "Corrugated boxes", sku: "PKG-1040", quantity: "3", unit_amount: 3895 },
              { description: "Stretch wrap", quantity: "2", unit_amount: 2450 },
            ],
          },
        };
      }),
    );
  }
  let next = 0;
  let failed = 0;
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < batches.length) failed += await post(batches[next++]!);
    }),
  );
  const seconds = (Date.now() - t0) / 1000;
  // Only the invoices that were stored count towards the rate.
  return { invoices: count, failed, failureCodes, firstFailure, seconds: round(seconds), invoicesPerSecond: round((count - failed) / seconds) };
}

/** A local SMTP server that accepts and counts every message (no reverse DNS: loopback only). */
async function startSmtpSink(port: number) {
  const { SMTPServer } = await import("smtp-server");
  let accepted = 0;
  let firstAt: number | null = null;
  let lastAt: number | null = null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    disableReverseLookup: true,
    logger: false,
    onData: (stream, _s, cb) =>
      stream
        .on("end", () => {
          accepted++;
          lastAt = Date.now();
          firstAt ??= lastAt;
          cb();
        })
        .resume(),
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    accepted: () => accepted,
    firstAt: () => firstAt,
    lastAt: () => lastAt,
    reset: () => {
      accepted = 0;
      firstAt = lastAt = null;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
