import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./harness";

/**
 * `npm start`'s process tree as an operator runs it: the primary (server/cluster.ts) with two app
 * processes sharing one port. Development mode, so the primary starts its own embedded PostgreSQL
 * and Stripe emulator (the same supervisor code runs in production). Needs build/ (the suite
 * runs after the end-to-end build).
 */
const METRICS_TOKEN = "cluster-test-metrics-token-0123456789abcdef";
let primary: ChildProcess;
let output = "";
let baseUrl = "";
let parent = "";

const appProcesses = () => {
  try {
    return execFileSync("pgrep", ["-P", String(primary.pid), "-f", "server\\.ts"], { encoding: "utf8" }).trim().split("\n").filter(Boolean).map(Number).sort();
  } catch {
    return [];
  }
};
async function untilOutput(pattern: RegExp, timeout: number) {
  const until = Date.now() + timeout;
  while (!pattern.test(output)) {
    if (Date.now() > until || primary.exitCode !== null) throw new Error(`the primary did not print ${pattern}:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Requests from 8 clients until stopped; counts what a user would notice. */
function load(url: string) {
  let running = true;
  const result = { ok: 0, failed: [] as string[] };
  const client = async () => {
    while (running) {
      try {
        const response = await fetch(url);
        await response.arrayBuffer();
        if (response.status === 200) result.ok++;
        else result.failed.push(`HTTP ${response.status}`);
      } catch (error) {
        result.failed.push(String((error as { cause?: { code?: string } }).cause?.code ?? error));
      }
    }
  };
  const clients = Array.from({ length: 8 }, client);
  return {
    stop: async () => {
      running = false;
      await Promise.all(clients);
      return result;
    },
  };
}

beforeAll(async () => {
  const [port, pgPort, stripePort] = await Promise.all([freePort(), freePort(), freePort()]);
  mkdirSync(".data", { recursive: true });
  parent = mkdtempSync(path.resolve(".data/cluster-"));
  execFileSync("chmod", ["755", parent]);
  baseUrl = `http://127.0.0.1:${port}`;
  primary = spawn(process.execPath, ["--import", "tsx", "server/cluster.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "development",
      DATABASE_URL: "",
      STRIPE_SECRET_KEY: "",
      PORT: String(port),
      APP_URL: baseUrl,
      EMBEDDED_PG_DIR: path.join(parent, "pg"),
      EMBEDDED_PG_PORT: String(pgPort),
      STRIPE_EMULATOR_PORT: String(stripePort),
      WEB_CONCURRENCY: "2",
      REMINDER_SCHEDULE: "off",
      METRICS_TOKEN,
      SHUTDOWN_TIMEOUT_MS: "10000",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  primary.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  primary.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  await untilOutput(/2 app process\(es\) on port/, 120_000);
}, 150_000);

afterAll(async () => {
  if (primary && primary.exitCode === null) {
    primary.kill("SIGKILL");
    for (const pid of appProcesses()) process.kill(pid, "SIGKILL");
  }
  if (process.env.CLUSTER_TEST_LOG) (await import("node:fs")).writeFileSync(process.env.CLUSTER_TEST_LOG, output);
  if (parent) rmSync(parent, { recursive: true, force: true });
});

describe("npm start: a primary and its app processes", () => {
  it("runs WEB_CONCURRENCY app processes on one port, and /metrics adds up the requests of both", async () => {
    expect(appProcesses()).toHaveLength(2);
    const before = await loginRequestsCounted();
    for (let i = 0; i < 30; i++) expect((await fetch(`${baseUrl}/login`, { headers: { connection: "close" } })).status).toBe(200);
    // Each request went to one process or the other; the metrics of the server count all 30.
    expect((await loginRequestsCounted()) - before).toBe(30);
  });

  it("SIGHUP replaces every app process, one by one, without failing a request", async () => {
    const old = appProcesses();
    const traffic = load(`${baseUrl}/login`);
    await new Promise((r) => setTimeout(r, 1_000));
    const mark = output.length;
    primary.kill("SIGHUP");
    await expect.poll(() => output.slice(mark).includes("rolling restart done"), { timeout: 90_000, interval: 200 }).toBe(true);
    await new Promise((r) => setTimeout(r, 1_000));
    const result = await traffic.stop();
    expect(result.failed).toEqual([]);
    expect(result.ok).toBeGreaterThan(50);
    const now = appProcesses();
    expect(now).toHaveLength(2);
    expect(now.filter((pid) => old.includes(pid))).toEqual([]);
    // Each old process drained and exited 0.
    expect(output.slice(mark).match(/replaced by \d+ \(old exited with code 0\)/g)).toHaveLength(2);
  }, 120_000);

  it("replaces an app process that is killed", async () => {
    const [victim] = appProcesses();
    process.kill(victim!, "SIGKILL");
    await expect.poll(() => appProcesses().filter((pid) => pid !== victim).length, { timeout: 60_000, interval: 250 }).toBe(2);
    await expect.poll(async () => (await fetch(`${baseUrl}/healthz`)).status, { timeout: 30_000 }).toBe(200);
  }, 90_000);

  it("SIGTERM drains every app process and the primary exits 0", async () => {
    const exited = new Promise<number | null>((resolve) => primary.once("exit", (code) => resolve(code)));
    primary.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toMatch(/every app process drained/);
    expect(appProcesses()).toEqual([]);
  }, 60_000);
});

/** The server's count of /login page requests, from /metrics (summed over its app processes). */
async function loginRequestsCounted(): Promise<number> {
  const response = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  const text = await response.text();
  return text
    .split("\n")
    .filter((line) => line.startsWith("http_request_duration_seconds_count{") && line.includes('route="routes/login._index"'))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
}
