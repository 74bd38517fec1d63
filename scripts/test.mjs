#!/usr/bin/env node
// Runs every suite (typecheck, lint, vitest, Playwright) even when one fails, then prints one
// line with the totals — `N passed, N failed` — and exits non-zero on any failure.
// Typecheck and lint count as one check each; vitest and Playwright count their tests.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const summaryFile = "reports/summary.json";

function printSummary() {
  const s = JSON.parse(readFileSync(summaryFile, "utf8"));
  console.log(`${s.passed} passed, ${s.failed} failed`);
  return s.failed === 0 ? 0 : 1;
}

if (process.argv.includes("--summary")) {
  if (existsSync(summaryFile)) process.exit(printSummary());
  console.log("0 passed, 1 failed");
  process.exit(1);
}

mkdirSync("reports", { recursive: true });
for (const f of [summaryFile, "reports/vitest.json", "reports/e2e.json"]) rmSync(f, { force: true });

const run = (cmd) => {
  console.log(`\n▶ ${cmd}`);
  return spawnSync(cmd, { stdio: "inherit", shell: true }).status === 0;
};
const readJson = (f) => (existsSync(f) ? JSON.parse(readFileSync(f, "utf8")) : undefined);

let passed = 0;
let failed = 0;
const steps = [];

for (const [name, cmd] of [["typecheck", "npm run -s typecheck"], ["lint", "npm run -s lint"]]) {
  const ok = run(cmd);
  if (ok) passed++;
  else failed++;
  steps.push({ name, ok });
}

const vitestOk = run("npx vitest run");
const vitest = readJson("reports/vitest.json");
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests + (vitestOk || vitest.numFailedTests > 0 ? 0 : 1);
} else failed++;
steps.push({ name: "vitest", ok: vitestOk });

const e2eOk = run("npm run -s test:e2e");
const e2e = readJson("reports/e2e.json");
if (e2e) {
  passed += e2e.stats.expected + e2e.stats.flaky;
  failed += e2e.stats.unexpected + (e2eOk || e2e.stats.unexpected > 0 ? 0 : 1);
} else failed++;
steps.push({ name: "e2e", ok: e2eOk });

writeFileSync(summaryFile, JSON.stringify({ passed, failed, steps }, null, 2));
console.log("");
process.exit(printSummary());
