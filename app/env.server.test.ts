import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv, withDevelopmentDefaults } from "./env.server";

describe("configuration", () => {
  it("stops production with a message that names every missing value", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(ConfigError);
    try {
      parseEnv({ NODE_ENV: "production", PORT: "3000" });
    } catch (e) {
      const message = (e as Error).message;
      for (const name of ["APP_URL", "DATABASE_URL", "SESSION_SECRET", "MAIL_FROM", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"]) expect(message).toContain(`${name} is missing`);
    }
  });

  it("requires SMTP in production", () => {
    const env: NodeJS.ProcessEnv = { NODE_ENV: "production", PORT: "3000", APP_URL: "https://pay.example.com", DATABASE_URL: "postgres://u:p@db/portal", SESSION_SECRET: "x".repeat(32), MAIL_FROM: "AR <ar@example.com>", STRIPE_SECRET_KEY: "sk_live_abc", STRIPE_WEBHOOK_SECRET: "whsec_abc" };
    expect(() => parseEnv(env)).toThrow(/SMTP_URL is missing/);
    expect(parseEnv({ ...env, SMTP_URL: "smtps://u:p@smtp.example.com:465" }).APP_URL).toBe("https://pay.example.com");
  });

  it("says what is wrong with a Stripe key that is not one", () => {
    const env: NodeJS.ProcessEnv = { NODE_ENV: "production", PORT: "3000", APP_URL: "https://pay.example.com", DATABASE_URL: "postgres://u:p@db/portal", SESSION_SECRET: "x".repeat(32), MAIL_FROM: "AR <ar@example.com>", SMTP_URL: "smtp://h:25", STRIPE_SECRET_KEY: "pk_live_abc", STRIPE_WEBHOOK_SECRET: "whsec_abc" };
    expect(() => parseEnv(env)).toThrow(/STRIPE_SECRET_KEY must be a Stripe secret key/);
  });

  it("rejects a short session secret with the reason", () => {
    expect(() => parseEnv({ ...withDevelopmentDefaults({ NODE_ENV: "development" }), DATABASE_URL: "postgres://x/y", SESSION_SECRET: "short", STRIPE_SECRET_KEY: "sk_test_x", STRIPE_WEBHOOK_SECRET: "whsec_x" })).toThrow(
      /SESSION_SECRET must be at least 32 characters/,
    );
  });

  it("fills development defaults but never production ones", () => {
    const dev = withDevelopmentDefaults({ NODE_ENV: "development" });
    expect(dev.APP_URL).toBe("http://localhost:3000");
    expect(withDevelopmentDefaults({ NODE_ENV: "production" }).APP_URL).toBeUndefined();
  });
});
