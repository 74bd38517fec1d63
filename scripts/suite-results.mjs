// How scripts/test.mjs turns a vitest or Playwright run into passed/failed counts. A run counts
// as failed when its command failed, even if its report says nothing failed — or has no report.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";

/**
 * @param {string} command shell command
 * @param {{ env?: NodeJS.ProcessEnv; quiet?: boolean }} [options]
 * @returns {boolean} whether it exited 0
 */
export function runCommand(command, options = {}) {
  if (!options.quiet) console.log(`\n▶ ${command}`);
  return spawnSync(command, { stdio: options.quiet ? "pipe" : "inherit", shell: true, env: options.env ?? process.env }).status === 0;
}

/** @param {string} file */
const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined);

/**
 * Tests of a vitest JSON report; a test file that failed without a failing test (it threw while
 * loading: "no tests") counts as one failure, and so does a failed run that reports none.
 * @param {any} report parsed reports/vitest.json, or undefined when vitest wrote none
 * @param {boolean} exitedOk
 */
export function countVitest(report, exitedOk) {
  if (!report) return { passed: 0, failed: 1 };
  const filesFailedWithoutATest = report.testResults.filter(
    (/** @type {any} */ file) => file.status === "failed" && !file.assertionResults.some((/** @type {any} */ t) => t.status === "failed"),
  ).length;
  let failed = report.numFailedTests + filesFailedWithoutATest;
  if (failed === 0 && (!exitedOk || report.success === false || report.numFailedTestSuites > 0)) failed = 1;
  return { passed: report.numPassedTests, failed };
}

/**
 * Tests of a Playwright JSON report; errors outside tests (a spec that does not load, a web
 * server that does not start) count as failures too.
 * @param {any} report
 * @param {boolean} exitedOk
 */
export function countPlaywright(report, exitedOk) {
  if (!report) return { passed: 0, failed: 1 };
  let failed = report.stats.unexpected + (report.errors?.length ?? 0);
  if (failed === 0 && !exitedOk) failed = 1;
  return { passed: report.stats.expected + report.stats.flaky, failed };
}

/**
 * Runs a suite whose command writes a JSON report to `reportFile` and counts it.
 * @param {"vitest" | "playwright"} kind
 * @param {string} command
 * @param {string} reportFile
 * @param {{ env?: NodeJS.ProcessEnv; quiet?: boolean }} [options]
 */
export function runSuite(kind, command, reportFile, options = {}) {
  rmSync(reportFile, { force: true });
  const ok = runCommand(command, options);
  const report = readJson(reportFile);
  const counts = kind === "vitest" ? countVitest(report, ok) : countPlaywright(report, ok);
  return { ok: ok && counts.failed === 0, ...counts };
}
