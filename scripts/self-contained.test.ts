import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";

// The checkout must carry everything its code, tests and docs read: a path into the machine it
// was written on (like the Stripe fixtures once were) fails elsewhere.
const machinePath = ["", "work", ""].join("/");
const skip = new Set(["node_modules", ".git", ".data", "build", "reports", "test-results", "playwright-report", ".cache"]);

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (skip.has(name) || name.startsWith(".") && name !== ".ci") continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* files(full);
    else if (/\.(ts|tsx|mjs|js|json|md|sh)$|^run$/.test(name) && name !== "package-lock.json") yield full;
  }
}

it("no file refers to an absolute path outside the repository", () => {
  const offenders = [...files(".")].filter((f) => readFileSync(f, "utf8").includes(machinePath));
  expect(offenders).toEqual([]);
});
