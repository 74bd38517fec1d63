import { randomBytes } from "node:crypto";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";

/** What every Remix loader and action receives as `context`. */
declare module "@remix-run/node" {
  /** What every Remix loader and action receives as `context`. */
  interface AppLoadContext {
    cspNonce: string;
    requestId: string;
    /** The client's address (honours TRUST_PROXY), for rate limits and audit rows. */
    clientIp: string | null;
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

/** One structured line per request. Only the path: query strings may carry sign-in tokens. */
export function accessLog(req: Request, res: Response, next: NextFunction) {
  const start = process.hrtime.bigint();
  res.on("finish", () => {
    if (req.path.startsWith("/build/") || req.path === "/healthz") return;
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    console.log(
      JSON.stringify({ level: "info", msg: "request", requestId: res.locals.requestId, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }),
    );
  });
  next();
}

/** CSP with a per-request nonce, and the rest of SECURITY.md's headers. */
export function securityHeaders(options: { production: boolean; devSocketPort?: number; formTargets?: string[] }) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    const connect = options.devSocketPort ? `'self' ws://localhost:${options.devSocketPort}` : "'self'";
    res.setHeader(
      "Content-Security-Policy",
      [
        "default-src 'self'",
        `script-src 'nonce-${nonce}' 'strict-dynamic'`,
        "style-src 'self'",
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
// Machine-to-machine endpoints authenticate by signature or bearer key, not by cookie.
const CSRF_EXEMPT = [/^\/api\//, /^\/webhooks\//];

/**
 * CSRF defence for every cookie-authenticated POST: the browser's Origin (or Sec-Fetch-Site)
 * must say the request came from the portal itself.
 */
export function csrfGuard(appUrl: string) {
  const appOrigin = new URL(appUrl).origin;
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method) || CSRF_EXEMPT.some((re) => re.test(req.path))) return next();
    const origin = req.get("origin");
    const site = req.get("sec-fetch-site");
    const crossOrigin = origin ? origin !== appOrigin : site !== undefined && site !== "same-origin" && site !== "none";
    if (crossOrigin) {
      res.status(403).type("text/plain").send("This form was sent from another site, so it was refused. Go back to the portal and try again.");
      return;
    }
    next();
  };
}

export function baseApp(): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(compression());
  return app;
}
