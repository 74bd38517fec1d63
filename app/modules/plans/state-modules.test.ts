import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { installmentStatuses, planStatuses } from "#db/schema/plan-values";
import { INSTALLMENT_TRANSITIONS, installmentStatusesBefore, installmentStatusLabels } from "./installment-states";
import { canMovePlan, ENDED_PLAN_STATUSES, HOLDING_PLAN_STATUSES, PLAN_TRANSITIONS, planStatusesBefore, planStatusLabels } from "./plan-states";

/**
 * Each plan and installment status group exists once, in plan-states.ts / installment-states.ts,
 * and statuses are written only by the transition functions: this test reads app/ and fails
 * when a route, component or module re-types a group or writes a status by itself.
 */

const root = join(__dirname, "..", "..");
const allowed = new Set(["modules/plans/plan-states.ts", "modules/plans/installment-states.ts", "modules/plans/transition-plan.server.ts", "modules/plans/transition-installments.server.ts"]);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

const files = sources(root).map((path) => ({ path: relative(root, path), text: readFileSync(path, "utf8") }));
/** Files about plans: where a list of "active", "paused"… means plan statuses, not another table's. */
const aboutPlans = files.filter((f) => !allowed.has(f.path) && (/(^|\/)[^/]*plans?[^/]*$|\/plans\//.test(f.path) || /paymentPlans|installments\b|PlanStatus|InstallmentStatus/.test(f.text)));

const planSet = new Set<string>(planStatuses);
const installmentSet = new Set<string>(installmentStatuses);
const ofOneMachine = (words: string[]) => words.length >= 2 && (words.every((w) => planSet.has(w)) || words.every((w) => installmentSet.has(w)));

/** `["active", "paused"]`-style lists of status literals. */
function statusLists(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/\[\s*("[a-z_]+"(?:\s*,\s*"[a-z_]+")+)\s*,?\s*\]/g)) {
    const words = [...match[1]!.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]!);
    if (ofOneMachine(words)) found.push(match[0]);
  }
  return found;
}

/** `status === "active" || status === "paused"`-style groups spelled as comparisons. */
function statusComparisons(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/([\w.]*status)\s*===\s*"([a-z_]+)"(?:\s*\|\|\s*\1\s*===\s*"([a-z_]+)")+/gi)) {
    const words = [...match[0].matchAll(/"([a-z_]+)"/g)].map((m) => m[1]!);
    if (ofOneMachine(words)) found.push(match[0]);
  }
  return found;
}

describe("the plan and installment state machines", () => {
  it("finds the files it checks (the scan itself works)", () => {
    expect(aboutPlans.some((f) => f.path === "routes/_portal.plans.$planId.tsx")).toBe(true);
    expect(statusLists(`const RUNNING = ["authorizing", "awaiting_approval", "active", "paused"];`)).toHaveLength(1);
    expect(statusLists(`const ok = ["processing", "succeeded"];`)).toHaveLength(0);
    expect(statusComparisons(`plan.status === "active" || plan.status === "paused"`)).toHaveLength(1);
  });

  it("no route, component or module re-types a status group", () => {
    const offenders = aboutPlans.flatMap((f) => [...statusLists(f.text), ...statusComparisons(f.text)].map((what) => `${f.path}: ${what}`));
    expect(offenders).toEqual([]);
  });

  it("only the transition functions write a plan's or an installment's status", () => {
    const writes = files
      .filter((f) => !allowed.has(f.path))
      .flatMap((f) => [...f.text.matchAll(/\.update\((paymentPlans|installments)\)\s*\.set\(\{[^}]*\bstatus\s*:/g)].map((m) => `${f.path}: ${m[0].replace(/\s+/g, " ")}`));
    expect(writes).toEqual([]);
  });

  it("every state has a label, ended plans go nowhere, and each move's 'from' list is the table read backwards", () => {
    for (const s of planStatuses) expect(planStatusLabels[s]).toBeTruthy();
    for (const s of installmentStatuses) expect(installmentStatusLabels[s]).toBeTruthy();
    for (const s of ENDED_PLAN_STATUSES) expect(PLAN_TRANSITIONS[s]).toEqual([]);
    for (const s of HOLDING_PLAN_STATUSES) expect(canMovePlan(s, "canceled")).toBe(true);
    expect(planStatusesBefore("paused")).toEqual(["active"]);
    expect(planStatusesBefore("declined")).toEqual(["awaiting_approval"]);
    expect(installmentStatusesBefore("paid").sort()).toEqual(["paying", "processing"]);
    expect(INSTALLMENT_TRANSITIONS.paid).toEqual([]);
  });
});
