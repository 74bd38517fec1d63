import { Transform } from "node:stream";
import { createReadableStreamFromReadable, createRequestHandler, writeReadableStreamToWritable, type AppLoadContext, type ServerBuild } from "@remix-run/node";
import type { NextFunction, Request, Response } from "express";
import { discardUnreadBody } from "./discard-body";
import { isMachinePath, originForm, payloadTooLarge, refuse, routedPath } from "./http";

type LoadContext = Pick<AppLoadContext, "cspNonce" | "requestId" | "clientIp">;

/**
 * Express → Remix, in place of @remix-run/express's handler (which it follows otherwise), for
 * three rules that adapter cannot express:
 *
 * - The request URL is built from APP_URL, the public origin, never from Host or
 *   X-Forwarded-Host: behind a proxy that rewrites Host, Remix's own action check (Origin host
 *   must equal Host) failed every form with a 500. CSRF is decided by `csrfGuard` against
 *   APP_URL before this runs; Remix is handed APP_URL's host so its check agrees, and machine
 *   paths (/api/, /webhooks/; key or signature, no cookie) are handed no Origin at all.
 * - The body is counted as Remix reads it and cut at `res.locals.bodyLimit` (set by
 *   `bodyLimit`), so a chunked body without Content-Length cannot grow past the cap: 413.
 * - Every answer carries `Cache-Control: private, no-store` unless the route set its own
 *   (signed-in pages and their `_data` must never sit in a shared or disk cache), and a failure
 *   because the database is unreachable becomes a 503 with a message instead of a 500.
 */
export function remixHandler(options: { build: ServerBuild; appUrl: string; getLoadContext: (req: Request, res: Response) => LoadContext }) {
  const handle = createRequestHandler(options.build, options.build.mode);
  const publicUrl = new URL(options.appUrl);
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const target = originForm(req);
      const path = routedPath(req);
      if (target === null || path === null) return refuse(req, res, 400, "invalid_request", "This address is not valid.");
      const controller = new AbortController();
      let answered = false;
      res.on("finish", () => (answered = true));
      res.on("close", () => answered || controller.abort());

      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (Array.isArray(value)) for (const v of value) headers.append(name, v);
        else if (value !== undefined) headers.set(name, value);
      }
      headers.set("host", publicUrl.host);
      headers.delete("x-forwarded-host");
      // `Origin: null` (a form posted without JavaScript) was judged by csrfGuard from
      // Sec-Fetch-Site; Remix's own check cannot parse it, so it is not handed on.
      if (isMachinePath(path) || headers.get("origin") === "null") headers.delete("origin");
      const init: RequestInit & { duplex?: "half" } = { method: req.method, headers, signal: controller.signal };
      if (req.method !== "GET" && req.method !== "HEAD") {
        const limit = res.locals.bodyLimit as number;
        init.body = countedBody(req, limit, () => {
          if (!res.headersSent) payloadTooLarge(req, res, limit);
          controller.abort();
        });
        init.duplex = "half";
      }
      const request = new Request(`${publicUrl.origin}${target}`, init);
      const context: AppLoadContext = { ...options.getLoadContext(req, res), databaseUnavailable: false };
      const response = await handle(request, context);
      // The metric's route label (app/modules/ops/http-metrics.server.ts): named by the route's
      // loader or action or by handleRequest; else a manifest request or an unknown `?_data` id.
      res.locals.route = context.routeId ?? (path === "/__manifest" ? "remix_manifest" : "unmatched");

      // Already answered (413 while reading the body): drop what Remix made of the cut body.
      if (res.headersSent) return void (await response.body?.cancel());
      // A body the route never read to its end (a 401 or 404 before reading) would sit unread
      // in a kept-alive connection and stall the client's next request on it.
      if (init.body) discardUnreadBody(req, res);
      if (response.status >= 500 && context.databaseUnavailable) {
        await response.body?.cancel();
        return serviceUnavailable(req, res);
      }
      if (!response.headers.has("cache-control")) res.setHeader("Cache-Control", "private, no-store");
      res.statusMessage = response.statusText;
      res.status(response.status);
      for (const [name, value] of response.headers.entries()) res.append(name, value);
      if (response.body) await writeReadableStreamToWritable(response.body, res);
      else res.end();
    } catch (error) {
      next(error);
    }
  };
}

/** The request body as a web stream that errors, and calls `onOver` once, past `limit` bytes. */
function countedBody(req: Request, limit: number, onOver: () => void): ReadableStream<Uint8Array> {
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received <= limit) return done(null, chunk);
      req.unpipe(counter);
      onOver();
      done(new Error(`request body over ${limit} bytes`));
    },
  });
  req.pipe(counter);
  return createReadableStreamFromReadable(counter);
}

/** 503 in the client's format; Remix's `_data` fetches get a thrown-Response body, which the root ErrorBoundary shows. */
function serviceUnavailable(req: Request, res: Response) {
  const message = "The portal cannot reach its database at the moment. Please try again in a minute.";
  if ("_data" in req.query) {
    res.status(503).set({ "Cache-Control": "no-store", "Retry-After": "30", "X-Remix-Catch": "yes" }).json(message);
    return;
  }
  refuse(req, res, 503, "service_unavailable", message, { "Retry-After": "30" });
}
