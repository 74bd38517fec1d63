import type { AnalyticsResult } from "./analytics";

/** The short markdown table of a bench run (bench/results/latest.md, copied into the README). */
interface M {
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
}
interface PageResult {
  name: string;
  measured: M;
  httpLimit: M;
  sqlLimit: M;
  ratioToLimit: number;
  queries: number;
  javascript: { gzipBytes: number } | null;
}

const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(0)}%`;

export function renderMarkdown(r: Record<string, unknown>): string {
  const machine = r.machine as { cpus: number; cpuModel: string; memoryGiB: number; node: string };
  const pages = (r.pages ?? []) as PageResult[];
  type Change = { small: M; large: M; p50Change: number; p99Change: number };
  const scaling = r.scaling as (Change & { smallInvoices: number; largeInvoices: number; alone?: Change }) | undefined;
  const webhooks = r.webhooks as M | undefined;
  const delivery = r.delivery as { perSecond: number; delivered: number; events: number } | undefined;
  const imported = r.import as { invoicesPerSecond: number; failed: number; runs?: number[] } | undefined;
  const n = (x: number) => Math.round(x).toLocaleString("en-US");
  const lines = [
    `Run ${String(r.when).slice(0, 16).replace("T", " ")} UTC, ${r.mode} size, ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}; ${r.connections} connections, ${r.secondsPerLoad} s per load.`,
    "",
    `| page (${scaling ? n(scaling.largeInvoices) : "?"}-invoice database) | req/s | p50 ms | p95 ms | p99 ms | bare http req/s | bare SQL req/s (queries) | bare SQL p99 ms | ratio to limit | JS gzip |`,
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...pages.map(
      (p) =>
        `| ${p.name} | ${n(p.measured.requestsPerSecond)} | ${p.measured.p50} | ${p.measured.p95} | ${p.measured.p99} | ${n(p.httpLimit.requestsPerSecond)} | ${n(p.sqlLimit.requestsPerSecond)} (${p.queries}) | ${p.sqlLimit.p99} | ${p.ratioToLimit} | ${p.javascript ? `${(p.javascript.gzipBytes / 1024).toFixed(1)} kB` : "—"} |`,
    ),
    "",
  ];
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
