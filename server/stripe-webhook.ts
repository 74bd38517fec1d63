import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../app/utils/log.server";
import { discardUnreadBody } from "./discard-body";

export const STRIPE_WEBHOOK_PATH = "/webhooks/stripe";
// Stripe's events are a few kilobytes; this only bounds what a stranger can make us buffer.
const MAX_BODY_BYTES = 1024 * 1024;

type Receive = (rawBody: Buffer, signature: string | null) => Promise<{ status: number; body: string }>;
interface Intake {
  receive: Receive;
  logger: () => Logger;
}

/**
 * Stripe → portal on plain node:http, in front of Express: a machine endpoint needs none of the
 * page middleware (compression, request ids, CSP, CSRF, sessions, Remix), and skipping Express
 * halves the CPU each delivery costs (measured). The exact bytes received reach the signature
 * check. Returns false for any other path, which the caller hands to Express. `intake` is asked on
 * each delivery: a development rebuild brings a new one.
 */
export function stripeWebhookRoute(intake: () => Intake) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? "";
    const query = url.indexOf("?");
    if ((query === -1 ? url : url.slice(0, query)) !== STRIPE_WEBHOOK_PATH) return false;
    if (req.method !== "POST") {
      answer(res, 405, "Method not allowed", { Allow: "POST" });
      return true;
    }
    // An announced oversize body is refused before any of it is read.
    if (Number(req.headers["content-length"]) > MAX_BODY_BYTES) {
      tooLarge(req, res);
      return true;
    }
    void handle(req, res, intake());
    return true;
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, { receive, logger }: Intake) {
  // Only refusals and failures are logged: no child logger made for each delivery.
  const log = (level: "warn" | "error", fields: Record<string, unknown>, msg: string) => logger()[level]({ method: "POST", path: STRIPE_WEBHOOK_PATH, ...fields }, msg);
  try {
    const body = await readBody(req);
    if (!body) return tooLarge(req, res);
    const signature = req.headers["stripe-signature"];
    const result = await receive(body, typeof signature === "string" ? signature : null);
    if (result.status >= 400) log("warn", { status: result.status }, "stripe webhook refused");
    answer(res, result.status, result.body);
  } catch (error) {
    // Not recorded: a 5xx makes Stripe deliver it again.
    log("error", { error: String(error) }, "stripe webhook not recorded");
    if (!res.headersSent) answer(res, 500, "Not recorded");
  }
}

/**
 * The whole body, or null as soon as it grows past the size limit: reading stops there (what
 * follows is only thrown away, for a bounded moment), so a stranger cannot make us read an
 * endless stream.
 */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      req.off("data", onData);
      req.pause();
      resolve(null);
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks, size)));
    req.on("error", reject);
  });
}

function tooLarge(req: IncomingMessage, res: ServerResponse) {
  discardUnreadBody(req, res);
  answer(res, 413, `Payload too large: a Stripe event is at most ${MAX_BODY_BYTES / 1024 / 1024} MB`);
}

function answer(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": String(Buffer.byteLength(body)), "X-Content-Type-Options": "nosniff", ...headers }).end(body);
}
