/** The configuration every vitest file runs with; only the database differs between projects. */
export function applyTestEnv(databaseUrl: string): void {
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: databaseUrl,
    PORT: "3999",
    APP_URL: "http://localhost:3999",
    SESSION_SECRET: "test-session-secret-0123456789abcdef0123456789",
    MAIL_FROM: "Acme AR <ar@acme.example>",
    STRIPE_SECRET_KEY: "sk_test_vitest",
    STRIPE_WEBHOOK_SECRET: "whsec_vitest_secret",
    STRIPE_API_BASE: "http://127.0.0.1:1",
  });
  delete process.env.SMTP_URL;
}
