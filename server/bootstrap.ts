import { ConfigError, DEFAULT_COMPANY_NAME, parseBootstrapEnv, parseEnv, stripeEmulatorDefaults, withDevelopmentDefaults, type Env } from "../app/env.server";
import { EmbeddedPostgresAccessError, embeddedPostgresRunning, startEmbeddedPostgres } from "../db/embedded-postgres";
import { migrateDatabase } from "../db/migrate";

export interface Bootstrapped {
  env: Env;
  /** Things started here that must be stopped on shutdown. */
  stop: () => Promise<void>;
  notes: string[];
}

/**
 * Resolves the configuration and starts what development needs and production must be given:
 * without DATABASE_URL (outside production) a real PostgreSQL from embedded-postgres under
 * .data/, migrated and seeded with demo data. Writes the resolved values into process.env so
 * the Remix app reads the same configuration.
 */
export async function bootstrap(): Promise<Bootstrapped> {
  const production = process.env.NODE_ENV === "production";
  const stops: Array<() => Promise<void>> = [];
  const notes: string[] = [];
  const resolved = withDevelopmentDefaults(process.env);
  const dev = exitOnConfigError(() => parseBootstrapEnv(resolved));

  if (!production && !resolved.DATABASE_URL) {
    const embedded = await startEmbeddedPostgres({ dataDir: dev.EMBEDDED_PG_DIR, port: dev.EMBEDDED_PG_PORT, database: "portal" }).catch((e: unknown) => {
      // A fix the person can make (folder permissions): the message alone, not a stack trace.
      if (e instanceof EmbeddedPostgresAccessError) {
        console.error(e.message);
        process.exit(1);
      }
      throw e;
    });
    resolved.DATABASE_URL = embedded.url;
    resolved.SEED_DEMO_DATA ??= "true";
    stops.push(embedded.stop);
    notes.push(`Embedded PostgreSQL on 127.0.0.1:${dev.EMBEDDED_PG_PORT} (data in ${dev.EMBEDDED_PG_DIR})`);
  }

  if (!production && !resolved.STRIPE_SECRET_KEY) {
    const port = dev.STRIPE_EMULATOR_PORT;
    Object.assign(resolved, stripeEmulatorDefaults(port));
    const { startStripeEmulator } = await import("@eipp/stripe-emulator");
    const emulator = await startStripeEmulator({
      port,
      webhookUrl: `${resolved.APP_URL}/webhooks/stripe`,
      webhookSecret: resolved.STRIPE_WEBHOOK_SECRET!,
      achSettleDelayMs: dev.STRIPE_EMULATOR_ACH_SETTLE_MS,
      stateFile: ".data/stripe-emulator.json",
      // Real Stripe shows the account's business name on Checkout and in the ACH mandate.
      merchantName: resolved.COMPANY_NAME || DEFAULT_COMPANY_NAME,
    });
    stops.push(emulator.stop);
    notes.push(`Stripe emulator on ${emulator.url} (ACH settles after ${dev.STRIPE_EMULATOR_ACH_SETTLE_MS / 1000} s; test card 4242 4242 4242 4242, bank 110000000 / 000123456789)`);
  }

  let env: Env;
  try {
    env = parseEnv(resolved);
  } catch (e) {
    if (e instanceof ConfigError) {
      await Promise.all(stops.map((s) => s()));
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  Object.assign(process.env, resolved);

  await migrateDatabase(env.DATABASE_URL);
  if (env.SEED_DEMO_DATA === "true") {
    const { seedDatabase } = await import("../db/seed-database");
    const seeded = await seedDatabase(env.DATABASE_URL);
    if (seeded) notes.push("Seeded demo customers, invoices and staff.");
  }
  if (!env.SMTP_URL) notes.push(`Mail is not sent: read it in the development mailbox at ${env.APP_URL}/dev/mailbox`);

  return {
    env,
    notes,
    stop: async () => {
      for (const s of stops.reverse()) await s();
    },
  };
}

function exitOnConfigError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    process.exit(1);
  }
}

/**
 * The database for a command-line tool (seed, cli): DATABASE_URL, or outside production the
 * development server's embedded PostgreSQL — used where it already runs, started otherwise.
 */
export async function databaseForTools(raw: NodeJS.ProcessEnv, log: (line: string) => void): Promise<{ url: string; stop: () => Promise<void> }> {
  if (raw.DATABASE_URL) return { url: raw.DATABASE_URL, stop: async () => {} };
  if (raw.NODE_ENV === "production") throw new ConfigError("Invalid configuration:\n  DATABASE_URL is missing: set it to the PostgreSQL connection URL");
  const dev = parseBootstrapEnv(raw);
  const running = await embeddedPostgresRunning(dev.EMBEDDED_PG_PORT, "portal");
  if (running) return { url: running, stop: async () => {} };
  log(`DATABASE_URL is not set: starting the embedded PostgreSQL (${dev.EMBEDDED_PG_DIR}, port ${dev.EMBEDDED_PG_PORT})…`);
  return startEmbeddedPostgres({ dataDir: dev.EMBEDDED_PG_DIR, port: dev.EMBEDDED_PG_PORT, database: "portal", log });
}
