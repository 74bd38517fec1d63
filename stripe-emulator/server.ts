/**
 * HTTP front door: authentication, routing, idempotency, expand and error rendering for `/v1`;
 * the hosted pages; and the `/_emulator` control endpoints tests and developers use.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { API_VERSION, type ApiCall, type CoreOptions, Emulator, type RequestContext, type Route } from "./context";
import { authenticatePage, checkoutPage, microdepositPage, type PageResult, receiptPage } from "./checkout-page";
import { chargeRoutes } from "./resources/charges";
import { checkoutSessionRoutes, expireIfDue, sessionLineItems } from "./resources/checkout-sessions";
import { customerRoutes } from "./resources/customers";
import { decideDispute, disputeRoutes, openDispute } from "./resources/disputes";
import { eventRoutes } from "./resources/events";
import { mandateRoutes } from "./resources/mandates";
import { microdepositRoutes, timeoutMicrodeposits } from "./resources/microdeposits";
import { paymentIntentRoutes, settlePaymentIntent } from "./resources/payment-intents";
import { paymentMethodRoutes } from "./resources/payment-methods";
import { refundRoutes, settleRefund } from "./resources/refunds";
import { setupIntentRoutes } from "./resources/setup-intents";
import { ApiError, applyExpand, expandPaths, idOf, invalid, newId, Params, parseBody, parseForm, stableStringify } from "./wire";

const ROUTES: Route[] = [
  ...customerRoutes,
  ...paymentMethodRoutes,
  ...paymentIntentRoutes,
  ...microdepositRoutes,
  ...setupIntentRoutes,
  ...checkoutSessionRoutes,
  ...mandateRoutes,
  ...refundRoutes,
  ...chargeRoutes,
  ...disputeRoutes,
  ...eventRoutes,
];

const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_BODY_BYTES = 1024 * 1024;

/** A problem to inject into the next matching API requests (control endpoint `faults`). */
interface Fault {
  method?: string;
  path: string;
  remaining: number;
  /** Answer with this status before doing anything (429 → rate limit, ≥500 → api_error). */
  status?: number;
  /** Wait this long before executing (with the idempotency key marked in flight). */
  delayMs?: number;
  /** Close the connection without an answer, before or after executing the request. */
  drop?: "before" | "after";
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === "string" ? body : JSON.stringify(body, null, 2);
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-cache, no-store", ...headers });
  res.end(text);
}

function errorBody(error: ApiError, requestId: string): { error: ApiError["raw"] } {
  return { error: { ...error.raw, request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}` } };
}

/** `Bearer sk_test_…` or Basic `sk_test_…:`; Stripe answers a bad key with a 401 invalid_request_error. */
function authenticate(header: string | undefined): ApiError | undefined {
  const unauthorized = (message: string) => new ApiError(401, { type: "invalid_request_error", message });
  if (!header) {
    return unauthorized(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  let key = "";
  const [scheme, value = ""] = header.split(/\s+/, 2);
  if (scheme?.toLowerCase() === "bearer") key = value;
  else if (scheme?.toLowerCase() === "basic") key = Buffer.from(value, "base64").toString("utf8").split(":")[0] ?? "";
  if (/^(sk|rk)_test_\w+$/.test(key)) return undefined;
  const shown = key.length > 8 ? `${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : key;
  if (/^(sk|rk)_live_/.test(key)) return unauthorized(`The Stripe emulator only accepts test mode keys (sk_test_…), not ${shown}.`);
  return unauthorized(`Invalid API Key provided: ${shown}`);
}

export function createEmulatorServer(options: CoreOptions): { server: Server; emulator: Emulator } {
  const em = new Emulator(options);
  em.onJob("settle_payment", (e, job) => settlePaymentIntent(e, job.id));
  em.onJob("settle_refund", (e, job) => settleRefund(e, job.id));
  em.onJob("dispute", (e, job) => openDispute(e, job.id));
  em.onJob("microdeposit_timeout", (e, job) => timeoutMicrodeposits(e, job.id));
  em.onJob("expire_session", (e, job) => {
    const session = e.state.checkoutSessions[job.id];
    if (session) expireIfDue(e, session);
  });
  em.arm();
  em.webhooks.restore();

  let faults: Fault[] = [];

  /** Fields absent unless expanded. */
  const expandSources = {
    resolve: (id: string) => em.store.resolve(id),
    include: (object: Record<string, unknown>, field: string): unknown => {
      if (object.object === "checkout.session" && field === "line_items") {
        const session = em.state.checkoutSessions[String(object.id)];
        const data = session ? sessionLineItems(em, session) : [];
        return { object: "list", data, has_more: false, url: `/v1/checkout/sessions/${String(object.id)}/line_items` };
      }
      if (object.object === "charge" && field === "refunds") {
        const data = em.store.newestFirst("refunds").filter((r) => r.charge === object.id);
        return { object: "list", data, has_more: false, url: `/v1/charges/${String(object.id)}/refunds` };
      }
      return undefined;
    },
  };

  function takeFault(method: string, path: string): Fault | undefined {
    const fault = faults.find((f) => (!f.method || f.method === method) && path.startsWith(f.path));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) faults = faults.filter((f) => f !== fault);
    return fault;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> {
    const method = req.method ?? "GET";
    const path = url.pathname.replace(/\/+$/, "");
    const baseHeaders = { "Request-Id": requestId, "Stripe-Version": String(req.headers["stripe-version"] ?? API_VERSION) };
    const fail = (error: ApiError) => sendJson(res, error.status, errorBody(error, requestId), baseHeaders);

    const authError = authenticate(req.headers.authorization);
    if (authError) return fail(authError);

    let data: Record<string, unknown>;
    try {
      const body = await readBody(req);
      data = { ...parseForm(url.search.slice(1)), ...parseBody(body, req.headers["content-type"]) };
    } catch {
      return fail(invalid("Invalid request body: could not be parsed."));
    }

    const matching = ROUTES.filter((r) => r.path.test(path));
    const route = matching.find((r) => r.method === method);
    if (!route) {
      return fail(
        new ApiError(404, {
          type: "invalid_request_error",
          message: `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
        }),
      );
    }

    const fault = takeFault(method, path);
    if (fault?.drop === "before") {
      res.destroy();
      return;
    }
    if (fault?.status) {
      const status = fault.status;
      const raw: ApiError["raw"] =
        status === 429
          ? { type: "invalid_request_error", code: "rate_limit", message: "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests." }
          : { type: "api_error", message: "An unknown error occurred (injected by the emulator's faults control)." };
      return fail(new ApiError(status, raw));
    }

    const key = method === "POST" ? (req.headers["idempotency-key"] as string | undefined) : undefined;
    const records = em.state.idempotency;
    const fingerprint = stableStringify(data);
    if (key) {
      if (key.length > 255) return fail(invalid("Idempotency-Key must be at most 255 characters long.", "Idempotency-Key"));
      for (const [k, r] of Object.entries(records)) if (Date.now() - r.createdAt > IDEMPOTENCY_TTL_MS) delete records[k];
      const record = records[key];
      if (record) {
        if (!record.response) {
          return fail(
            new ApiError(409, {
              type: "idempotency_error",
              code: "idempotency_key_in_use",
              message: `There is currently another in-progress request using this Idempotency-Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
            }),
          );
        }
        if (record.method !== method || record.path !== path) {
          return fail(
            new ApiError(400, {
              type: "idempotency_error",
              message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${record.method} ${record.path}' vs '${method} ${path}'). Try using a key other than '${key}' if you meant to execute a different request.`,
            }),
          );
        }
        if (record.fingerprint !== fingerprint) {
          return fail(
            new ApiError(400, {
              type: "idempotency_error",
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            }),
          );
        }
        sendJson(res, record.response.status, record.response.body, { ...baseHeaders, "Idempotent-Replayed": "true", "Original-Request": record.requestId, "Idempotency-Key": key });
        return;
      }
      records[key] = { method, path, fingerprint, createdAt: Date.now(), requestId };
    }

    let status = 200;
    let body: string;
    let snapshot: typeof em.state | undefined;
    try {
      if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      const params = new Params(data);
      const expand = expandPaths(params);
      const ids = route.path.exec(path)!.slice(1).map(decodeURIComponent);
      const context: RequestContext = {
        requestId,
        idempotencyKey: key ?? null,
        ip: req.socket.remoteAddress ?? null,
        userAgent: (req.headers["user-agent"] as string | undefined) ?? null,
      };
      const call: ApiCall = { params, ids, req: context };
      // A refused write leaves no trace (Stripe validates before it acts): keep a copy to roll back to.
      snapshot = method === "GET" ? undefined : em.store.checkpoint();
      const result = route.handle(em, call);
      body = JSON.stringify(applyExpand(result, expand, expandSources), null, 2);
      em.store.changed();
    } catch (error) {
      const apiError = error instanceof ApiError ? error : undefined;
      // A decline (402) is a completed attempt with its PaymentIntent, charge and events; anything else is undone.
      if (snapshot && apiError?.status !== 402 && !apiError?.committed) {
        em.store.restore(snapshot);
        em.arm();
        em.store.changed();
      }
      if (!apiError) options.log(`internal error on ${method} ${path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      const answer = apiError ?? new ApiError(500, { type: "api_error", message: "An unknown error occurred in the Stripe emulator." });
      status = answer.status;
      body = JSON.stringify(errorBody(answer, requestId), null, 2);
    }

    if (key) {
      // Like Stripe: only requests that began executing are saved; refused ones can be retried.
      const executed = status < 400 || status === 402 || status >= 500;
      const saved = em.state.idempotency;
      if (executed) saved[key] = { method, path, fingerprint, createdAt: Date.now(), requestId, response: { status, body } };
      else delete saved[key];
      em.store.changed();
    }
    options.log(`${method} ${path} → ${status}${key ? ` (key ${key})` : ""}`);
    if (fault?.drop === "after") {
      res.destroy();
      return;
    }
    // A saved 5xx would only be replayed: tell the SDK not to retry it.
    const noRetry: Record<string, string> = key && status >= 500 ? { "Stripe-Should-Retry": "false" } : {};
    sendJson(res, status, body, { ...baseHeaders, ...noRetry, ...(key ? { "Idempotency-Key": key } : {}) });
  }

  function sendPage(res: ServerResponse, page: PageResult): void {
    const formAction = ["'self'", ...new Set(page.formTargets ?? [])].join(" ");
    const headers: Record<string, string> = {
      "Content-Security-Policy": `default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
      "Cache-Control": "no-store",
    };
    if (page.location) {
      res.writeHead(303, { ...headers, Location: page.location });
      res.end();
      return;
    }
    res.writeHead(page.status, { ...headers, "Content-Type": "text/html; charset=utf-8" });
    res.end(page.html ?? "");
  }

  async function handlePage(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<boolean> {
    const method = req.method ?? "GET";
    const match = /^\/(checkout|authenticate|receipts|microdeposit)\/([^/]+)\/?$/.exec(url.pathname);
    if (!match || (method !== "GET" && method !== "POST") || (match[1] === "receipts" && method !== "GET")) return false;
    const form = method === "POST" ? Object.fromEntries(new URLSearchParams(await readBody(req))) : {};
    const context: RequestContext = {
      requestId,
      idempotencyKey: null,
      ip: req.socket.remoteAddress ?? null,
      userAgent: (req.headers["user-agent"] as string | undefined) ?? null,
    };
    const id = decodeURIComponent(match[2]!);
    const page =
      match[1] === "checkout"
        ? checkoutPage(em, id, method, form, context)
        : match[1] === "authenticate"
          ? authenticatePage(em, id, method, form, context)
          : match[1] === "microdeposit"
            ? microdepositPage(em, id, method, form, context)
            : receiptPage(em, id);
    em.store.changed();
    sendPage(res, page);
    return true;
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? "GET";
    const path = url.pathname.replace(/\/+$/, "");
    const body = method === "POST" || method === "DELETE" ? parseBody(await readBody(req), req.headers["content-type"]) : {};
    const data = { ...Object.fromEntries(url.searchParams), ...body };
    const text = (name: string) => (typeof data[name] === "string" && data[name] !== "" ? (data[name] as string) : undefined);

    if (path === "/_emulator/health" && method === "GET") {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("ok");
      return;
    }
    if (path === "/_emulator/settle" && method === "POST") {
      const only = text("payment_intent");
      const onlyRefund = text("refund");
      if (only && !em.state.paymentIntents[only]) return sendJson(res, 404, { error: { message: `No such payment_intent: '${only}'` } });
      const intents = only ? [only] : onlyRefund ? [] : Object.values(em.state.paymentIntents).filter((pi) => pi.status === "processing").map((pi) => pi.id);
      const settledIntents = intents.map((id) => ({ id, status: settlePaymentIntent(em, id) ?? em.state.paymentIntents[id]!.status }));
      // Pending refunds, and refunds whose later failure is scheduled (the refund-failure test card).
      const due = (r: { id: string; status: string | null }) => r.status === "pending" || em.state.jobs.some((j) => j.kind === "settle_refund" && j.id === r.id);
      const refunds = Object.values(em.state.refunds).filter((r) => due(r) && (onlyRefund ? r.id === onlyRefund : !only || idOf(r.payment_intent) === only));
      const settledRefunds = refunds.map((r) => ({ id: r.id, status: settleRefund(em, r.id)?.status ?? r.status }));
      const charges = new Set(Object.values(em.state.charges).filter((c) => !only || idOf(c.payment_intent) === only).map((c) => c.id));
      const disputeJobs = em.runJobs((j) => j.kind === "dispute" && charges.has(j.id));
      const disputes = disputeJobs.map((j) => Object.values(em.state.disputes).find((d) => d.charge === j.id)).filter((d) => d !== undefined);
      return sendJson(res, 200, {
        payment_intents: settledIntents,
        refunds: settledRefunds,
        disputes: disputes.map((d) => ({ id: d.id, charge: d.charge, status: d.status })),
      });
    }
    // Microdeposits: close the 10-day window now (no clock control: this stands in for waiting).
    if (path === "/_emulator/microdeposits/timeout" && method === "POST") {
      const only = text("intent");
      const open = Object.keys(em.state.secrets.microdeposits ?? {}).filter((id) => !only || id === only);
      if (only && open.length === 0) return sendJson(res, 404, { error: { message: `No intent awaiting microdeposits: '${only}'` } });
      const timedOut = open.filter((id) => timeoutMicrodeposits(em, id));
      em.cancelJobs((j) => j.kind === "microdeposit_timeout" && timedOut.includes(j.id));
      return sendJson(res, 200, { timed_out: timedOut });
    }
    // Disputes: open one now on a charge (a card chargeback, or an ACH unauthorized return), or decide one.
    if (path === "/_emulator/disputes" && method === "POST") {
      const piId = text("payment_intent");
      const chargeId = text("charge") ?? (piId ? idOf(em.state.paymentIntents[piId]?.latest_charge) : undefined);
      const charge = chargeId ? em.state.charges[chargeId] : undefined;
      if (!charge) return sendJson(res, 404, { error: { message: `No such charge: '${chargeId ?? piId ?? ""}' (pass charge=ch_…/py_… or payment_intent=pi_…)` } });
      if (charge.status !== "succeeded") return sendJson(res, 400, { error: { message: `Charge ${charge.id} has not succeeded (status ${charge.status}); only a paid charge can be disputed.` } });
      if (charge.disputed) return sendJson(res, 400, { error: { message: `Charge ${charge.id} is already disputed.` } });
      const amount = text("amount") !== undefined ? Number(text("amount")) : undefined;
      if (amount !== undefined && !Number.isSafeInteger(amount)) return sendJson(res, 400, { error: { message: "amount must be an integer in minor units" } });
      try {
        em.cancelJobs((j) => j.kind === "dispute" && j.id === charge.id);
        const dispute = openDispute(em, charge.id, { amount, reason: text("reason") });
        return sendJson(res, 200, dispute);
      } catch (error) {
        if (error instanceof ApiError) return sendJson(res, 400, { error: { message: error.message } });
        throw error;
      }
    }
    const decision = /^\/_emulator\/disputes\/([^/]+)\/(won|lost)$/.exec(path);
    if (decision && method === "POST") {
      const dispute = em.state.disputes[decodeURIComponent(decision[1]!)];
      if (!dispute) return sendJson(res, 404, { error: { message: `No such dispute: '${decision[1]}'` } });
      try {
        return sendJson(res, 200, decideDispute(em, dispute, decision[2] as "won" | "lost"));
      } catch (error) {
        if (error instanceof ApiError) return sendJson(res, 400, { error: { message: error.message } });
        throw error;
      }
    }
    if (path === "/_emulator/webhooks/pause" && method === "POST") {
      em.webhooks.pause();
      return sendJson(res, 200, { paused: true });
    }
    if (path === "/_emulator/webhooks/resume" && method === "POST") {
      const resumed = em.webhooks.resume();
      return sendJson(res, 200, { paused: false, resumed });
    }
    if (path === "/_emulator/webhooks/drop" && method === "POST") {
      const dropped = em.webhooks.drop();
      return sendJson(res, 200, { paused: em.webhooks.isPaused, dropped });
    }
    if (path === "/_emulator/deliveries" && method === "GET") {
      return sendJson(res, 200, {
        paused: em.webhooks.isPaused,
        data: em.webhooks.list().map((d) => ({
          event: d.event,
          type: d.type,
          state: d.state,
          attempts: d.attempts,
          duplicates: d.duplicates ?? 0,
          last_status: d.lastStatus,
          last_error: d.lastError,
          next_attempt_at: d.nextAttemptAt,
          delivered_at: d.deliveredAt,
        })),
      });
    }
    if (path === "/_emulator/reset" && method === "POST") {
      em.store.reset();
      em.cancelJobs(() => true);
      faults = [];
      return sendJson(res, 200, { reset: true });
    }
    if (path === "/_emulator/faults" && method === "GET") return sendJson(res, 200, { data: faults });
    if (path === "/_emulator/faults" && method === "DELETE") {
      faults = [];
      return sendJson(res, 200, { data: faults });
    }
    if (path === "/_emulator/faults" && method === "POST") {
      const status = text("status") ? Number(text("status")) : undefined;
      const drop = text("drop");
      const fault: Fault = {
        method: text("method")?.toUpperCase(),
        path: text("path") ?? "/v1/",
        remaining: Number(text("count") ?? 1),
        ...(status ? { status } : {}),
        ...(text("delay_ms") ? { delayMs: Number(text("delay_ms")) } : {}),
        ...(drop === "before" || drop === "after" ? { drop } : {}),
      };
      if ((status !== undefined && !(status >= 400 && status <= 599)) || !Number.isFinite(fault.remaining) || fault.remaining < 1) {
        return sendJson(res, 400, { error: { message: "status must be 400-599 and count ≥ 1" } });
      }
      faults.push(fault);
      return sendJson(res, 200, { data: faults });
    }
    return sendJson(res, 404, { error: { message: `Unknown control endpoint ${method} ${path}` } });
  }

  const server = createServer((req, res) => {
    const requestId = newId("req_");
    const url = new URL(req.url ?? "/", "http://emulator");
    res.setHeader("Request-Id", requestId);
    const handle = async () => {
      if (url.pathname.startsWith("/v1/")) return handleApi(req, res, url, requestId);
      if (url.pathname.startsWith("/_emulator/")) return handleControl(req, res, url);
      if (await handlePage(req, res, url, requestId)) return;
      sendJson(res, 404, { error: { type: "invalid_request_error", message: `Unrecognized request URL (${req.method ?? "GET"}: ${url.pathname}).` } });
    };
    handle().catch((error: unknown) => {
      options.log(`unhandled error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { error: { type: "api_error", message: "An unknown error occurred in the Stripe emulator." } });
      else res.destroy();
    });
  });
  return { server, emulator: em };
}
