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
  return `${lines.join("\n")}\n`;
}
