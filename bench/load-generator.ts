/**
 * The bench's load generator, in a process of its own (forked by bench/measure.ts): autocannon
 * for the loads at many connections, and a plain keep-alive loop for one connection (sub-millisecond
 * latencies, where autocannon rounds to whole milliseconds). It answers each request over IPC with
 * the figures and its own CPU time, so the bench can show it had CPU to spare.
 */
import { Agent, request } from "node:http";
import autocannon from "autocannon";
import type { LoadReply, LoadRequest } from "./measure";

async function atConnections(r: Extract<LoadRequest, { kind: "load" }>) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await autocannon({ url: r.url, connections: r.connections, duration: r.seconds, headers: r.headers, method: r.method ?? "GET", body: r.body });
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  // autocannon reports p90 and p97.5; p95 is interpolated between them.
  const p95 = result.latency.p90 + (result.latency.p97_5 - result.latency.p90) * ((95 - 90) / (97.5 - 90));
  return {
    requestsPerSecond: result.requests.total / (elapsedMs / 1000),
    p50: result.latency.p50,
    p95,
    p99: result.latency.p99,
    requests: result.requests.total,
    sent: (result.requests as { sent?: number }).sent ?? result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    bytes: result.throughput.total,
    elapsedMs,
    loadCpuMs: (used.user + used.system) / 1000,
  };
}

/** One connection, one request after another, for `seconds`. */
async function oneConnection(r: Extract<LoadRequest, { kind: "one-connection" }>) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(r.url);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let bytes = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const end = started + r.seconds * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    try {
      const status = await new Promise<number>((resolve, reject) => {
        request(url, { agent, headers: r.headers }, (res) => {
          res.on("data", (chunk: Buffer) => (bytes += chunk.length));
          res.on("end", () => resolve(res.statusCode ?? 0));
          res.on("error", reject);
        })
          .on("error", reject)
          .end();
      });
      if (status < 200 || status >= 300) non2xx++;
      latencies.push(performance.now() - t0);
    } catch {
      errors++;
    }
  }
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! : 0);
  return { requestsPerSecond: latencies.length / (elapsedMs / 1000), p50: at(50), p95: at(95), p99: at(99), requests: latencies.length, sent: latencies.length + errors, errors, non2xx, bytes, elapsedMs, loadCpuMs: (used.user + used.system) / 1000 };
}

process.on("message", (message: LoadRequest) => {
  const work = message.kind === "load" ? atConnections(message) : oneConnection(message);
  work.then(
    (result) => process.send!({ id: message.id, result } satisfies LoadReply),
    (error: unknown) => process.send!({ id: message.id, error: error instanceof Error ? error.message : String(error) } satisfies LoadReply),
  );
});
