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

export function renderMarkdown(r: Record<string, unknown>): string {
  const machine = r.machine as { cpus: number; cpuModel: string; memoryGiB: number; node: string };
  const pages = (r.pages ?? []) as PageResult[];
  const scaling = r.scaling as { smallInvoices: number; largeInvoices: number; small: M; large: M; p50Change: number; p99Change: number } | undefined;
  const webhooks = r.webhooks as M | undefined;
  const delivery = r.delivery as { perSecond: number; delivered: number; events: number } | undefined;
  const imported = r.import as { invoicesPerSecond: number; failed: number } | undefined;
  const n = (x: number) => Math.round(x).toLocaleString("en-US");
  const lines = [
    `Run ${String(r.when).slice(0, 16).replace("T", " ")} UTC, ${r.mode} size, ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}; ${r.connections} connections, ${r.secondsPerLoad} s per load.`,
    "",
    `| page (${scaling ? n(scaling.largeInvoices) : "?"}-invoice database) | req/s | p50 ms | p95 ms | p99 ms | bare http req/s | bare SQL req/s (queries) | ratio to limit | JS gzip |`,
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...pages.map(
      (p) =>
        `| ${p.name} | ${n(p.measured.requestsPerSecond)} | ${p.measured.p50} | ${p.measured.p95} | ${p.measured.p99} | ${n(p.httpLimit.requestsPerSecond)} | ${n(p.sqlLimit.requestsPerSecond)} (${p.queries}) | ${p.ratioToLimit} | ${p.javascript ? `${(p.javascript.gzipBytes / 1024).toFixed(1)} kB` : "—"} |`,
    ),
    "",
  ];
  if (scaling) {
    lines.push(
      `Invoice list latency from ${n(scaling.smallInvoices)} to ${n(scaling.largeInvoices)} invoices: p50 ${scaling.small.p50} → ${scaling.large.p50} ms (${(scaling.p50Change * 100).toFixed(0)}%), p99 ${scaling.small.p99} → ${scaling.large.p99} ms (${(scaling.p99Change * 100).toFixed(0)}%).`,
      "",
    );
  }
  lines.push("| flow | rate |", "|---|---:|");
  if (webhooks) lines.push(`| Stripe webhook endpoint (signed, deduplicated) | ${n(webhooks.requestsPerSecond)} events/s (p99 ${webhooks.p99} ms) |`);
  if (delivery) lines.push(`| event delivery to the back office | ${n(delivery.perSecond)} events/s (${n(delivery.delivered)}/${n(delivery.events)} delivered) |`);
  if (imported) lines.push(`| invoice import API (batches of 500) | ${n(imported.invoicesPerSecond)} invoices/s${imported.failed ? ` (${imported.failed} failed)` : ""} |`);
  return `${lines.join("\n")}\n`;
}
