import { statSync } from "node:fs";
import { z } from "zod";

export const DEFAULT_COMPANY_NAME = "Acme Supply Co.";
const MAX_LOGO_BYTES = 512 * 1024;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function isReadableLogo(path: string): boolean {
  try {
    const stat = statSync(path);
    return stat.isFile() && stat.size > 0 && stat.size <= MAX_LOGO_BYTES;
  } catch {
    return false;
  }
}

/**
 * The portal's configuration, validated once. In production every value is required and a
 * missing one stops the server with a message naming it; in development and test the embedded
 * defaults fill the gaps (see `withDevelopmentDefaults`).
 */
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535),
  APP_URL: z
    .string()
    .url("must be the public URL of the portal, e.g. https://pay.example.com")
    .transform((u) => u.replace(/\/+$/, "")),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection URL"),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters of random text"),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),
  MAIL_FROM: z.string().min(3, "must be a sender such as 'Acme AR <ar@acme.com>'"),
  COMPANY_NAME: z.string().default(DEFAULT_COMPANY_NAME),
  /**
   * Optional logo: a PNG or JPEG file on the server's disk (the formats a PDF can embed). Served
   * by the portal itself at /brand/logo, so the CSP's `img-src 'self'` holds and no third party
   * sees who opens a page. Checked at boot: a wrong path stops the server instead of a broken image.
   */
  COMPANY_LOGO_PATH: z
    .string()
    .regex(/\.(png|jpe?g)$/i, "must be the path of a .png or .jpg file")
    .refine((path) => isReadableLogo(path), "must be a readable .png or .jpg file of at most 512 kB")
    .optional(),
  /**
   * The company's time zone (IANA name): an early-payment discount's last day and a quote's
   * midnight expiry are days of this calendar.
   */
  COMPANY_TIME_ZONE: z
    .string()
    .refine((tz) => isTimeZone(tz), "must be an IANA time zone such as America/New_York or UTC")
    .default("UTC"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_/, "must be a Stripe secret key (sk_test_… or sk_live_…)"),
  STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_/, "must be the webhook signing secret (whsec_…)"),
  /** Where the Stripe API is (the local emulator in development and tests); unset = api.stripe.com. */
  STRIPE_API_BASE: z.string().url().optional(),
  /** How many proxies in front of the portal to trust for the client IP (0 = none). */
  TRUST_PROXY: z.coerce.number().int().min(0).default(0),
  /**
   * The /dev/clock control that moves the portal's clock and runs the plan schedule on demand
   * (to watch installments run). On by default outside production; never set it in production.
   */
  CLOCK_CONTROL: z.enum(["true", "false"]).optional(),
  /**
   * `hourly` runs the reminder cadences every hour (idempotent: one email per account and day);
   * `off` runs them only on demand (/dev/clock; the end-to-end tests, whose data would otherwise
   * get reminders mid-test).
   */
  REMINDER_SCHEDULE: z.enum(["hourly", "off"], { message: 'must be "hourly" or "off"' }).default("hourly"),
  /**
   * Lets webhook endpoints be plain http:// or on loopback, private, link-local or other
   * non-public addresses (local receivers in development and tests). Off in production by default:
   * the portal must not be a proxy into its own network.
   */
  WEBHOOK_ALLOW_PRIVATE_URLS: z.enum(["true", "false"]).optional(),
  /** Seed demo data into an empty database at start-up (the bootstrap turns it on with the embedded database). */
  SEED_DEMO_DATA: z.enum(["true", "false"], { message: 'must be "true" or "false"' }).optional(),
  /** Business days (Mon–Fri, UTC) for the AR team's first response to a dispute. */
  DISPUTE_SLA_BUSINESS_DAYS: wholeNumber("a whole number of business days, e.g. 2", 1, 60).default(2),
  /** Where dispute files live: in PostgreSQL (every app server sees them), under ATTACHMENT_DIR, or in an S3 bucket. */
  ATTACHMENT_STORAGE: z.enum(["postgres", "filesystem", "s3"], { message: 'must be "postgres", "filesystem" or "s3"' }).default("postgres"),
  ATTACHMENT_DIR: z.string().default(".data/attachments"),
  /**
   * How many app processes `npm start` runs (they share PORT; see server/cluster.ts). Unset: one
   * per core the machine offers.
   */
  WEB_CONCURRENCY: wholeNumber("a whole number of processes, e.g. 2", 1, 64).optional(),
  /**
   * Whether this server runs the job worker. `npm start` runs it in its first app process; set
   * "false" on every app server when the jobs run in their own process (`npm run worker`).
   */
  RUN_JOBS: z.enum(["true", "false"], { message: 'must be "true" or "false"' }).default("true"),
  /** How long a stopping app process may take to finish its requests and jobs before it gives up. */
  SHUTDOWN_TIMEOUT_MS: wholeNumber("a time in milliseconds, e.g. 25000", 1000, 600_000).default(25_000),
  /** ATTACHMENT_STORAGE=s3: the bucket (required then, see parseEnv), and where and how to reach it. */
  S3_BUCKET: z.string().optional(),
  S3_REGION: z.string().default("us-east-1"),
  /** An S3-compatible service (MinIO, Ceph, R2, …); unset = AWS S3 itself. */
  S3_ENDPOINT: z
    .string()
    .regex(/^https?:\/\/[^/\s]+/, "must be the http(s) URL of an S3-compatible service, e.g. https://minio.internal:9000")
    .optional(),
  /** Both or neither: with neither, the AWS SDK's default credentials (AWS_* variables, ~/.aws, an instance or pod role). */
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Bucket in the path (https://host/bucket/key) instead of the host name: most S3-compatible services need "true". */
  S3_FORCE_PATH_STYLE: z.enum(["true", "false"], { message: 'must be "true" or "false"' }).default("false"),
  /** A folder in the bucket for the portal's objects (e.g. "portal/"); unset = the bucket's top level. */
  S3_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/?$/, 'must be a folder name such as "portal/" (letters, digits, ".", "_", "-", "/"; no leading "/")')
    .optional(),
  /**
   * The bearer token Prometheus sends to read /metrics. Unset: /metrics does not exist (404).
   * Long and random: the metrics tell backlogs and traffic to whoever holds it.
   */
  /**
   * Serves the benchmark's trivial page at /bench/floor (one `select 1`; app/modules/ops/floor-page.server.ts),
   * the floor every page's rate is compared with. Off (404) unless "true": the bench sets it.
   */
  BENCH_FLOOR_PAGE: z.enum(["true", "false"], { message: 'must be "true" or "false"' }).default("false"),
  METRICS_TOKEN: z.string().min(32, "must be at least 32 characters of random text (the bearer token Prometheus sends to /metrics)").optional(),
});

/** A whole number given as text ("two" or "2.5" is an error naming the variable, not a default). */
function wholeNumber(what: string, min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, `must be ${what}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be ${what} (at least ${min})`).max(max, `must be ${what} (at most ${max})`));
}

export type Env = z.infer<typeof schema>;

const descriptions: Record<string, string> = {
  PORT: "the port to listen on",
  APP_URL: "the public URL of the portal (sign-in links are built from it)",
  DATABASE_URL: "the PostgreSQL connection URL",
  SESSION_SECRET: "a random secret of at least 32 characters",
  SMTP_URL: "the SMTP server that sends mail, e.g. smtps://user:pass@smtp.example.com:465",
  MAIL_FROM: "the sender address of the portal's mail",
  STRIPE_SECRET_KEY: "your Stripe secret key (Dashboard → Developers → API keys)",
  STRIPE_WEBHOOK_SECRET: "the signing secret of the portal's Stripe webhook endpoint (whsec_…)",
  S3_BUCKET: "the bucket that holds dispute files (required with ATTACHMENT_STORAGE=s3)",
  S3_ACCESS_KEY_ID: "the access key whose secret is S3_SECRET_ACCESS_KEY (or unset both to use the AWS SDK's default credentials)",
  S3_SECRET_ACCESS_KEY: "the secret of S3_ACCESS_KEY_ID (or unset both to use the AWS SDK's default credentials)",
};

export class ConfigError extends Error {}

/** Fills what development needs to run with nothing set. DATABASE_URL is set by the bootstrap. */
export function withDevelopmentDefaults(raw: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (raw.NODE_ENV === "production") return raw;
  const port = raw.PORT ?? "3000";
  return {
    ...raw,
    PORT: port,
    APP_URL: raw.APP_URL ?? `http://localhost:${port}`,
    SESSION_SECRET: raw.SESSION_SECRET ?? "development-only-secret-never-use-in-production",
    MAIL_FROM: raw.MAIL_FROM ?? "Acme Supply Co. Accounts Receivable <ar@acme.example>",
  };
}

/** Development without Stripe keys talks to the local emulator (started by the bootstrap). */
export function stripeEmulatorDefaults(port: number): Record<string, string> {
  return {
    STRIPE_SECRET_KEY: "sk_test_local_emulator",
    STRIPE_WEBHOOK_SECRET: "whsec_local_emulator_development_secret",
    STRIPE_API_BASE: `http://localhost:${port}`,
  };
}

/** An empty variable means unset (as in `FOO= npm start`). */
const withoutEmpty = (raw: Record<string, string | undefined>) => Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ""));

function configError(raw: Record<string, string | undefined>, issues: z.ZodIssue[]): ConfigError {
  const lines = issues.map((issue) => {
    const name = String(issue.path[0]);
    const missing = raw[name] === undefined || raw[name] === "";
    return missing ? `  ${name} is missing: set it to ${descriptions[name] ?? "a value"}` : `  ${name} ${issue.message}`;
  });
  return new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
}

/**
 * Settings only the development bootstrap reads (the embedded database and Stripe emulator it
 * starts); validated like the rest, so a typo stops it instead of becoming the default.
 */
const bootstrapSchema = z.object({
  EMBEDDED_PG_PORT: wholeNumber("a port number", 1, 65535).default(54329),
  EMBEDDED_PG_DIR: z.string().default(".data/pg"),
  STRIPE_EMULATOR_PORT: wholeNumber("a port number", 1, 65535).default(12111),
  STRIPE_EMULATOR_ACH_SETTLE_MS: wholeNumber("a delay in milliseconds", 0, 86_400_000).default(20000),
});

export type BootstrapEnv = z.infer<typeof bootstrapSchema>;

export function parseBootstrapEnv(raw: Record<string, string | undefined>): BootstrapEnv {
  const result = bootstrapSchema.safeParse(withoutEmpty(raw));
  if (!result.success) throw configError(raw, result.error.issues);
  return result.data;
}

export function parseEnv(raw: NodeJS.ProcessEnv): Env {
  const result = schema.safeParse(withoutEmpty(raw));
  if (!result.success) {
    throw configError(raw, result.error.issues);
  }
  const env = result.data;
  if (env.NODE_ENV === "production" && !env.SMTP_URL) {
    throw new ConfigError(`Invalid configuration:\n  SMTP_URL is missing: set it to ${descriptions.SMTP_URL}`);
  }
  const s3Missing = env.ATTACHMENT_STORAGE === "s3" ? missingS3Settings(env) : [];
  if (s3Missing.length > 0) throw new ConfigError(`Invalid configuration:\n${s3Missing.map((name) => `  ${name} is missing: set it to ${descriptions[name]}`).join("\n")}`);
  return env;
}

/** What the S3 driver cannot run without: the bucket, and a secret for a key id (or a key id for a secret). */
function missingS3Settings(env: Pick<Env, "S3_BUCKET" | "S3_ACCESS_KEY_ID" | "S3_SECRET_ACCESS_KEY">): string[] {
  const missing: string[] = [];
  if (!env.S3_BUCKET) missing.push("S3_BUCKET");
  if (env.S3_SECRET_ACCESS_KEY && !env.S3_ACCESS_KEY_ID) missing.push("S3_ACCESS_KEY_ID");
  if (env.S3_ACCESS_KEY_ID && !env.S3_SECRET_ACCESS_KEY) missing.push("S3_SECRET_ACCESS_KEY");
  return missing;
}

let cached: Env | undefined;

/** The validated configuration of this process (parsed on first use). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

export const isProduction = () => env().NODE_ENV === "production";

export const clockControlEnabled = () => (env().CLOCK_CONTROL ?? (isProduction() ? "false" : "true")) === "true";

/** Whether webhooks may go to http:// and non-public addresses (see WEBHOOK_ALLOW_PRIVATE_URLS). */
export const privateWebhookUrlsAllowed = (config: Env = env()) => (config.WEBHOOK_ALLOW_PRIVATE_URLS ?? (config.NODE_ENV === "production" ? "false" : "true")) === "true";
