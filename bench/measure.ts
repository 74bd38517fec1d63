import { fork } from "node:child_process";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import type postgres from "postgres";

const here = path.dirname(fileURLToPath(import.meta.url));

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

/**
 * Loads one URL with autocannon inside this process: `connections` clients for `seconds`. For
 * figures that share the process with other work (the analytics part); pages use startLoadGenerator.
 */
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

/** What bench/load-generator.ts is asked to do (over IPC). */
export type LoadRequest =
  | { id: number; kind: "load"; url: string; headers?: Record<string, string>; connections: number; seconds: number; method?: "GET" | "POST"; body?: string }
  | { id: number; kind: "one-connection"; url: string; headers?: Record<string, string>; seconds: number };
export type LoadReply = { id: number; result: GeneratedLoad } | { id: number; error: string };

/** A load as the load generator measured it, with the CPU it spent itself. */
export interface GeneratedLoad extends Measurement {
  /** Requests sent, answered or not: at the end of a load up to one per connection is still in flight. */
  sent: number;
  /** Response bytes received (bodies and headers, as sent: compressed when the server compressed). */
  bytes: number;
  elapsedMs: number;
  /** The load generator's own CPU time (user + system, every thread) during the load. */
  loadCpuMs: number;
}

/**
 * The load generator in a child process of its own, so its CPU is neither the portal's nor the
 * bench's, and can be measured (`loadCpuMs`): a load generator at 100 % of a core is the bottleneck.
 */
export function startLoadGenerator() {
  const child = fork(path.join(here, "load-generator.ts"), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (r: GeneratedLoad) => void; reject: (e: Error) => void }>();
  child.on("message", (reply: LoadReply) => {
    const entry = waiting.get(reply.id);
    waiting.delete(reply.id);
    if ("error" in reply) entry?.reject(new Error(`load generator: ${reply.error}`));
    else entry?.resolve(reply.result);
  });
  child.on("exit", (code) => {
    for (const entry of waiting.values()) entry.reject(new Error(`the load generator exited (${code})`));
    waiting.clear();
  });
  const ask = (request: Omit<Extract<LoadRequest, { kind: "load" }>, "id" | "kind"> | Omit<Extract<LoadRequest, { kind: "one-connection" }>, "id" | "kind">, kind: LoadRequest["kind"]) =>
    new Promise<GeneratedLoad>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      child.send({ ...request, id, kind } as LoadRequest);
    });
  return {
    pid: child.pid!,
    /** `connections` clients (autocannon) for `seconds`. */
    load: (options: { url: string; headers?: Record<string, string>; connections: number; seconds: number }) => ask(options, "load"),
    /** One keep-alive connection, a request after another, for `seconds`: the request's own latency. */
    oneConnection: (options: { url: string; headers?: Record<string, string>; seconds: number }) => ask(options, "one-connection"),
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
export type LoadGenerator = ReturnType<typeof startLoadGenerator>;

/** One response as received: status, the headers that matter and the body bytes as sent (compressed or not). */
export interface ReceivedResponse {
  status: number;
  contentType: string;
  contentEncoding: string | null;
  body: Buffer;
}

/** Fetches `url` once with node:http, which (unlike fetch) leaves a compressed body compressed. */
export function receive(url: string, headers: Record<string, string>): Promise<ReceivedResponse> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), contentEncoding: (res.headers["content-encoding"] as string | undefined) ?? null, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    })
      .on("error", reject)
      .end();
  });
}

/**
 * The most the load generator gets from this machine for one response: a bare node:http server,
 * in a process of its own, answering the same bytes (and Content-Encoding) the portal sent, loaded
 * the same way as the page.
 */
export async function bareHttpLimit(loader: LoadGenerator, response: ReceivedResponse, connections: number, seconds: number): Promise<GeneratedLoad> {
  const server = fork(path.join(here, "bare-http.ts"), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  try {
    const listening = new Promise<number>((resolve, reject) => {
      server.once("message", (m: { port: number }) => resolve(m.port));
      server.once("exit", (code) => reject(new Error(`the bare http server exited (${code})`)));
    });
    const headers: Record<string, string> = { "content-type": response.contentType };
    if (response.contentEncoding) headers["content-encoding"] = response.contentEncoding;
    server.send({ body: response.body.toString("base64"), headers });
    const port = await listening;
    return await loader.load({ url: `http://127.0.0.1:${port}/`, headers: { "accept-encoding": "gzip" }, connections, seconds });
  } finally {
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once("exit", r));
      server.kill("SIGTERM");
      await exited;
    }
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
