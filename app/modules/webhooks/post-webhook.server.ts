import http from "node:http";
import https from "node:https";

export const DELIVERY_TIMEOUT_MS = 10_000;
/** Response bodies are read and thrown away; past this size the connection is dropped instead. */
const MAX_RESPONSE_BYTES = 64 * 1024;

// node:http with keep-alive agents rather than fetch: fetch costs about 3x the CPU per request,
// which is what bounds the delivery rate. maxSockets is per endpoint host, above the batch's
// in-flight limit, so one endpoint's requests never queue behind the agent.
const agentOptions = { keepAlive: true, maxSockets: 64, scheduling: "lifo" as const };
const agents = { "http:": new http.Agent(agentOptions), "https:": new https.Agent(agentOptions) };

export type PostResult = { statusCode: number | null; retryAfter: string | null; error: string | null };

/**
 * POSTs one webhook and reports the status, or why there is none. Never throws. Redirects are
 * not followed (a 3xx is a failed attempt); the whole exchange is bounded by the timeout.
 */
export async function postWebhook(url: string, headers: Record<string, string>, body: string, options: { timeoutMs?: number } = {}): Promise<PostResult> {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const first = await postOnce(url, headers, body, timeoutMs);
  // A keep-alive connection the receiver closed while idle fails at once; Node's documented remedy
  // is to send again on a fresh connection. Consumers dedupe on webhook-id anyway.
  const { statusCode, retryAfter, error } = first.staleSocket ? await postOnce(url, headers, body, timeoutMs) : first;
  return { statusCode, retryAfter, error };
}

function postOnce(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PostResult & { staleSocket?: boolean }> {
  return new Promise((resolve) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      resolve({ statusCode: null, retryAfter: null, error: "Request failed: invalid URL" });
      return;
    }
    const agent = parsed.protocol === "https:" ? agents["https:"] : parsed.protocol === "http:" ? agents["http:"] : null;
    if (!agent) {
      resolve({ statusCode: null, retryAfter: null, error: `Request failed: unsupported protocol ${parsed.protocol}` });
      return;
    }
    const request = agent === agents["https:"] ? https.request : http.request;
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
      const staleSocket = req.reusedSocket && e.code === "ECONNRESET";
      finish({ statusCode: null, retryAfter: null, error: e.code ? `Connection error: ${e.code}` : `Request failed: ${e.message}`.slice(0, 300), staleSocket });
    });
    req.end(body);
  });
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}
