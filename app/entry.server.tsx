import type { ActionFunctionArgs, AppLoadContext, EntryContext, LoaderFunctionArgs } from "@remix-run/node";
import { RemixServer, isRouteErrorResponse } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { NonceProvider } from "./components/nonce";
import { log } from "~/utils/log.server";
import { isDatabaseUnavailable } from "./db.server";
import { documentRouteId } from "./modules/ops/http-metrics.server";

// The worker, Stripe intake and the rest server.ts needs, from this same build (app/process.server.ts).
export * as portalProcess from "./process.server";

/**
 * Every document is rendered whole, in one string: no route streams (no Suspense, <Await> or
 * defer), so a stream only cost CPU — 2 KB pieces to coalesce and an abort timer per request
 * (ADR route matching cache, "Rendering"). A render error throws out of here, and Remix
 * renders the route's error boundary with a 500 instead, as it did for a failed stream shell.
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce;
  loadContext.routeId = documentRouteId(remixContext, responseStatusCode);
  const html = renderToString(
    <NonceProvider value={nonce}>
      <RemixServer context={remixContext} url={request.url} />
    </NonceProvider>,
  );
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  return new Response(`<!DOCTYPE html>${html}`, { headers: responseHeaders, status: responseStatusCode });
}

/**
 * Unexpected errors only, as one structured line; 404s and aborted requests are not errors. An
 * unreachable database is flagged on the context, and the edge answers 503 (server/remix-handler.ts).
 */
export function handleError(error: unknown, { request, context }: LoaderFunctionArgs | ActionFunctionArgs) {
  if (request.signal.aborted || isRouteErrorResponse(error)) return;
  if (error instanceof Error && /^No route matches URL/.test(error.message)) return;
  if (isDatabaseUnavailable(error)) {
    context.databaseUnavailable = true;
    log("warn", "database unavailable", { requestId: context.requestId, path: new URL(request.url).pathname, error: String(error) });
    return;
  }
  log("error", "unhandled", { requestId: context.requestId, path: new URL(request.url).pathname, error: error instanceof Error ? error.stack : String(error) });
}
