import http from "node:http";
import https from "node:https";
import { privateWebhookUrlsAllowed } from "~/env.server";
import { PrivateAddressError, publicOnlyLookup, refusedAddress } from "./destination.server";
import { log } from "~/utils/log.server";

export const DELIVERY_TIMEOUT_MS = 10_000;
/** Response bodies are read and thrown away; past this size the connection is dropped instead. */
const MAX_RESPONSE_BYTES = 64 * 1024;

// node:http with keep-alive agents rather than fetch: fetch costs about 3x the CPU per request,
// which is what bounds the delivery rate. maxSockets is per endpoint host, above the batch's
// in-flight limit, so one endpoint's requests never queue behind the agent.
// The public-only agents resolve through publicOnlyLookup: a host that resolves to a private
// address is refused before any connection, and the socket connects to the checked address.
const agentOptions = { keepAlive: true, maxSockets: 64, scheduling: "lifo" as const };
const publicOnly = { "http:": new http.Agent({ ...agentOptions, lookup: publicOnlyLookup }), "https:": new https.Agent({ ...agentOptions, lookup: publicOnlyLookup }) };
const anyAddress = { "http:": new http.Agent(agentOptions), "https:": new https.Agent(agentOptions) };

export type PostResult = { statusCode: number | null; retryAfter: string | null; error: string | null };

/** What the delivery log says when a connection is refused or fails (the details go to the server log only). */
export const REFUSED_PRIVATE_ADDRESS = "Refused: private address";
export const REFUSED_PLAIN_HTTP = "Refused: http:// (only https is delivered)";
export const CONNECTION_FAILED = "Connection failed";

/**
 * POSTs one webhook and reports the status, or why there is none. Never throws. Redirects are
 * not followed (a 3xx is a failed attempt); the whole exchange is bounded by the timeout. Unless
 * private URLs are allowed, only https to public addresses is attempted.
 */
export async function postWebhook(url: string, headers: Record<string, string>, body: string, options: { timeoutMs?: number; allowPrivate?: boolean } = {}): Promise<PostResult> {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const allowPrivate = options.allowPrivate ?? privateWebhookUrlsAllowed();
  const first = await postOnce(url, headers, body, timeoutMs, allowPrivate);
  // A keep-alive connection the receiver closed while idle fails at once; Node's documented remedy
  // is to send again on a fresh connection. Consumers dedupe on webhook-id anyway.
  const { statusCode, retryAfter, error } = first.staleSocket ? await postOnce(url, headers, body, timeoutMs, allowPrivate) : first;
  return { statusCode, retryAfter, error };
}

function postOnce(url: string, headers: Record<string, string>, body: string, timeoutMs: number, allowPrivate: boolean): Promise<PostResult & { staleSocket?: boolean }> {
  return new Promise((resolve) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      resolve({ statusCode: null, retryAfter: null, error: "Request failed: invalid URL" });
      return;
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      resolve({ statusCode: null, retryAfter: null, error: `Request failed: unsupported protocol ${parsed.protocol}` });
      return;
    }
    if (!allowPrivate) {
      // An IP-literal host never goes through the agent's lookup: it is checked here.
      const privateLiteral = refusedAddress(parsed);
      if (parsed.protocol === "http:" || privateLiteral) {
        logConnectionProblem(parsed, privateLiteral?.message ?? "plain http refused");
        resolve({ statusCode: null, retryAfter: null, error: privateLiteral ? REFUSED_PRIVATE_ADDRESS : REFUSED_PLAIN_HTTP });
        return;
      }
    }
    const agent = (allowPrivate ? anyAddress : publicOnly)[parsed.protocol];
    const request = parsed.protocol === "https:" ? https.request : http.request;
    let settled = false;
    const finish = (result: PostResult & { staleSocket?: boolean }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    // The status counts once it has arrived, even if the body then stalls or breaks off.
    let answered: PostResult | null = null;
    const req = request(parsed, { method: "POST", agent, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      const statusCode = res.statusCode ?? null;
      const result = { statusCode, retryAfter: headerValue(res.headers["retry-after"]), error: statusCode !== null && statusCode >= 200 && statusCode < 300 ? null : `HTTP ${statusCode}` };
      answered = result;
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          res.destroy();
          finish(result);
        }
      });
      res.on("end", () => finish(result));
      res.on("error", () => finish(result));
      res.on("close", () => finish(result));
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish(answered ?? { statusCode: null, retryAfter: null, error: `Timed out after ${timeoutMs / 1000} s` });
    }, timeoutMs);
    req.on("error", (e: Error & { code?: string }) => {
      if (settled) return; // the timeout's own destroy, or an error after the answer
      const staleSocket = req.reusedSocket && e.code === "ECONNRESET";
      // Staff see only whether the address was refused or the connection failed: codes such as
      // ECONNREFUSED vs a TLS error would tell open ports from closed ones.
      const refused = e instanceof PrivateAddressError;
      if (!staleSocket) logConnectionProblem(parsed, refused ? e.message : `${e.code ?? "error"}: ${e.message}`);
      finish({ statusCode: null, retryAfter: null, error: refused ? REFUSED_PRIVATE_ADDRESS : CONNECTION_FAILED, staleSocket });
    });
    req.end(body);
  });
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

function logConnectionProblem(url: URL, detail: string): void {
  log("warn", "webhook connection failed", { host: url.host, detail: detail.slice(0, 300) });
}
