import { env } from "~/env.server";

export type LogLevel = "debug" | "info" | "warn" | "error";

const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Whether a line at `level` is written under LOG_LEVEL (default info). */
export function logEnabled(level: LogLevel, threshold: LogLevel = env().LOG_LEVEL): boolean {
  return rank[level] >= rank[threshold];
}

/**
 * One structured JSON line on stderr, dropped below LOG_LEVEL. Fields must not carry secrets or
 * personal data beyond ids.
 */
export function log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  if (!logEnabled(level)) return;
  console.error(JSON.stringify({ level, msg, ...fields }));
}
