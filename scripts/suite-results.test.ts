import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { countPlaywright, countVitest, runSuite } from "./suite-results.mjs";

const config = "test/fixtures/ci-failing-suite/vitest.config.ts";
const dir = mkdtempSync(path.join(tmpdir(), "ci-suite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A child vitest must not think it runs inside this one. */
function childEnv(report: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "TEST"));
  return { ...env, NODE_ENV: "test", CI_FIXTURE_REPORT: report };
}

describe("a vitest run with a suite that throws at import", () => {
  it("exits non-zero", () => {
    const report = path.join(dir, "exit.json");
    const run = spawnSync("npx", ["vitest", "run", "--config", config], { env: childEnv(report), encoding: "utf8" });
    expect(run.status, run.stdout + run.stderr).not.toBe(0);
  }, 60_000);

  it("is counted as a failure by the CI script", () => {
    const report = path.join(dir, "count.json");
    const result = runSuite("vitest", `npx vitest run --config ${config}`, report, { quiet: true, env: childEnv(report) });
    expect(result).toEqual({ ok: false, passed: 1, failed: 1 });
  }, 60_000);
});

describe("counting a vitest report", () => {
  const report = (files: Array<{ status: string; tests: string[] }>) => ({
    numPassedTests: files.flatMap((f) => f.tests).filter((t) => t === "passed").length,
    numFailedTests: files.flatMap((f) => f.tests).filter((t) => t === "failed").length,
    numFailedTestSuites: files.filter((f) => f.status === "failed").length,
    success: files.every((f) => f.status === "passed"),
    testResults: files.map((f) => ({ status: f.status, assertionResults: f.tests.map((status) => ({ status })) })),
  });

  it("counts failed tests once, and a file that failed without a test as one more", () => {
    const r = report([{ status: "failed", tests: ["passed", "failed", "failed"] }, { status: "failed", tests: [] }, { status: "passed", tests: ["passed"] }]);
    expect(countVitest(r, false)).toEqual({ passed: 2, failed: 3 });
  });

  it("counts a failed run without a report, or with a clean report, as a failure", () => {
    expect(countVitest(undefined, false)).toEqual({ passed: 0, failed: 1 });
    expect(countVitest(report([{ status: "passed", tests: ["passed"] }]), false)).toEqual({ passed: 1, failed: 1 });
    expect(countVitest(report([{ status: "passed", tests: ["passed"] }]), true)).toEqual({ passed: 1, failed: 0 });
  });
});

describe("counting a Playwright report", () => {
  it("counts errors outside tests as failures", () => {
    const stats = { expected: 4, flaky: 1, unexpected: 0 };
    expect(countPlaywright({ stats, errors: [{ message: "spec did not load" }] }, false)).toEqual({ passed: 5, failed: 1 });
    expect(countPlaywright({ stats, errors: [] }, true)).toEqual({ passed: 5, failed: 0 });
    expect(countPlaywright(undefined, false)).toEqual({ passed: 0, failed: 1 });
  });
});
