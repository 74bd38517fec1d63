/**
 * Starts the portal as production would run it (built app, NODE_ENV=production, every setting
 * given) against a fresh database in its own embedded PostgreSQL, seeded with the demo data.
 */
import postgres from "postgres";
import { startEmbeddedPostgres } from "../../db/embedded-postgres";
import { startStripeEmulator } from "@eipp/stripe-emulator";
import { e2e } from "./config";

const pg = await startEmbeddedPostgres({ dataDir: e2e.pgDir, port: e2e.pgPort, database: "postgres" });
const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
await admin.unsafe("drop database if exists e2e with (force)");
await admin.unsafe("create database e2e");
await admin.end();

Object.assign(process.env, {
  NODE_ENV: "production",
  PORT: String(e2e.appPort),
  APP_URL: e2e.appUrl,
  DATABASE_URL: e2e.databaseUrl,
  SESSION_SECRET: e2e.sessionSecret,
  SMTP_URL: `smtp://127.0.0.1:${e2e.smtpPort}`,
  MAIL_FROM: "Acme AR <ar@acme.example>",
  COMPANY_NAME: e2e.companyName,
  SEED_DEMO_DATA: "true",
  STRIPE_SECRET_KEY: "sk_test_e2e",
  STRIPE_WEBHOOK_SECRET: e2e.stripeWebhookSecret,
  STRIPE_API_BASE: `http://localhost:${e2e.stripePort}`,
  // The plans spec moves the portal's clock through /dev/clock.
  CLOCK_CONTROL: "true",
  REMINDER_SCHEDULE: "off",
  // The webhooks spec's back-office receiver listens on 127.0.0.1.
  WEBHOOK_ALLOW_PRIVATE_URLS: "true",
  // Playwright shows the app's stderr: warnings and errors, not a line per request.
  LOG_LEVEL: "warn",
});
// Stripe at the network boundary: the emulator, delivering signed webhooks to the app. ACH
// settles only when a test says so (control endpoint), so the "processing" state can be seen.
const stripe = await startStripeEmulator({
  port: e2e.stripePort,
  publicUrl: e2e.stripeUrl,
  webhookUrl: `${e2e.appUrl}/webhooks/stripe`,
  webhookSecret: e2e.stripeWebhookSecret,
  achSettleDelayMs: 0,
  // As Stripe does from the account's settings: Checkout and the ACH mandate name the company.
  merchantName: e2e.companyName,
  webhookRetryDelaysMs: [500, 1000, 2000, 5000],
});
process.on("exit", () => {
  void stripe.stop();
  void pg.stop();
});
await import("../../server");
