/**
 * Several portal processes as production runs them (`tsx server.ts`, NODE_ENV=production, every
 * setting given, the built app in build/) on one fresh PostgreSQL, behind a small loopback proxy
 * that stands in for the load balancer, with the Stripe emulator, an SMTP catcher and a receiver
 * of the portal's outbound webhooks. Needs `npx remix build` first.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import path from "node:path";
import { startStripeEmulator, type RunningEmulator } from "@eipp/stripe-emulator";
import { simpleParser } from "mailparser";
import postgres from "postgres";
import { SMTPServer } from "smtp-server";
import { drizzle } from "drizzle-orm/postgres-js";
import * as schema from "#db/schema/index";
import { startEmbeddedPostgres } from "../../db/embedded-postgres";
import { factories } from "../factories";

export const root = path.resolve(import.meta.dirname, "../..");
const tsx = path.join(root, "node_modules/.bin/tsx");

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a truthy value (returned) or `timeoutMs` passes (throws `what`). */
type Falsy = undefined | null | false | 0 | "";
export async function waitFor<T>(what: string, check: () => Promise<T | Falsy> | T | Falsy, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as T;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

const listen = (server: Server | SMTPServer) =>
  new Promise<number>((resolve) => {
    const http = server instanceof SMTPServer ? (server as unknown as { server: Server }).server : server;
    server.listen(0, "127.0.0.1", () => resolve((http.address() as AddressInfo).port));
  });

/** A fresh embedded PostgreSQL cluster on a free port, data under .data/, and an empty database. */
export async function startDatabase() {
  const port = await freePort();
  const dataDir = path.join(root, `.data/processes-pg-${process.pid}-${port}`);
  const pg = await startEmbeddedPostgres({ dataDir, port, database: "portal" });
  const sql = postgres(pg.url, { max: 4, onnotice: () => {} });
  // Drizzle gets a client of its own: it replaces its client's date and JSON (de)serializers.
  const drizzleClient = postgres(pg.url, { max: 2, onnotice: () => {} });
  return {
    url: pg.url,
    sql,
    /** Test data (accounts, payers, staff) written straight to the database, as the other suites make theirs. */
    data: factories(drizzle(drizzleClient, { schema, casing: "snake_case" })),
    stop: async () => {
      await Promise.all([sql.end({ timeout: 2 }), drizzleClient.end({ timeout: 2 })]);
      await pg.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface CaughtMail {
  to: string[];
  subject: string;
  text: string;
  messageId: string;
}

/** A real SMTP server (smtp-server): what the portal sends arrives here. */
export async function startMailCatcher() {
  const messages: CaughtMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const to = (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((a) => a.value.map((v) => (v.address ?? "").toLowerCase()));
          messages.push({ to, subject: mail.subject ?? "", text: mail.text ?? "", messageId: mail.messageId ?? "" });
          callback();
        })
        .catch((e: Error) => callback(e));
    },
  });
  const port = await listen(smtp);
  return { port, messages, for: (to: string) => messages.filter((m) => m.to.includes(to.toLowerCase())), stop: () => new Promise<void>((r) => smtp.close(() => r())) };
}

export interface Received {
  webhookId: string;
  type: string;
  at: number;
}

/** The integrator's back office: records every delivery of the portal's outbound webhooks. */
export async function startReceiver() {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    // A client that gives up (a timeout, the end of a test) resets its connection: not a crash of the balancer.
    req.on("error", () => {});
    res.on("error", () => {});
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let type = "";
      try {
        type = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { type?: string }).type ?? "";
      } catch {
        type = "(unparsable)";
      }
      received.push({ webhookId: String(req.headers["webhook-id"] ?? ""), type, at: Date.now() });
      res.writeHead(200).end("ok");
    });
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/eipp-events`, received, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

export interface ProxiedRequest {
  at: number;
  method: string;
  path: string;
  backend: string | null;
  status: number;
  /** Set when the proxy could not get an answer: the client saw a 502. */
  error: string | null;
  /** Backends that refused the connection first (the request went to the next one). */
  refusedBy: string[];
}

/**
 * The load balancer: round robin over the backends; a backend that refuses the connection
 * (stopped, or restarting) is skipped and the request sent to the next one, as a balancer with
 * health checks would. A request that reached a backend and then failed is NOT retried: it is
 * answered 502 and recorded, so a test sees every request a crash or a shutdown lost. Each
 * request goes on a fresh connection to the backend.
 */
export async function startProxy() {
  const backends: Array<{ name: string; port: number }> = [];
  const log: ProxiedRequest[] = [];
  let next = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    // A client that gives up (a timeout, the end of a test) resets its connection: not a crash of the balancer.
    req.on("error", () => {});
    res.on("error", () => {});
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const entry: ProxiedRequest = { at: Date.now(), method: req.method ?? "GET", path: req.url ?? "/", backend: null, status: 0, error: null, refusedBy: [] };
      log.push(entry);
      const order = backends.length ? backends.map((_, i) => backends[(next + i) % backends.length]!) : [];
      next++;
      const attempt = (i: number) => {
        const backend = order[i];
        if (!backend) {
          entry.status = 502;
          entry.error = "no backend accepted the connection";
          return void res.writeHead(502).end(entry.error);
        }
        const headers: IncomingHttpHeaders = { ...req.headers, connection: "close", "x-forwarded-for": req.socket.remoteAddress ?? "" };
        const upstream = request({ host: "127.0.0.1", port: backend.port, method: req.method, path: req.url, headers, agent: false }, (answer) => {
          entry.backend = backend.name;
          entry.status = answer.statusCode ?? 0;
          const out = { ...answer.headers };
          delete out.connection;
          res.writeHead(answer.statusCode ?? 502, out);
          answer.pipe(res);
          answer.on("error", (e) => {
            entry.error = `answer cut off: ${e.message}`;
            res.destroy();
          });
        });
        upstream.on("error", (e: NodeJS.ErrnoException) => {
          if (entry.status) return; // the answer had started: recorded above
          if (e.code === "ECONNREFUSED") {
            entry.refusedBy.push(backend.name);
            return attempt(i + 1);
          }
          entry.backend = backend.name;
          entry.status = 502;
          entry.error = `${e.code ?? ""} ${e.message}`.trim();
          res.writeHead(502).end(`backend ${backend.name} failed: ${entry.error}`);
        });
        upstream.end(body);
      };
      attempt(0);
    });
  });
  const port = await listen(server);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    log,
    /**
     * Stops sending new requests to a backend, as a balancer does when its readiness check
     * fails or the deploy deregisters it; requests already sent there carry on.
     */
    takeOutOfRotation: (name: string) => {
      const i = backends.findIndex((b) => b.name === name);
      if (i >= 0) backends.splice(i, 1);
    },
    /** Registers (or, for a name already known, moves) a backend. */
    add: (name: string, backendPort: number) => {
      const known = backends.find((b) => b.name === name);
      if (known) known.port = backendPort;
      else backends.push({ name, port: backendPort });
    },
    stop: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

/** One portal process (`tsx server.ts`), with its output kept for the test to read. */
export interface PortalProcess {
  name: string;
  port: number;
  url: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<Exit>;
  /** The output lines at error level (pino's JSON) or that look like a crash. */
  errors: () => string[];
}

/**
 * `node --import tsx server.ts`: one process, which gets the signal itself. (The `tsx` command
 * is a second process in front that relays signals, and SIGKILLs the app if it does not
 * acknowledge one within 30 ms — a busy app never gets to shut down gracefully.)
 */
export function startPortal(name: string, port: number, env: Record<string, string>): PortalProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], { cwd: root, env: { ...process.env, ...env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => output.push(...chunk.toString("utf8").split("\n").filter(Boolean));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<Exit>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, at: Date.now() })));
  return {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    output,
    exited,
    errors: () => output.filter((l) => /"level":(50|60|"error"|"fatal")|Error:|Unhandled|ERR_/.test(l)),
  };
}

/** Resolves when the process answers /healthz 200; rejects if it exits first. */
export async function untilHealthy(p: PortalProcess, timeoutMs = 60_000) {
  let gone: Exit | undefined;
  void p.exited.then((e) => (gone = e));
  await waitFor(
    `${p.name} to answer /healthz`,
    async () => {
      if (gone) throw new Error(`${p.name} exited (${gone.code ?? gone.signal}) before it was healthy:\n${p.output.join("\n")}`);
      try {
        return (await fetch(`${p.url}/healthz`)).status === 200;
      } catch {
        return false;
      }
    },
    timeoutMs,
  );
}

export interface Stack {
  db: Awaited<ReturnType<typeof startDatabase>>;
  mail: Awaited<ReturnType<typeof startMailCatcher>>;
  receiver: Awaited<ReturnType<typeof startReceiver>>;
  proxy: Awaited<ReturnType<typeof startProxy>>;
  stripe: RunningEmulator;
  stripeWebhookSecret: string;
  stripeKey: string;
  /** The settings every portal process gets (each its own PORT). */
  env: Record<string, string>;
  processes: PortalProcess[];
  /** Starts portal `name` (on `port`, else a free one), waits for /healthz, then registers it with the proxy. */
  start: (name: string, port?: number) => Promise<PortalProcess>;
  stop: () => Promise<void>;
}

export function assertBuilt() {
  if (!existsSync(path.join(root, "build/index.js"))) throw new Error("build/index.js is missing: run `npx remix build` before the processes suite");
}

/** Everything around the portal processes; none started yet. */
export async function startStack(options: { settings?: Record<string, string> } = {}): Promise<Stack> {
  assertBuilt();
  const [db, mail, receiver, proxy] = await Promise.all([startDatabase(), startMailCatcher(), startReceiver(), startProxy()]);
  const stripeWebhookSecret = `whsec_${randomBytes(16).toString("hex")}`;
  const stripeKey = "sk_test_processes";
  const stripe = await startStripeEmulator({
    port: 0,
    webhookUrl: `${proxy.url}/webhooks/stripe`,
    webhookSecret: stripeWebhookSecret,
    achSettleDelayMs: 0,
    // Stripe retries a delivery that failed (a process killed mid-request): quickly here.
    webhookRetryDelaysMs: [500, 1000, 2000, 4000, 8000],
  });
  const env: Record<string, string> = {
    NODE_ENV: "production",
    APP_URL: proxy.url,
    DATABASE_URL: db.url,
    SESSION_SECRET: randomBytes(24).toString("hex"),
    SMTP_URL: `smtp://127.0.0.1:${mail.port}`,
    MAIL_FROM: "Acme AR <ar@acme.example>",
    STRIPE_SECRET_KEY: stripeKey,
    STRIPE_WEBHOOK_SECRET: stripeWebhookSecret,
    STRIPE_API_BASE: stripe.url,
    REMINDER_SCHEDULE: "off",
    WEBHOOK_ALLOW_PRIVATE_URLS: "true",
    SEED_DEMO_DATA: "false",
    LOG_LEVEL: "warn",
    ...options.settings,
  };
  const processes: PortalProcess[] = [];
  return {
    db,
    mail,
    receiver,
    proxy,
    stripe,
    stripeWebhookSecret,
    stripeKey,
    env,
    processes,
    start: async (name, port) => {
      const p = startPortal(name, port ?? (await freePort()), env);
      processes.push(p);
      await untilHealthy(p);
      proxy.add(name, p.port);
      return p;
    },
    stop: async () => {
      for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
      await Promise.all(processes.map((p) => p.exited));
      await proxy.stop();
      await stripe.stop();
      await Promise.all([mail.stop(), receiver.stop()]);
      await db.stop();
    },
  };
}

/** An API key made as an operator makes one: `npm run cli -- api-key create` with the server's settings. */
export function createApiKey(env: Record<string, string>, scopes: string[]): string {
  const result = spawnSync(tsx, ["server/cli.ts", "api-key", "create", "--name", "processes test", "--scopes", scopes.join(",")], { cwd: root, env: { ...process.env, ...env, PORT: "1" }, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`api-key create failed: ${result.stderr}`);
  return result.stdout.trim();
}
