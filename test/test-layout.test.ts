/**
 * Keeps the test layout honest:
 * - the `unit` project holds exactly the test files that import no database (decided by what
 *   they import, followed through every module, not by their names), so a unit run never needs
 *   PostgreSQL and a pure test is not left waiting for one;
 * - no test that has a database reads the demo seed: each makes its own data (test/factories.ts,
 *   the e2e `data` fixture), so tests do not depend on each other or on the order they run in.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { build, type Plugin } from "esbuild";
import { globSync } from "tinyglobby";
import { describe, expect, it } from "vitest";
import { unitTests } from "../vitest.config";

const root = path.resolve(import.meta.dirname, "..");
const ignore = ["**/node_modules/**", "build/**", ".data/**", "stripe-emulator/**"];
// test/processes/ is a project of its own (real portal processes, VITEST_PROCESSES=1): neither unit nor integration.
const testFiles = globSync(["app/**/*.test.{ts,tsx}", "db/**/*.test.ts", "server/**/*.test.ts", "scripts/**/*.test.ts", "test/**/*.test.ts"], { cwd: root, ignore: [...ignore, "test/processes/**"] }).sort();
const unitFiles = new Set(globSync(unitTests, { cwd: root, ignore }));
const isUnit = (file: string) => unitFiles.has(file);

/** The repository's ~ and #db aliases, resolved as vitest does. */
const aliases: Plugin = {
  name: "aliases",
  setup(b) {
    b.onResolve({ filter: /^(~|#db)\// }, (args) => {
      const target = args.path.startsWith("~/") ? path.join(root, "app", args.path.slice(2)) : path.join(root, "db", args.path.slice(4));
      return b.resolve(`./${path.relative(root, target)}`, { kind: args.kind, resolveDir: root });
    });
  },
};

/** What in the repository a test file imports, directly or not, that opens a database. */
async function databaseImports(file: string): Promise<string[]> {
  const result = await build({ entryPoints: [path.join(root, file)], absWorkingDir: root, bundle: true, write: false, metafile: true, platform: "node", format: "esm", packages: "external", logLevel: "silent", plugins: [aliases] });
  return Object.keys(result.metafile.inputs).filter((input) => /^(app\/db\.server\.ts|db\/embedded-postgres\.ts|db\/migrate\.ts|test\/(helpers|factories|setup-database)\.ts)$/.test(input));
}

describe("the vitest projects", () => {
  it("put every test file without a database in `unit`, and every one with a database in `integration`", { timeout: 60_000 }, async () => {
    const misplaced: string[] = [];
    for (const file of testFiles) {
      const db = await databaseImports(file);
      if (isUnit(file) && db.length > 0) misplaced.push(`${file} is in unit (vitest.config.ts) but imports ${db.join(", ")}: it is an integration test`);
      if (!isUnit(file) && db.length === 0) misplaced.push(`${file} imports no database: list it in unitTests (vitest.config.ts)`);
    }
    expect(misplaced).toEqual([]);
  });
});

/**
 * Demo-seed identifiers: its account numbers and ERP ids, invoice numbers, people, and the ways
 * to load it. Unit tests have no database, so a demo name there is only a string and is not
 * checked; the seed's own tests (db/seed*.test.ts) may read it.
 */
const demoIdentifiers = [
  /\bC-100[1-4]\b/,
  /\bERP-(100[1-4]|INV-1\d{4})\b/,
  /\bINV-1\d{4}\b/,
  /\bPO-4521\b/,
  /\b(pat|gus)@northwind\.example|\b(olivia|gus)@globex\.example|\bsam@initech\.example|\b(agent|admin)@acme\.example/,
  /#db\/seed["']/,
  /\bdemo(Users|Invoice)\b/,
  /\bseed\(\)/,
  /\bdemo\.(pat|olivia|sam|agent|admin)\b/,
];

/**
 * Integration tests of the domain modules that still read the seed, converted by their owners
 * (issue 18). Remove a file from here once it makes its own data; the check below fails on a
 * file listed here that no longer needs to be.
 */
const stillOnTheSeed = new Set<string>([]);

function demoReferences(file: string): string[] {
  const lines = readFileSync(path.join(root, file), "utf8").split("\n");
  return lines.flatMap((line, i) => (demoIdentifiers.some((re) => re.test(line)) ? [`${file}:${i + 1}: ${line.trim().slice(0, 120)}`] : []));
}

describe("tests make their own data", () => {
  const checked = [...testFiles.filter((f) => !isUnit(f) && !/^db\/seed[^/]*\.test\.ts$/.test(f)), ...globSync(["e2e/**/*.ts"], { cwd: root, ignore }).sort()];

  it("no end-to-end spec or integration test reads the demo seed", () => {
    const found = checked.filter((f) => !stillOnTheSeed.has(f)).flatMap(demoReferences);
    expect(found, "use the factories (test/factories.ts; the e2e `data` fixture) instead of the demo seed").toEqual([]);
  });

  it("lists only files that still read it as pending", () => {
    expect([...stillOnTheSeed].filter((f) => !checked.includes(f) || demoReferences(f).length === 0)).toEqual([]);
  });

  it("recognises a demo identifier (the check can fail)", () => {
    for (const line of ['await signInAs(demo.pat);', 'where number = \'C-1003\'', '"INV-10001"', 'import { seed } from "~/x"; await seed();', '"olivia@globex.example"']) {
      expect(demoIdentifiers.some((re) => re.test(line)), line).toBe(true);
    }
    for (const line of ['"INV-1"', '"C-EDGE-E2E"', '"ar@acme.example"', 'await data.payer()']) {
      expect(demoIdentifiers.some((re) => re.test(line)), line).toBe(false);
    }
  });
});
