import { randomBytes } from "node:crypto";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import { discardUnreadBody } from "./discard-body";
import type { Logger } from "../app/utils/log.server";

/** What every Remix loader and action receives as `context`. */
declare module "@remix-run/node" {
  /** What every Remix loader and action receives as `context`. */
  interface AppLoadContext {
    cspNonce: string;
    requestId: string;
    /** The client's address (honours TRUST_PROXY), for rate limits and audit rows. */
    clientIp: string | null;
    /** Set by `handleError` when a failure was the database being unreachable: the edge answers 503. */
    databaseUnavailable: boolean;
    /** The route that answered, for the request-latency metric (app/modules/ops/http-metrics.server.ts). */
    routeId?: string;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,100}$/;

/** Request id from a trusted proxy or a fresh one; echoed back and carried into logs. */
export function requestId(req: Request, res: Response, next: NextFunction) {
  const incoming = req.get("x-request-id");
  const id = incoming && REQUEST_ID.test(incoming) ? incoming : randomBytes(12).toString("base64url");
  res.locals.requestId = id;
  res.setHeader("X-Request-Id", id);
  next();
}

/**
 * One structured line per request, carrying the request id. A child logger with that id is
 * `res.locals.log`, for whatever else logs about this request; it is made on first use, since
 * most requests log nothing else. Only the path: query strings may carry sign-in tokens.
 * `logger` is asked on each request: a development rebuild brings a new one. When the level
 * leaves out info lines, nothing is timed or listened for.
 */
export function accessLog(logger: () => Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const base = logger();
    const requestId = res.locals.requestId as string;
    let child: Logger | undefined;
    Object.defineProperty(res.locals, "log", { get: () => (child ??= base.child({ requestId })), enumerable: true, configurable: true });
    // Assets and the probes and scrapes that arrive every few seconds: no line each.
    const path = req.path;
    if (!base.isLevelEnabled("info") || path.startsWith("/build/") || path === "/healthz" || path === "/readyz" || path === "/metrics") return next();
    const start = process.hrtime.bigint();
    res.once("finish", () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      base.info({ requestId, method: req.method, path: loggedPath(path), status: res.statusCode, ms: Math.round(ms * 10) / 10 }, "request");
    });
    next();
  };
}

// The last segment has an extension: "/favicon.svg", "/build/entry.client-X.js".
const FILE_LIKE_PATH = /\.[^/]*$/;

/**
 * The files under `root` (express.static), looked up only for a path that names a file: a page
 * address has no extension, and asking the disk for one on every page request cost a stat each.
 */
export function publicFiles(root: string, options: Parameters<typeof express.static>[1] = {}) {
  const serve = express.static(root, options);
  return (req: Request, res: Response, next: NextFunction) => (FILE_LIKE_PATH.test(req.path) ? serve(req, res, next) : next());
}

/** The path as logged: a pay link's MAC (a capability, like a sign-in token) is left out, its id kept. */
export const loggedPath = (path: string) => path.replace(/^\/pay-link\/([^/.]+)\.[^/]+/, "/pay-link/$1.[redacted]");

/** CSP with a per-request nonce, and the rest of SECURITY.md's headers. */
export function securityHeaders(options: { production: boolean; devSocketPort?: number; formTargets?: string[] }) {
  return (req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString("base64");
    // Development email previews are whole emails styled inline, as a mail client shows them.
    const emailPreview = !options.production && req.path.startsWith("/dev/emails/");
    res.locals.cspNonce = nonce;
    const connect = options.devSocketPort ? `'self' ws://localhost:${options.devSocketPort}` : "'self'";
    res.setHeader(
      "Content-Security-Policy",
      [
        "default-src 'self'",
        `script-src 'nonce-${nonce}' 'strict-dynamic'`,
        emailPreview ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        `connect-src ${connect}`,
        // A form that starts a payment redirects to Stripe's hosted checkout.
        ["form-action 'self'", ...(options.formTargets ?? [])].join(" "),
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
      ].join("; "),
    );
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "no-referrer");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
    if (options.production) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    next();
  };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The target in origin-form (`/path?query`), what Remix is given: an absolute-form target
 * (`POST http://host/path`, legal HTTP/1.1) is reduced to its path and query; null when the
 * target is not a URL at all (`*`).
 */
export function originForm(req: Request): string | null {
  const target = req.originalUrl;
  if (target.startsWith("/")) return target;
  try {
    const url = new URL(target);
    return url.pathname + url.search;
  } catch {
    return null;
  }
}

/**
 * The path routing will use: the target resolved as Remix resolves it (dot segments removed,
 * `\` read as `/`), or null when it is not a URL. Every edge rule keys on this, never on the
 * raw target, so no rule can see a different path than the router.
 */
export function routedPath(req: Request): string | null {
  const target = originForm(req);
  if (target === null) return null;
  try {
    return new URL(`http://portal.invalid${target}`).pathname;
  } catch {
    return null;
  }
}

// Machine-to-machine endpoints authenticate by signature or bearer key, not by cookie. Remix
// matches routes case-insensitively, so these do too.
const MACHINE_PATH = /^\/(api|webhooks)\//i;
const API_PATH = /^\/api\//i;

export const isMachinePath = (path: string) => MACHINE_PATH.test(path);
const isApiPath = (path: string) => API_PATH.test(path);

/**
 * A refusal from the edge, in the form the client reads: the API's JSON error shape under
 * /api/, plain text for pages and forms. Never cached.
 */
export function refuse(req: Request, res: Response, status: number, code: string, message: string, headers: Record<string, string> = {}) {
  const path = routedPath(req) ?? "";
  res.status(status);
  res.set({ "Cache-Control": "no-store", ...headers });
  if (isApiPath(path)) res.type("application/json").send(JSON.stringify({ error: { code, message } }));
  else res.type("text/plain").send(message);
}

// A literal or percent-encoded "." or ".." segment, or a backslash (URLs read it as "/").
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

/**
 * Refuses request targets whose raw path is not the path routing will see: dot segments
 * (`/webhooks/../logout` routes to `/logout`), backslashes, or a target that is not a URL.
 * Browsers normalise such paths before sending, so only hand-made requests carry them.
 */
export function pathGuard(req: Request, res: Response, next: NextFunction) {
  // An absolute-form target (`POST http://host/path`) was already normalised by routedPath.
  const raw = req.originalUrl.startsWith("/") ? req.originalUrl.split("?")[0]! : "";
  if (routedPath(req) === null || raw.includes("\\") || DOT_SEGMENT.test(raw)) {
    res.status(400).set("Cache-Control", "no-store").type("text/plain").send("This address is not valid: it contains \".\" or \"..\" path segments or a backslash.");
    return;
  }
  const problem = targetEncodingProblem(originForm(req) ?? "");
  if (problem) return refuse(req, res, 400, "invalid_request", `This address is not valid: ${problem}.`);
  next();
}

// U+0000 anywhere in the path or query, encoded or not: no id or filter of ours holds it, and
// PostgreSQL cannot store or compare it (a query carrying it fails with a 500).
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const NUL_IN_TARGET = /%00|\u0000/i;

/** Why a request target cannot be read (bad percent-encoding, NUL), or null when it is fine. */
export function targetEncodingProblem(target: string): string | null {
  if (NUL_IN_TARGET.test(target)) return "it contains a NUL character (%00)";
  // The query is read leniently (URLSearchParams keeps a stray "%" as is); the path is not.
  const path = target.split("?")[0]!;
  try {
    decodeURIComponent(path);
  } catch {
    return "it has a broken percent-encoding (such as % not followed by two hex digits)";
  }
  return null;
}


const PAGE_METHODS = ["GET", "HEAD", "POST"];
// The API answers 405 with its own JSON for a method a route does not take.
const API_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

/**
 * Pages take GET, HEAD and POST (every form posts); OPTIONS is answered here with what is
 * allowed; anything else (PUT on a page, TRACE, WebDAV verbs) is 405 before Remix, which would
 * otherwise fail on methods the Fetch API does not support.
 */
export function methodGuard(req: Request, res: Response, next: NextFunction) {
  const allowed = isApiPath(routedPath(req) ?? "") ? API_METHODS : PAGE_METHODS;
  if (allowed.includes(req.method)) return next();
  if (req.method === "OPTIONS") {
    res.status(204).set({ Allow: allowed.join(", "), "Cache-Control": "no-store" }).end();
    return;
  }
  refuse(req, res, 405, "method_not_allowed", `This address does not accept ${req.method} requests. Use ${allowed.join(", ")}.`, { Allow: allowed.join(", ") });
}

export interface BodyLimits {
  /** Forms and anything not listed: small. */
  form: number;
  /** /api/: sized for a 500-operation batch. */
  api: number;
  /** Routes with their own, larger limit (uploads), matched on the routed path. */
  routes: Array<{ path: RegExp; limit: number }>;
}

export function bodyLimitFor(limits: BodyLimits, path: string): number {
  const route = limits.routes.find((r) => r.path.test(path));
  if (route) return route.limit;
  return isApiPath(path) ? limits.api : limits.form;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const formatLimit = (bytes: number) => (bytes >= MiB ? `${Math.round((bytes / MiB) * 10) / 10} MB` : `${Math.round(bytes / KiB)} KB`);

/** The 413 answer. The rest of the body is never parsed: it is thrown away for a moment, then the socket closes. */
export function payloadTooLarge(req: Request, res: Response, limit: number) {
  const message = isApiPath(routedPath(req) ?? "")
    ? `The request body is larger than ${formatLimit(limit)}. Send fewer operations per request.`
    : `What you sent is larger than ${formatLimit(limit)}, so it was refused. Shorten it and try again.`;
  discardUnreadBody(req, res);
  refuse(req, res, 413, "payload_too_large", message);
}

/**
 * Caps every request body before it is read: a Content-Length over the limit is refused at
 * once. A body without one (chunked) is counted as it streams by the Remix handler, which
 * reads `res.locals.bodyLimit`.
 */
export function bodyLimit(limits: BodyLimits) {
  return (req: Request, res: Response, next: NextFunction) => {
    const limit = bodyLimitFor(limits, routedPath(req) ?? "");
    res.locals.bodyLimit = limit;
    const length = Number(req.get("content-length"));
    if (length > limit) return payloadTooLarge(req, res, limit);
    next();
  };
}

/**
 * CSRF defence for every cookie-authenticated POST: the browser's Origin (or Sec-Fetch-Site)
 * must say the request came from the portal itself. APP_URL is the public origin; the Host
 * header (a proxy may rewrite it) plays no part.
 */
export function csrfGuard(appUrl: string) {
  const appOrigin = new URL(appUrl).origin;
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method) || isMachinePath(routedPath(req) ?? "")) return next();
    const origin = req.get("origin");
    const site = req.get("sec-fetch-site");
    // A form posted without JavaScript under our `Referrer-Policy: no-referrer` carries
    // `Origin: null` (Fetch spec): then only Sec-Fetch-Site can say it came from the portal.
    const crossOrigin =
      origin && origin !== "null" ? origin !== appOrigin : origin === "null" ? site !== "same-origin" : site !== undefined && site !== "same-origin" && site !== "none";
    if (crossOrigin) {
      res.status(403).set("Cache-Control", "no-store").type("text/plain").send("This form was sent from another site, so it was refused. Go back to the portal and try again.");
      return;
    }
    next();
  };
}

export function baseApp(): express.Express {
  const app = express();
  app.disable("x-powered-by");
  // gzip level 1, not the default 6: the invoice list's 68 KB of HTML is 7.3 KB for 0.12 ms of
  // CPU instead of 6.4 KB for 0.37 ms (ADR 0052-gzip-level). PDFs and images are not compressed.
  app.use(compression({ level: 1 }));
  return app;
}
