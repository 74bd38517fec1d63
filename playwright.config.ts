import { defineConfig, devices } from "@playwright/test";
import { e2e } from "./e2e/support/config";

// Playwright cannot download browsers here: use Debian's Chromium, kept off the network.
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
  ],
};

const moneySpecs = /(payments|payment-terms|disputes|admin-disputes|import|microdeposits)\.spec\.ts/;

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 2,
  retries: 0,
  timeout: 30_000,
  reporter: [["list"], ["json", { outputFile: "reports/e2e.json" }]],
  use: {
    baseURL: e2e.appUrl,
    trace: "retain-on-failure",
    launchOptions: chromium,
  },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], launchOptions: chromium }, testIgnore: [moneySpecs, /plans\.spec\.ts/, /(reminders|autopay)\.spec\.ts/, /notification-preferences\.spec\.ts/, /malformed-input\.spec\.ts/] },
    { name: "phone", use: { ...devices["Pixel 7"], launchOptions: chromium }, testMatch: /responsive\.spec\.ts/ },
    // The narrowest common Android width: the same checks at 360 px.
    { name: "phone-360", use: { ...devices["Pixel 7"], viewport: { width: 360, height: 780 }, screen: { width: 360, height: 780 }, launchOptions: chromium }, testMatch: /responsive\.spec\.ts/ },
    // Payments, credits, disputes and imports. Every spec makes its own data (e2e/support: `data`,
    // `signInAs`), so these no longer wait for the read-only projects: they run beside them.
    { name: "money", use: { ...devices["Desktop Chrome"], launchOptions: chromium }, testMatch: moneySpecs },
    // Plans move the portal's clock, which every page's dates follow: they run alone, last.
    { name: "plans", use: { ...devices["Desktop Chrome"], launchOptions: chromium }, testMatch: /plans\.spec\.ts/, dependencies: ["desktop", "phone", "phone-360", "money"] },
    // Reminders move the clock too, and press "Run reminders now" for every account: after plans, alone.
    { name: "reminders", use: { ...devices["Desktop Chrome"], launchOptions: chromium }, testMatch: /reminders\.spec\.ts/, dependencies: ["plans"] },
    // Autopay moves the portal's clock too: alone, after the reminders (two clock-moving specs at once see each other's dates).
    { name: "autopay", use: { ...devices["Desktop Chrome"], launchOptions: chromium }, testMatch: /autopay\.spec\.ts/, dependencies: ["reminders"] },
    // Notification preferences press "Run reminders now" too (real date): after reminders, alone.
    { name: "notifications", use: { ...devices["Desktop Chrome"], launchOptions: chromium }, testMatch: /notification-preferences\.spec\.ts/, dependencies: ["autopay"] },
    // Malformed input to every route, checking that nothing is written: it compares the whole
    // database before and after, so it runs alone, after every spec that writes.
    { name: "hardening", testMatch: /malformed-input\.spec\.ts/, dependencies: ["notifications"] },
  ],
  webServer: [
    {
      command: "tsx e2e/support/mail-catcher.ts",
      url: `http://127.0.0.1:${e2e.mailApiPort}/health`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: "tsx e2e/support/start-app.ts",
      url: `${e2e.appUrl}/healthz`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});
