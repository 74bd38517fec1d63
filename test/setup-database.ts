import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, inject } from "vitest";

/**
 * Gives this test file a fresh copy of the migrated template database and points the app's
 * configuration at it, before any app module is imported.
 */
const templateUrl = inject("templateDatabaseUrl");
const name = `portal_test_${randomBytes(6).toString("hex")}`;
const serverUrl = new URL(templateUrl);
serverUrl.pathname = "/postgres";
const admin = postgres(serverUrl.toString(), { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name} template portal_test_template`);

const url = new URL(templateUrl);
url.pathname = `/${name}`;
Object.assign(process.env, {
  NODE_ENV: "test",
  DATABASE_URL: url.toString(),
  PORT: "3999",
  APP_URL: "http://localhost:3999",
  SESSION_SECRET: "test-session-secret-0123456789abcdef0123456789",
  MAIL_FROM: "Acme AR <ar@acme.example>",
  STRIPE_SECRET_KEY: "sk_test_vitest",
  STRIPE_WEBHOOK_SECRET: "whsec_vitest_secret",
  STRIPE_API_BASE: "http://127.0.0.1:1",
});
delete process.env.SMTP_URL;

afterAll(async () => {
  const { closeDb } = await import("~/db.server");
  await closeDb();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
});
