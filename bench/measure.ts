import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import autocannon from "autocannon";
import type postgres from "postgres";

/** One measured load: throughput and latency percentiles (milliseconds). non2xx counts 3xx too: a redirect to /login is a broken run. */
export interface Measurement {
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
}

/** Loads one URL with autocannon on loopback: `connections` clients for `seconds`. */
export async function loadUrl(options: { url: string; headers?: Record<string, string>; connections: number; seconds: number; method?: "GET" | "POST"; body?: string }): Promise<Measurement> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    headers: options.headers,
    method: options.method ?? "GET",
    body: options.body,
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p95: round(p95(result)),
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** autocannon reports p90 and p97.5; p95 is interpolated between them. */
function p95(result: autocannon.Result): number {
  return result.latency.p90 + (result.latency.p97_5 - result.latency.p90) * ((95 - 90) / (97.5 - 90));
}

/** The limit for HTML: a bare node:http server answering the same bytes, loaded the same way. */
export async function bareHttpLimit(body: string, connections: number, seconds: number): Promise<Measurement> {
  const bytes = Buffer.from(body);
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": bytes.length });
    res.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    return await loadUrl({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, connections, seconds });
  } finally {
    await new Promise((r) => server.close(r));
  }
}

export interface CapturedQuery {
  text: string;
  params: unknown[];
}

/**
 * The limit for the database: the same SQL a page runs (captured from a real request), replayed
 * by a bare postgres.js pool with `concurrency` loops for `seconds`. One "request" = the page's
 * queries in order.
 */
export async function bareSqlLimit(sql: postgres.Sql, queries: CapturedQuery[], concurrency: number, seconds: number): Promise<Measurement> {
  const latencies: number[] = [];
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  const loop = async () => {
    while (Date.now() < end) {
      const started = performance.now();
      try {
        for (const q of queries) await sql.unsafe(q.text, q.params as postgres.ParameterOrJSON<never>[]);
        latencies.push(performance.now() - started);
      } catch {
        errors++;
      }
    }
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (Date.now() - t0) / 1000;
  return summarize(latencies, elapsed, errors);
}

export function summarize(latencies: number[], elapsedSeconds: number, errors = 0): Measurement {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);
  return {
    requestsPerSecond: sorted.length / elapsedSeconds,
    p50: round(at(50)),
    p95: round(at(95)),
    p99: round(at(99)),
    requests: sorted.length,
    errors,
    non2xx: 0,
  };
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
