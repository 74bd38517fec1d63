import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * Three projects, so pure code can be tested in seconds:
 * - `unit`: modules that import no database (money, dates, text, allocation rules, schedule,
 *   upload policy, env, …). No PostgreSQL starts; DATABASE_URL points at a port
 *   nothing listens on, so a unit test that reaches the database fails at once (test/unit-setup.ts).
 *   A file belongs here by what it imports, not by its name: `test/unit-tests.test.ts` checks
 *   that no file listed here imports the database, and that every file left out does.
 * - `integration`: everything else, each file on its own copy of a migrated PostgreSQL database.
 * - `stripe-emulator`: the emulator package's own config and tests (no database, no aliases into the portal).
 *
 * `npx vitest run` runs all three; `npx vitest run --project unit` only the fast ones.
 *
 * A fourth, `processes` (test/processes/), starts several real portal processes from build/ and
 * takes minutes: only with VITEST_PROCESSES=1 (`npm run test:processes`, after `npx remix build`).
 */
export const unitTests = [
  "app/env.server.test.ts",
  "app/modules/analytics/receivables-formulas.test.ts",
  "app/modules/collections/decide-reminders.test.ts",
  "app/modules/terms/quote-rules.test.ts",
  "app/modules/autopay/autopay-rules.test.ts",
  "app/modules/fees/late-fee-rules.test.ts",
  "app/modules/methods/method-details.test.ts",
  "app/modules/disputes/policy.test.ts",
  "app/modules/invoices/render-pdf.test.ts",
  "app/modules/invoices/status.test.ts",
  "app/modules/notifications/email-footers.test.ts",
  "app/modules/payments/allocation-rules.test.ts",
  "app/modules/payments/payment-forms.test.ts",
  "app/modules/payments/payment-states.test.ts",
  "app/modules/payments/payer-wording.test.ts",
  "app/modules/plans/state-modules.test.ts",
  "app/modules/storage/read-upload-form.test.ts",
  "app/modules/storage/upload-policy.test.ts",
  "app/modules/webhooks/destination.test.ts",
  "app/modules/webhooks/ip-ranges.test.ts",
  "app/utils/*.test.ts",
  "db/schema/ids.test.ts",
  "scripts/*.test.ts",
  "server/access-log.test.ts",
  "server/graceful-shutdown.test.ts",
  "server/stripe-webhook.test.ts",
  "test/*.test.ts",
];

const allTests = ["app/**/*.test.{ts,tsx}", "db/**/*.test.ts", "server/**/*.test.ts", "scripts/**/*.test.ts", "test/**/*.test.ts"];

export default defineConfig({
  resolve: {
    alias: {
      "~": path.resolve("app"),
      "#db": path.resolve("db"),
    },
  },
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    reporters: ["default", ["json", { outputFile: process.env.VITEST_PROCESSES === "1" ? "reports/processes.json" : "reports/vitest.json" }]],
    projects: [
      {
        extends: true,
        test: { name: "unit", include: unitTests, exclude: ["**/node_modules/**"], setupFiles: ["./test/unit-setup.ts"] },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: allTests,
          exclude: ["**/node_modules/**", "test/processes/**", ...unitTests],
          globalSetup: ["./test/global-setup.ts"],
          setupFiles: ["./test/setup-database.ts"],
        },
      },
      // The emulator package's own config: no database, no aliases into the portal.
      "./stripe-emulator/vitest.config.ts",
      ...(process.env.VITEST_PROCESSES === "1" ? [{ extends: true as const, test: { name: "processes", include: ["test/processes/**/*.test.ts"], testTimeout: 180_000, hookTimeout: 120_000, fileParallelism: false } }] : []),
    ],
  },
});
