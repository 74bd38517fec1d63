import type { AnalyticsResult } from "./analytics";

/** The markdown of a bench run (bench/results/latest.md, copied into the README), from its JSON. */
interface M {
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
}
interface PageResult {
  key: string;
  name: string;
  payer: boolean;
  load: M & { requests: number; non2xx: number; errors: number };
  oneConnection: M;
  nodeCpuMsPerRequest: number;
  postgresCpuMsPerRequest: number;
  loadGenerator: { cpuMsPerRequest: number; coreShare: number };
  bytes: { gzip: number; identity: number; compressed: boolean };
  bareHttp: { requestsPerSecond: number; loadGeneratorCoreShare: number };
  ratioToFloor: number;
  queries: number | null;
  javascript: { gzipBytes: number } | null;
}
type Change = { small: M; large: M; p50Change: number; p99Change: number };
type Scaling = Change & { smallInvoices: number; largeInvoices: number; alone?: Change };

const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(0)}%`;
const n = (x: number) => Math.round(x).toLocaleString("en-US");
const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const share = (x: number) => `${Math.round(x * 100)} %`;

interface Target {
  target: string;
  measured: string;
  /** null: not measured in this run. */
  met: boolean | null;
}

/** Each target of issue 20 beside what this run measured. */
export function targets(r: Record<string, unknown>): Target[] {
  const pages = (r.pages ?? []) as PageResult[];
  const page = (key: string) => pages.find((p) => p.key === key);
  const scaling = r.scaling as Scaling | undefined;
  const webhooks = r.webhooks as M | undefined;
  const delivery = r.delivery as { perSecond: number } | undefined;
  const imported = r.import as { invoicesPerSecond: number } | undefined;
  const list = page("list");
  const rate = (key: string, name: string, atLeast: number): Target => {
    const p = page(key);
    return { target: `${name} ≥ ${n(atLeast)} req/s`, measured: p ? `${n(p.load.requestsPerSecond)} req/s` : "not measured", met: p ? p.load.requestsPerSecond >= atLeast : null };
  };
  const payerPages = pages.filter((p) => p.payer);
  const lowest = [...payerPages].sort((a, b) => a.ratioToFloor - b.ratioToFloor)[0];
  const heaviestJs = [...payerPages].filter((p) => p.javascript).sort((a, b) => b.javascript!.gzipBytes - a.javascript!.gzipBytes)[0];
  const changes = scaling ? [scaling.p50Change, scaling.p99Change, ...(scaling.alone ? [scaling.alone.p50Change] : [])] : [];
  return [
    {
      target: "Invoice list (5,000-invoice account) ≥ 600 req/s at 50 connections, with gzip",
      measured: list ? `${n(list.load.requestsPerSecond)} req/s (${list.bytes.compressed ? `gzip: ${kB(list.bytes.gzip)} of ${kB(list.bytes.identity)}` : "the portal did not compress"})` : "not measured",
      met: list ? list.load.requestsPerSecond >= 600 && list.bytes.compressed : null,
    },
    { target: "Invoice list p99 ≤ 200 ms at 50 connections", measured: list ? `${list.load.p99} ms` : "not measured", met: list ? list.load.p99 <= 200 : null },
    { target: "Invoice list one-connection p50 ≤ 5 ms", measured: list ? `${list.oneConnection.p50} ms` : "not measured", met: list ? list.oneConnection.p50 <= 5 : null },
    {
      target: "Every payer page ≥ 50 % of the trivial page's req/s",
      measured: lowest ? `lowest: ${lowest.name} at ${share(lowest.ratioToFloor)} (${payerPages.map((p) => `${p.key} ${share(p.ratioToFloor)}`).join(", ")})` : "not measured",
      met: lowest ? lowest.ratioToFloor >= 0.5 : null,
    },
    rate("detail", "Invoice detail", 600),
    rate("statement", "Statement (first page)", 300),
    rate("search", "Admin invoice search by number", 500),
    { target: "Stripe webhooks ≥ 5,000 events/s", measured: webhooks ? `${n(webhooks.requestsPerSecond)} events/s` : "not measured", met: webhooks ? webhooks.requestsPerSecond >= 5000 : null },
    { target: "Event deliveries ≥ 5,000/s", measured: delivery ? `${n(delivery.perSecond)}/s` : "not measured", met: delivery ? delivery.perSecond >= 5000 : null },
    { target: "Invoice import ≥ 10,000 invoices/s", measured: imported ? `${n(imported.invoicesPerSecond)} invoices/s` : "not measured", met: imported ? imported.invoicesPerSecond >= 10_000 : null },
    {
      target: "Payer-page JavaScript < 100 kB gzip (kB = 1,024 bytes)",
      measured: heaviestJs ? `largest: ${heaviestJs.name}, ${kB(heaviestJs.javascript!.gzipBytes)}` : "not measured",
      met: heaviestJs ? heaviestJs.javascript!.gzipBytes < 100 * 1024 : null,
    },
    {
      target: `Invoice list latency at ${scaling ? n(scaling.largeInvoices) : "1M"} invoices within 20 % of ${scaling ? n(scaling.smallInvoices) : "10k"} (p50 and p99 at 50 connections, p50 on one connection)`,
      measured: scaling ? `p50 ${pct(scaling.p50Change)}, p99 ${pct(scaling.p99Change)}${scaling.alone ? `; one connection p50 ${pct(scaling.alone.p50Change)}` : ""}` : "not measured",
      met: scaling ? changes.every((c) => c <= 0.2) : null,
    },
  ];
}

export function renderMarkdown(r: Record<string, unknown>): string {
  const machine = r.machine as { cpus: number; cpuModel: string; memoryGiB: number; node: string };
  const pages = (r.pages ?? []) as PageResult[];
  const scaling = r.scaling as Scaling | undefined;
  const webhooks = r.webhooks as M | undefined;
  const delivery = r.delivery as { perSecond: number; delivered: number; events: number } | undefined;
  const imported = r.import as { invoicesPerSecond: number; failed: number; runs?: number[] } | undefined;
  const lines = [
    `Run ${String(r.when).slice(0, 16).replace("T", " ")} UTC, ${r.mode} size, ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}; the portal as ${String(r.appRunAs ?? "one process")}; ${r.connections} connections, ${r.secondsPerLoad} s per load, ${String(r.secondsOneConnection ?? "?")} s on one connection; every request sends \`Accept-Encoding: gzip\`.`,
    "",
    `| target (issue 20; full size: 1,000,000 invoices${r.mode === "full" ? "" : ` — this run: ${r.mode} size`}) | measured | |`,
    "|---|---|---|",
    ...targets(r).map((t) => `| ${t.target} | ${t.measured} | ${t.met === null ? "—" : t.met ? "met" : "**not met**"} |`),
    "",
  ];
  if (pages.length > 0) {
    lines.push(
      `| page (${scaling ? n(scaling.largeInvoices) : "?"}-invoice database) | req/s | ÷ floor | p50 ms | p99 ms | one connection p50 / p99 ms | Node CPU ms/req | PostgreSQL CPU ms/req | bytes gzip / identity | queries | JS gzip |`,
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
      ...pages.map(
        (p) =>
          `| ${p.name} | ${n(p.load.requestsPerSecond)}${p.load.non2xx || p.load.errors ? ` (${p.load.non2xx} non-2xx, ${p.load.errors} errors)` : ""} | ${p.ratioToFloor.toFixed(2)} | ${p.load.p50} | ${p.load.p99} | ${p.oneConnection.p50} / ${p.oneConnection.p99} | ${p.nodeCpuMsPerRequest} | ${p.postgresCpuMsPerRequest} | ${p.bytes.compressed ? kB(p.bytes.gzip) : "not compressed"} / ${kB(p.bytes.identity)} | ${p.queries ?? "—"} | ${p.javascript ? kB(p.javascript.gzipBytes) : "—"} |`,
      ),
      "",
      "The load generator (autocannon in a process of its own) beside each page: its CPU, and its own ceiling against a bare `node:http` server, in another process, sending the same bytes.",
      "",
      "| page | load generator CPU ms/req | its share of one core at the page's rate | bare node:http, same bytes: req/s | its share of one core there |",
      "|---|---:|---:|---:|---:|",
      ...pages.map((p) => `| ${p.name} | ${p.loadGenerator.cpuMsPerRequest} | ${share(p.loadGenerator.coreShare)} | ${n(p.bareHttp.requestsPerSecond)} | ${share(p.bareHttp.loadGeneratorCoreShare)} |`),
      "",
    );
  }
  const change = (c: Change) => `p50 ${c.small.p50} → ${c.large.p50} ms (${pct(c.p50Change)}), p99 ${c.small.p99} → ${c.large.p99} ms (${pct(c.p99Change)})`;
  if (scaling) {
    lines.push(
      `Invoice list latency from ${n(scaling.smallInvoices)} to ${n(scaling.largeInvoices)} invoices, ${r.connections} connections (median of 3 loads): ${change(scaling)}.${scaling.alone ? ` One connection: ${change(scaling.alone)}.` : ""}`,
      "",
    );
  }
  lines.push("| flow | rate |", "|---|---:|");
  if (webhooks) lines.push(`| Stripe webhook endpoint (signed, deduplicated) | ${n(webhooks.requestsPerSecond)} events/s (p99 ${webhooks.p99} ms) |`);
  if (delivery) lines.push(`| event delivery to the back office | ${n(delivery.perSecond)} events/s (${n(delivery.delivered)}/${n(delivery.events)} delivered) |`);
  if (imported) lines.push(`| invoice import API (batches of 500) | ${n(imported.invoicesPerSecond)} invoices/s${imported.runs ? ` (median of ${imported.runs.map(n).join(", ")})` : ""}${imported.failed ? ` (${imported.failed} failed)` : ""} |`);
  const analytics = r.analytics as AnalyticsResult | undefined;
  if (analytics) {
    lines.push(
      "",
      `| analytics, one connection (ledger ${n(analytics.ledgerRows)} rows, rollup ${n(analytics.rollupRows)} rows, folded in ${analytics.foldSeconds} s) | p50 ms | p99 ms | the same SQL bare: p50 ms (queries) |`,
      "|---|---:|---:|---:|",
      ...analytics.rows.map((a) => `| ${a.name} | ${a.measured.p50} | ${a.measured.p99} | ${a.bareSql.p50} (${a.queries}) |`),
    );
  }
  const reminders = r.reminders as RemindersResult | undefined;
  if (reminders) lines.push("", ...reminderLines(reminders, n));
  return `${lines.join("\n")}\n`;
}

interface RunFigures {
  accounts: number;
  emails: number;
  sent: number;
  skipped: number;
  decisions: number;
  seconds: number;
  accountsPerSecond: number;
}
interface RemindersResult {
  accountsInDatabase: number;
  firstRun: RunFigures;
  daily: RunFigures;
  bareFacts: { accounts: number; seconds: number; accountsPerSecond: number };
  dryDecide: { seconds: number; loadSeconds: number; decideSeconds: number };
  sending: {
    perEmail: { factsMs: number; renderMs: number };
    smtpLimit: Record<"portal" | "pool" | "unpooled", { perSecond: number }>;
    sent: { emails: number; accepted: number; perSecond: number; failedJobs: number };
    workerConcurrency: number;
  };
}

/** The reminder engine's rows (issue 14: every account decided in under 60 s, emails at ≥ 500/s). */
function reminderLines(x: RemindersResult, n: (v: number) => string): string[] {
  const run = (f: RunFigures) => `${n(f.accounts)} accounts in ${f.seconds} s (${n(f.accountsPerSecond)}/s): ${n(f.decisions)} decisions written, ${n(f.emails)} emails queued`;
  const s = x.sending;
  return [
    `| reminders (${n(x.accountsInDatabase)} accounts) | measured | this machine's limit |`,
    "|---|---|---|",
    `| daily run: every account decided | ${run(x.daily)} | the same facts SQL on bare postgres.js: ${x.bareFacts.seconds} s (${n(x.bareFacts.accountsPerSecond)} accounts/s); facts and decisions without writing: ${x.dryDecide.seconds} s |`,
    `| first run (no history: every step due) | ${run(x.firstRun)} | — |`,
    `| its emails, sent by the worker (one sender job per batch, ${s.workerConcurrency} emails at a time) to a local SMTP sink | ${n(s.sent.perSecond)} emails/s (${n(s.sent.accepted)}/${n(s.sent.emails)} accepted${s.sent.failedJobs ? `, ${s.sent.failedJobs} jobs failed` : ""}); per email ${s.perEmail.factsMs} ms of facts + ${s.perEmail.renderMs} ms of render | nodemailer alone, the same emails pre-rendered: ${n(s.smtpLimit.portal.perSecond)}/s (portal's transport: pooled, no Nagle); ${n(s.smtpLimit.pool.perSecond)}/s pooled as it comes; ${n(s.smtpLimit.unpooled.perSecond)}/s a connection per email |`,
  ];
}
