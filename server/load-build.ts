import { stat } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import type * as PortalProcess from "../app/process.server";

// The app — routes, and everything else a process runs from the app (PortalProcess) — is loaded
// from the build, after bootstrap (its modules read the configuration bootstrap resolved).
// Nothing in server/ imports the app's sources: a second copy would hold its own drain flags,
// Stripe client and clock (ADR one module graph).
export const BUILD_PATH = path.resolve("build/index.js");

/** The build on disk now (a fresh module when it changed: development reloads). */
export const loadBuild = async (): Promise<ServerBuild> =>
  (await import(`${pathToFileURL(BUILD_PATH).href}?t=${(await stat(BUILD_PATH)).mtimeMs}`)) as ServerBuild;

/** What a process takes from the built app besides its routes (app/process.server.ts). */
export const portalOf = (b: ServerBuild) => (b.entry.module as unknown as { portalProcess: typeof PortalProcess }).portalProcess;
