import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "#db/schema/index";
import type { CapturedQuery } from "./measure";

/**
 * Renders pages of the built portal inside this process — every loader, the HTML — on a
 * database pool that records each query, so the bench can replay exactly that SQL on a bare
 * postgres.js loop and serve exactly that HTML from a bare node:http server.
 */
export async function pageCapturer(databaseUrl: string) {
  let recording: CapturedQuery[] | null = null;
  const client = postgres(databaseUrl, {
    max: 4,
    onnotice: () => {},
    debug: (_connection, text, params) => {
      // postgres.js reads the array types once per new connection: setup, not the page's SQL.
      if (/pg_catalog\.pg_type/.test(text)) return;
      recording?.push({ text, params: params as unknown[] });
    },
  });
  // The app keeps its pool on globalThis (app/db.server.ts): install the recording one first.
  (globalThis as unknown as { __portalDb?: unknown }).__portalDb = { client, db: drizzle(client, { schema, casing: "snake_case" }) };
  const { createRequestHandler } = await import("@remix-run/node");
  const buildPath = path.resolve("build/index.js");
  const build = await import(buildPath);
  const handle = createRequestHandler(build, "production");
  return {
    /** `auth` is a session cookie, or the headers to send (an API key's Authorization). */
    async capture(url: string, auth: string | Record<string, string>): Promise<{ html: string; queries: CapturedQuery[]; status: number }> {
      recording = [];
      const response = await handle(new Request(url, { headers: typeof auth === "string" ? { cookie: auth } : auth }));
      const html = await response.text();
      const queries = recording;
      recording = null;
      return { html, queries, status: response.status };
    },
    async close() {
      // Let the app's own pool come back for whatever runs in-process next.
      (globalThis as unknown as { __portalDb?: unknown }).__portalDb = undefined;
      await client.end({ timeout: 5 });
    },
  };
}

/** The JavaScript a page loads (entry + root + layout + route, with their imports), gzipped. */
export async function pageJavaScript(routeIds: string[]): Promise<{ files: number; bytes: number; gzipBytes: number }> {
  const build = (await import(path.resolve("build/index.js"))) as { assets: { entry: { module: string; imports?: string[] }; routes: Record<string, { module: string; imports?: string[] }> } };
  const urls = new Set<string>([build.assets.entry.module, ...(build.assets.entry.imports ?? [])]);
  for (const id of ["root", ...routeIds]) {
    const route = build.assets.routes[id];
    if (!route) throw new Error(`no route ${id} in the build`);
    urls.add(route.module);
    for (const i of route.imports ?? []) urls.add(i);
  }
  let bytes = 0;
  let gzipBytes = 0;
  for (const url of urls) {
    const content = readFileSync(path.resolve("public", url.replace(/^\//, "")));
    bytes += content.length;
    gzipBytes += gzipSync(content).length;
  }
  return { files: urls.size, bytes, gzipBytes };
}
