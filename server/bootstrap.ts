import { ConfigError, parseEnv, stripeEmulatorDefaults, withDevelopmentDefaults, type Env } from "../app/env.server";
import { startEmbeddedPostgres } from "../db/embedded-postgres";
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

  if (!production && !resolved.DATABASE_URL) {
    const port = Number(resolved.EMBEDDED_PG_PORT ?? 54329);
    const embedded = await startEmbeddedPostgres({ dataDir: resolved.EMBEDDED_PG_DIR ?? ".data/pg", port, database: "portal" });
    resolved.DATABASE_URL = embedded.url;
    resolved.SEED_DEMO_DATA ??= "true";
    stops.push(embedded.stop);
    notes.push(`Embedded PostgreSQL on 127.0.0.1:${port} (data in ${resolved.EMBEDDED_PG_DIR ?? ".data/pg"})`);
  }

  if (!production && !resolved.STRIPE_SECRET_KEY) {
    const port = Number(resolved.STRIPE_EMULATOR_PORT ?? 12111);
    Object.assign(resolved, stripeEmulatorDefaults(port));
    const { startStripeEmulator } = await import("../stripe-emulator/index");
    const emulator = await startStripeEmulator({
      port,
      webhookUrl: `${resolved.APP_URL}/webhooks/stripe`,
      webhookSecret: resolved.STRIPE_WEBHOOK_SECRET!,
      achSettleDelayMs: Number(resolved.STRIPE_EMULATOR_ACH_SETTLE_MS ?? 20_000),
      stateFile: ".data/stripe-emulator.json",
    });
    stops.push(emulator.stop);
    notes.push(`Stripe emulator on ${emulator.url} (ACH settles after ${Number(resolved.STRIPE_EMULATOR_ACH_SETTLE_MS ?? 20_000) / 1000} s; test card 4242 4242 4242 4242, bank 110000000 / 000123456789)`);
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
  if (resolved.SEED_DEMO_DATA === "true") {
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
