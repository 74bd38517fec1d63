import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseBootstrapEnv, parseEnv, withDevelopmentDefaults } from "./env.server";

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

  const development = { ...withDevelopmentDefaults({ NODE_ENV: "development" }), DATABASE_URL: "postgres://x/y", STRIPE_SECRET_KEY: "sk_test_x", STRIPE_WEBHOOK_SECRET: "whsec_x" };

  it("accepts a logo file and stops on a logo that is missing, too big or not PNG/JPEG", () => {
    const dir = mkdtempSync(join(tmpdir(), "logo-"));
    const png = join(dir, "logo.png");
    writeFileSync(png, Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"));
    expect(parseEnv({ ...development, COMPANY_LOGO_PATH: png }).COMPANY_LOGO_PATH).toBe(png);
    expect(parseEnv(development).COMPANY_LOGO_PATH).toBeUndefined();
    expect(() => parseEnv({ ...development, COMPANY_LOGO_PATH: join(dir, "missing.png") })).toThrow(/COMPANY_LOGO_PATH must be a readable \.png or \.jpg file of at most 512 kB/);
    const big = join(dir, "big.jpg");
    writeFileSync(big, Buffer.alloc(512 * 1024 + 1));
    expect(() => parseEnv({ ...development, COMPANY_LOGO_PATH: big })).toThrow(/COMPANY_LOGO_PATH must be a readable/);
    expect(() => parseEnv({ ...development, COMPANY_LOGO_PATH: join(dir, "logo.svg") })).toThrow(/COMPANY_LOGO_PATH must be the path of a \.png or \.jpg file/);
  });

  it("stops on a mistyped optional setting instead of falling back to its default", () => {
    expect(() => parseEnv({ ...development, ATTACHMENT_STORAGE: "postgress" })).toThrow(/ATTACHMENT_STORAGE must be "postgres", "filesystem" or "s3"/);
    expect(() => parseEnv({ ...development, S3_FORCE_PATH_STYLE: "yes" })).toThrow(/S3_FORCE_PATH_STYLE must be "true" or "false"/);
    expect(() => parseEnv({ ...development, S3_ENDPOINT: "minio:9000" })).toThrow(/S3_ENDPOINT must be the http\(s\) URL of an S3-compatible service/);
    expect(() => parseEnv({ ...development, S3_PREFIX: "/portal" })).toThrow(/S3_PREFIX must be a folder name/);
    expect(() => parseEnv({ ...development, DISPUTE_SLA_BUSINESS_DAYS: "two" })).toThrow(/DISPUTE_SLA_BUSINESS_DAYS must be a whole number of business days/);
    expect(() => parseEnv({ ...development, DISPUTE_SLA_BUSINESS_DAYS: "0" })).toThrow(/DISPUTE_SLA_BUSINESS_DAYS must be .*at least 1/);
    expect(() => parseEnv({ ...development, LOG_LEVEL: "verbose" })).toThrow(/LOG_LEVEL/);
    expect(() => parseEnv({ ...development, METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN must be at least 32 characters/);
    expect(() => parseEnv({ ...development, SEED_DEMO_DATA: "yes" })).toThrow(/SEED_DEMO_DATA must be "true" or "false"/);
    expect(() => parseEnv({ ...development, BENCH_FLOOR_PAGE: "yes" })).toThrow(/BENCH_FLOOR_PAGE must be "true" or "false"/);
    expect(() => parseBootstrapEnv({ EMBEDDED_PG_PORT: "5432x" })).toThrow(/EMBEDDED_PG_PORT must be a port number/);
    expect(() => parseBootstrapEnv({ STRIPE_EMULATOR_ACH_SETTLE_MS: "20s" })).toThrow(/STRIPE_EMULATOR_ACH_SETTLE_MS must be a delay in milliseconds/);
  });

  it("gives every optional setting its documented default, and reads the given ones", () => {
    expect(parseEnv(development)).toMatchObject({ DISPUTE_SLA_BUSINESS_DAYS: 2, ATTACHMENT_STORAGE: "postgres", ATTACHMENT_DIR: ".data/attachments", LOG_LEVEL: "info" });
    expect(parseEnv({ ...development, DISPUTE_SLA_BUSINESS_DAYS: "5", ATTACHMENT_STORAGE: "filesystem", ATTACHMENT_DIR: "/var/files", LOG_LEVEL: "" })).toMatchObject({
      DISPUTE_SLA_BUSINESS_DAYS: 5,
      ATTACHMENT_STORAGE: "filesystem",
      ATTACHMENT_DIR: "/var/files",
      LOG_LEVEL: "info",
    });
    expect(parseEnv(development).BENCH_FLOOR_PAGE).toBe("false");
    expect(parseEnv({ ...development, BENCH_FLOOR_PAGE: "true" }).BENCH_FLOOR_PAGE).toBe("true");
    expect(parseEnv(development).METRICS_TOKEN).toBeUndefined();
    expect(parseEnv({ ...development, METRICS_TOKEN: "m".repeat(32) }).METRICS_TOKEN).toBe("m".repeat(32));
    expect(parseBootstrapEnv({})).toEqual({ EMBEDDED_PG_PORT: 54329, EMBEDDED_PG_DIR: ".data/pg", STRIPE_EMULATOR_PORT: 12111, STRIPE_EMULATOR_ACH_SETTLE_MS: 20000 });
  });

  it("reads the process settings: app processes, jobs, the drain deadline", () => {
    expect(parseEnv(development)).toMatchObject({ RUN_JOBS: "true", SHUTDOWN_TIMEOUT_MS: 25000 });
    expect(parseEnv(development).WEB_CONCURRENCY).toBeUndefined();
    expect(parseEnv({ ...development, WEB_CONCURRENCY: "4", RUN_JOBS: "false", SHUTDOWN_TIMEOUT_MS: "10000" })).toMatchObject({ WEB_CONCURRENCY: 4, RUN_JOBS: "false", SHUTDOWN_TIMEOUT_MS: 10000 });
    expect(() => parseEnv({ ...development, WEB_CONCURRENCY: "auto" })).toThrow(/WEB_CONCURRENCY must be a whole number of processes/);
    expect(() => parseEnv({ ...development, WEB_CONCURRENCY: "0" })).toThrow(/WEB_CONCURRENCY must be .*at least 1/);
    expect(() => parseEnv({ ...development, RUN_JOBS: "no" })).toThrow(/RUN_JOBS must be "true" or "false"/);
    expect(() => parseEnv({ ...development, SHUTDOWN_TIMEOUT_MS: "30s" })).toThrow(/SHUTDOWN_TIMEOUT_MS must be a time in milliseconds/);
  });

  it("needs the S3 bucket (and both halves of a key, or neither) only when files go to S3", () => {
    expect(parseEnv(development)).toMatchObject({ S3_REGION: "us-east-1", S3_FORCE_PATH_STYLE: "false" });
    expect(parseEnv(development).S3_BUCKET).toBeUndefined();
    expect(() => parseEnv({ ...development, ATTACHMENT_STORAGE: "s3" })).toThrow(
      "Invalid configuration:\n  S3_BUCKET is missing: set it to the bucket that holds dispute files (required with ATTACHMENT_STORAGE=s3)",
    );
    const s3 = { ...development, ATTACHMENT_STORAGE: "s3", S3_BUCKET: "acme-portal-files" };
    // Neither key half: the AWS SDK's default credentials (instance role, ~/.aws, AWS_* variables).
    expect(parseEnv(s3)).toMatchObject({ ATTACHMENT_STORAGE: "s3", S3_BUCKET: "acme-portal-files", S3_REGION: "us-east-1", S3_FORCE_PATH_STYLE: "false" });
    expect(() => parseEnv({ ...s3, S3_ACCESS_KEY_ID: "AKIA123" })).toThrow(/S3_SECRET_ACCESS_KEY is missing: set it to the secret of S3_ACCESS_KEY_ID/);
    expect(() => parseEnv({ ...s3, S3_SECRET_ACCESS_KEY: "secret" })).toThrow(/S3_ACCESS_KEY_ID is missing/);
    expect(() => parseEnv({ ...s3, S3_BUCKET: "", S3_ACCESS_KEY_ID: "AKIA123" })).toThrow(/S3_BUCKET is missing.*\n.*S3_SECRET_ACCESS_KEY is missing/);
    const compatible = { ...s3, S3_REGION: "eu-central-1", S3_ENDPOINT: "https://minio.internal:9000", S3_ACCESS_KEY_ID: "portal", S3_SECRET_ACCESS_KEY: "secret", S3_FORCE_PATH_STYLE: "true", S3_PREFIX: "portal/files/" };
    expect(parseEnv(compatible)).toMatchObject({ S3_REGION: "eu-central-1", S3_ENDPOINT: "https://minio.internal:9000", S3_ACCESS_KEY_ID: "portal", S3_SECRET_ACCESS_KEY: "secret", S3_FORCE_PATH_STYLE: "true", S3_PREFIX: "portal/files/" });
  });

  it("gives a shutdown 25 s unless told, and names a deadline that is not a time", () => {
    expect(parseEnv(development).SHUTDOWN_TIMEOUT_MS).toBe(25000);
    expect(parseEnv({ ...development, SHUTDOWN_TIMEOUT_MS: "10000" }).SHUTDOWN_TIMEOUT_MS).toBe(10000);
    expect(() => parseEnv({ ...development, SHUTDOWN_TIMEOUT_MS: "25s" })).toThrow(/SHUTDOWN_TIMEOUT_MS must be a time in milliseconds/);
    expect(() => parseEnv({ ...development, SHUTDOWN_TIMEOUT_MS: "10" })).toThrow(/SHUTDOWN_TIMEOUT_MS must be .*at least 1000/);
  });
});
