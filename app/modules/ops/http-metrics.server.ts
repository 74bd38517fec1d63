import type { IncomingMessage, ServerResponse } from "node:http";
import type { ActionFunctionArgs, EntryContext, LoaderFunctionArgs, ServerBuild } from "@remix-run/node";
import { Histogram, register } from "prom-client";

/**
 * Request latency by route, for /metrics. The route label is always one of a bounded set: a
 * Remix route id (`routes/_portal.invoices.$invoiceId`), or a fixed name for what is answered
 * before Remix (`static`, `healthz`, `readyz`, `metrics`, `stripe_webhook`, `edge` for the edge's
 * refusals), `not_found`, `remix_manifest` or `unmatched`. Never the path: ids in paths would
 * make a series per invoice.
 */
export const ROUTE_FIXED_LABELS = ["static", "healthz", "readyz", "metrics", "stripe_webhook", "edge", "not_found", "remix_manifest", "unmatched"] as const;

/** A metric of the global registry, made again when a development rebuild evaluates this module anew. */
export function freshMetric<T>(name: string, make: () => T): T {
  register.removeSingleMetric(name);
  return make();
}

const requestDuration = freshMetric(
  "http_request_duration_seconds",
  () =>
    new Histogram({
      name: "http_request_duration_seconds",
      help: "Time from the request's arrival to the end of its response, by route, method and status class.",
      labelNames: ["route", "method", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
);

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

type Labeled = ServerResponse & { locals?: { route?: string } };

/**
 * Names the route that answered this response. Kept in `res.locals.route`, where the Remix
 * handler (server/remix-handler.ts, which cannot import the app) writes it too.
 */
export function labelRoute(res: ServerResponse, route: string) {
  const labeled = res as Labeled;
  (labeled.locals ??= {}).route = route;
}

/** Times one request from here to its response's end (server.ts calls it first of all). Aborted requests are not counted. */
export function observeRequest(req: IncomingMessage, res: ServerResponse) {
  const start = process.hrtime.bigint();
  res.once("finish", () => {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const method = req.method && METHODS.has(req.method) ? req.method : "other";
    requestDuration.observe({ route: (res as Labeled).locals?.route ?? "edge", method, status: `${Math.floor(res.statusCode / 100)}xx` }, seconds);
  });
}

/**
 * A document's route: the deepest matched route, as rendered. A path no route matches renders
 * the root's 404: `not_found`. Called by entry.server.tsx's handleRequest.
 */
export function documentRouteId(remixContext: EntryContext, status: number): string | undefined {
  const leaf = remixContext.staticHandlerContext.matches.at(-1)?.route.id;
  return leaf === "root" && status === 404 ? "not_found" : leaf;
}

const withIds = new WeakMap<ServerBuild, ServerBuild>();

/**
 * The build with each route's loader and action noting their route on the load context
 * (`context.routeId`), the deepest one winning. That names what handleRequest never sees —
 * resource routes (CSV, PDF, the API), `?_data` fetches, redirects from a loader or action —
 * without matching the path a second time (Remix's own matching costs ~0.25 ms a request here).
 * Documents are then named by handleRequest from the routes it renders.
 */
export function withRouteIds(build: ServerBuild): ServerBuild {
  const known = withIds.get(build);
  if (known) return known;
  const depth = (id: string | undefined): number => (id && build.routes[id] ? 1 + depth(build.routes[id]!.parentId) : 0);
  const depths = new Map(Object.keys(build.routes).map((id) => [id, depth(id)]));
  const note = (id: string, context: LoaderFunctionArgs["context"]) => {
    if (!context.routeId || depths.get(id)! > (depths.get(context.routeId) ?? 0)) context.routeId = id;
  };
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    const { loader, action } = route.module;
    if (!loader && !action) {
      routes[id] = route;
      continue;
    }
    const module = { ...route.module };
    if (loader) module.loader = (args: LoaderFunctionArgs) => (note(id, args.context), loader(args));
    if (action) module.action = (args: ActionFunctionArgs) => (note(id, args.context), action(args));
    routes[id] = { ...route, module };
  }
  const wrapped = { ...build, routes };
  withIds.set(build, wrapped);
  return wrapped;
}
