/**
 * Unit tests have no database: the configuration the app's modules read is complete, but its
 * DATABASE_URL names a port nothing listens on, so a unit test that reaches PostgreSQL fails at
 * once with a connection error naming "no-database-in-unit-tests" instead of waiting or
 * starting one. Move such a test to the integration project (it is one).
 */
Object.assign(process.env, {
  NODE_ENV: "test",
  DATABASE_URL: "postgres://no-database-in-unit-tests@127.0.0.1:1/no-database-in-unit-tests",
  PORT: "3999",
  APP_URL: "http://localhost:3999",
  SESSION_SECRET: "test-session-secret-0123456789abcdef0123456789",
  MAIL_FROM: "Acme AR <ar@acme.example>",
  STRIPE_SECRET_KEY: "sk_test_vitest",
  STRIPE_WEBHOOK_SECRET: "whsec_vitest_secret",
  STRIPE_API_BASE: "http://127.0.0.1:1",
});
delete process.env.SMTP_URL;
