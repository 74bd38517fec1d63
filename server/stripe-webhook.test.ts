import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "~/utils/log.server";
import { stripeWebhookRoute } from "./stripe-webhook";

// What the route handed to the domain function, and what that answers.
let received: Array<{ body: Buffer; signature: string | null }> = [];
let reply: () => Promise<{ status: number; body: string }>;
let server: Server;
let base: string;
// The lines the route logged.
let logged: Array<Record<string, unknown>> = [];
const logger = createLogger({ level: "info", destination: new Writable({ write: (line, _e, done) => done(void logged.push(JSON.parse(String(line)))) }) });

beforeAll(async () => {
  const route = stripeWebhookRoute(() => ({
    receive: async (body, signature) => {
      received.push({ body, signature });
      return reply();
    },
    logger: () => logger,
  }));
  server = createServer((req, res) => route(req, res) || res.writeHead(404).end("the rest of the app"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  received = [];
  logged = [];
  reply = async () => ({ status: 200, body: "ok" });
});

describe("the Stripe webhook route", () => {
  it("hands the exact bytes and the signature over, and answers what it is told", async () => {
    // Not valid UTF-8: decoding and re-encoding would change it, and the signature with it.
    const bytes = Buffer.concat([Buffer.from('{"id":"evt_1","x":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
    const res = await fetch(`${base}/webhooks/stripe`, { method: "POST", headers: { "stripe-signature": "t=1,v1=abc", "content-type": "application/json" }, body: bytes });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
    expect(received).toHaveLength(1);
    expect(received[0]!.body.equals(bytes)).toBe(true);
    expect(received[0]!.signature).toBe("t=1,v1=abc");

    reply = async () => ({ status: 400, body: "invalid signature" });
    const refused = await fetch(`${base}/webhooks/stripe?attempt=2`, { method: "POST", body: "{}" });
    expect(refused.status).toBe(400);
    expect(received[1]!.signature).toBeNull();
    expect(logged).toEqual([expect.objectContaining({ level: "warn", msg: "stripe webhook refused", status: 400, path: "/webhooks/stripe" })]);
  });

  it("answers 405 to anything but POST, without calling the domain", async () => {
    const res = await fetch(`${base}/webhooks/stripe`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect(received).toHaveLength(0);
  });

  it("answers 5xx when the event could not be recorded, so Stripe delivers it again", async () => {
    reply = () => Promise.reject(new Error("database unavailable"));
    const res = await fetch(`${base}/webhooks/stripe`, { method: "POST", body: "{}" });
    expect(res.status).toBe(500);
    expect(logged).toEqual([expect.objectContaining({ level: "error", msg: "stripe webhook not recorded", error: "Error: database unavailable" })]);
  });

  it("refuses a body over 1 MB without buffering it for the domain", async () => {
    const res = await fetch(`${base}/webhooks/stripe`, { method: "POST", body: Buffer.alloc(1024 * 1024 + 1, 0x61) });
    expect(res.status).toBe(413);
    expect(received).toHaveLength(0);
  });

  it("refuses an announced oversize body at once, without waiting for it", async () => {
    const { status, sentBytes } = await sendUntilAnswered({ "Content-Length": String(100 * 1024 * 1024) });
    expect(status).toBe(413);
    expect(sentBytes).toBeLessThan(1024 * 1024);
    expect(received).toHaveLength(0);
  });

  it("stops reading a chunked body once it passes 1 MB", async () => {
    // Without a cut-off the server would read this 64 MB stream to its end before answering.
    const { status, sentBytes } = await sendUntilAnswered({});
    expect(status).toBe(413);
    expect(sentBytes).toBeLessThan(16 * 1024 * 1024);
    expect(received).toHaveLength(0);
  });

  it("leaves every other path to the rest of the app", async () => {
    for (const path of ["/webhooks/stripe-other", "/webhooks", "/invoices"]) {
      const res = await fetch(`${base}${path}`, { method: "POST", body: "{}" });
      expect(res.status).toBe(404);
    }
    expect(received).toHaveLength(0);
  });
});

/** Streams up to 64 MB to the webhook, 64 KB at a time, until the server answers; how much went out by then. */
function sendUntilAnswered(headers: Record<string, string>): Promise<{ status: number; sentBytes: number }> {
  return new Promise((resolve, reject) => {
    let sentBytes = 0;
    let answered = false;
    const req = httpRequest(`${base}/webhooks/stripe`, { method: "POST", headers, agent: false }, (res) => {
      answered = true;
      res.resume();
      resolve({ status: res.statusCode!, sentBytes });
      req.destroy();
    });
    req.on("error", (error) => (answered ? undefined : reject(error)));
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const next = () => {
      if (answered || req.destroyed) return;
      if (sentBytes >= 64 * 1024 * 1024) return void req.end();
      sentBytes += chunk.length;
      req.write(chunk, () => setImmediate(next));
    };
    next();
  });
}
