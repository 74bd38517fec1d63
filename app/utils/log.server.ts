import pino, { type DestinationStream, type Logger } from "pino";
import { env } from "~/env.server";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type { Logger };

/**
 * Field names whose values never reach a log line, at the top level or one object down
 * (`req.headers.cookie`, `fields.token`). pino's redaction is by path; the value scrub below
 * catches secrets that end up inside strings (an error message quoting a key or an address).
 */
const SECRET_KEYS = ["authorization", "cookie", "password", "secret", "token", "apiKey", "email"];
const HEADERS = ["authorization", "cookie", '["set-cookie"]', '["stripe-signature"]', '["webhook-signature"]', '["x-api-key"]'];
const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...HEADERS.map((h) => (h.startsWith("[") ? `headers${h}` : `headers.${h}`)),
  ...HEADERS.map((h) => (h.startsWith("[") ? `*.headers${h}` : `*.headers.${h}`)),
];

// Stripe secret and restricted keys, webhook signing secrets, bearer tokens, e-mail addresses.
const SECRET_IN_TEXT: Array<[RegExp, string | ((match: string, ...groups: string[]) => string)]> = [
  [/\b(sk|rk)_(test|live)_[A-Za-z0-9]+/g, "$1_$2_[redacted]"],
  [/\bwhsec_[A-Za-z0-9+/=]+/g, "whsec_[redacted]"],
  [/\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [redacted]"],
  [/[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g, "[redacted]@$1"],
];

/** `text` with the secrets and addresses it quotes replaced (the domain of an address is kept: it says which customer or provider). */
export function scrub(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_IN_TEXT) out = out.replace(pattern, replacement as string);
  return out;
}

function scrubValues(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrub(value);
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => scrubValues(v, depth + 1));
  if (value instanceof Error) return scrubValues({ type: value.name, message: value.message, stack: value.stack }, depth);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValues(v, depth + 1)]));
}

/**
 * A pino logger writing JSON lines (`{"level":"warn","time":"…","msg":"…",…fields}`) to
 * `destination`: stderr by default (synchronous for files and, on Linux, pipes, so a line
 * written just before a crash is kept).
 */
export function createLogger(options: { level: LogLevel; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => scrubValues(fields) as Record<string, unknown>,
      },
      hooks: {
        // The message too: call sites interpolate ids, and sometimes an error's text.
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === "string" ? scrub(a) : a)) as Parameters<typeof method>);
        },
      },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    },
    options.destination ?? process.stderr,
  );
}

let root: Logger | undefined;

/** The process's logger, at LOG_LEVEL (read on first use: the server's bootstrap resolves it first). */
export function logger(): Logger {
  root ??= createLogger({ level: env().LOG_LEVEL });
  return root;
}

/**
 * One structured JSON line on stderr, dropped below LOG_LEVEL. Fields should carry ids, not
 * personal data; secrets and e-mail addresses that slip in are redacted all the same.
 */
export function log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  logger()[level](fields, msg);
}
