import { Transform, type TransformCallback } from "node:stream";
import type { ActionFunctionArgs, AppLoadContext, EntryContext, LoaderFunctionArgs } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer, isRouteErrorResponse } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { NonceProvider } from "./components/nonce";
import { log } from "~/utils/log.server";
import { isDatabaseUnavailable } from "./db.server";
import { documentRouteId } from "./modules/ops/http-metrics.server";

// The worker, Stripe intake and the rest server.ts needs, from this same build (app/process.server.ts).
export * as portalProcess from "./process.server";

const ABORT_DELAY = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce;
  loadContext.routeId = documentRouteId(remixContext, responseStatusCode);
  // Bots and no-JS clients get the whole document at once; browsers get it streamed.
  const readyEvent = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />
      </NonceProvider>,
      {
        nonce,
        [readyEvent]() {
          shellRendered = true;
          const body = new CoalescedBody();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

/**
 * React writes the document in 2 KB pieces, and each piece became its own socket write: ~15% of
 * the server's CPU on the invoice list (bench profile). This hands React's pieces on in one
 * buffer each time React flushes (it calls `flush()` after each batch of work, which is also what
 * keeps streamed Suspense content prompt), or every 64 KB.
 */
class CoalescedBody extends Transform {
  private parts: Buffer[] = [];
  private size = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size >= 64 * 1024) this.flush();
    done();
  }

  override _flush(done: TransformCallback) {
    this.flush();
    done();
  }

  flush() {
    if (this.size === 0) return;
    this.push(Buffer.concat(this.parts, this.size));
    this.parts = [];
    this.size = 0;
  }
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
