#!/usr/bin/env node
// Runs every suite (typecheck, lint, vitest, Playwright, the processes suite) even when one fails, then prints one
// line with the totals — `N passed, N failed` — and exits non-zero on any failure.
// Typecheck and lint count as one check each; vitest and Playwright count their tests.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { runCommand, runSuite } from "./suite-results.mjs";

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

// `--total A.json B.json…`: one line over several saved summaries (.ci/run runs the suite on two
// Node versions). A missing summary — a run that died before writing one — counts as a failure.
const total = process.argv.indexOf("--total");
if (total !== -1) {
  let [passed, failed] = [0, 0];
  for (const file of process.argv.slice(total + 1)) {
    if (!existsSync(file)) {
      failed++;
      continue;
    }
    const s = JSON.parse(readFileSync(file, "utf8"));
    passed += s.passed;
    failed += s.failed;
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

mkdirSync("reports", { recursive: true });
for (const f of [summaryFile, "reports/vitest.json", "reports/e2e.json", "reports/processes.json"]) rmSync(f, { force: true });

let passed = 0;
let failed = 0;
const steps = [];

for (const [name, cmd] of [["typecheck", "npm run -s typecheck"], ["lint", "npm run -s lint"]]) {
  const ok = runCommand(cmd);
  if (ok) passed++;
  else failed++;
  steps.push({ name, ok });
}

for (const [name, kind, cmd, report] of [
  ["vitest", "vitest", "npx vitest run", "reports/vitest.json"],
  ["e2e", "playwright", "npm run -s test:e2e", "reports/e2e.json"],
  // Several portal processes from build/, which the e2e step has just built (test/processes/).
  ["processes", "vitest", "npm run -s test:processes", "reports/processes.json"],
]) {
  const result = runSuite(kind, cmd, report);
  passed += result.passed;
  failed += result.failed;
  steps.push({ name, ok: result.ok });
}

writeFileSync(summaryFile, JSON.stringify({ passed, failed, steps }, null, 2));
console.log("");
process.exit(printSummary());
