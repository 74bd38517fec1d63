import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { disputeStatuses } from "#db/schema/dispute-values";
import { allowedFrom, canMove, canTransition, closedDisputeStatuses, disputeTransitions, isClosed, isOpen, messageTransition, openDisputeStatuses, statusLabels } from "./policy";

describe("the dispute state machine", () => {
  it("splits every status into open or closed, and labels each", () => {
    expect([...openDisputeStatuses, ...closedDisputeStatuses].sort()).toEqual([...disputeStatuses].sort());
    for (const status of disputeStatuses) {
      expect(isOpen(status)).toBe(!isClosed(status));
      expect(statusLabels[status]).toBeTruthy();
    }
  });

  it("never leaves a closed status, and closes only through resolve, reject or withdraw", () => {
    for (const [trigger, moves] of Object.entries(disputeTransitions)) {
      for (const [from, tos] of Object.entries(moves) as Array<[(typeof disputeStatuses)[number], readonly (typeof disputeStatuses)[number][]]>) {
        expect(isClosed(from), `${trigger} from ${from}`).toBe(false);
        for (const to of tos) if (isClosed(to)) expect(["resolve", "reject", "withdraw"]).toContain(trigger);
      }
    }
    expect(canMove("open", "resolved")).toBe(false);
    expect(canMove("waiting_on_customer", "open")).toBe(false);
    expect(canTransition("withdraw", "in_review", "withdrawn")).toBe(true);
    expect(allowedFrom("resolve", "resolved").sort()).toEqual([...openDisputeStatuses].sort());
  });

  it("moves on messages: a staff reply takes an open dispute into review, an answer takes it out of waiting", () => {
    expect(messageTransition("open", { side: "staff", kind: "reply" })).toEqual({ trigger: "staff_reply", to: "in_review" });
    expect(messageTransition("in_review", { side: "staff", kind: "info_request" })).toEqual({ trigger: "info_request", to: "waiting_on_customer" });
    expect(messageTransition("waiting_on_customer", { side: "customer", kind: "reply" })).toEqual({ trigger: "customer_reply", to: "in_review" });
    expect(messageTransition("open", { side: "staff", kind: "internal_note" })).toBeNull();
    expect(messageTransition("open", { side: "customer", kind: "reply" })).toBeNull();
  });
});

/** The state module itself, and the schema's list of values it is built on. */
const owners = new Set(["app/modules/disputes/policy.ts", "db/schema/dispute-values.ts"]);
const statusLiteral = /["'`](open|in_review|waiting_on_customer|resolved|rejected|withdrawn)["'`]/g;

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* sources(full);
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) yield full;
  }
}

it("no route, component or module re-types a dispute status group (use policy.ts)", () => {
  const offenders: string[] = [];
  for (const file of [...sources("app"), ...sources("db/schema")]) {
    if (owners.has(file)) continue;
    const text = readFileSync(file, "utf8");
    if (!/dispute/i.test(text)) continue;
    text.split("\n").forEach((line, i) => {
      // An own isClosed/isOpen/isActive, or two status names on one line (a list or an `||` chain).
      const names = new Set([...line.matchAll(statusLiteral)].map((m) => m[1]));
      const ownPredicate = /(const|function)\s+is(Closed|Open|Active|Ended)\b/.test(line);
      const twoDisputeOnly = [...names].filter((n) => n !== "open").length >= 1 && names.size >= 2;
      if (ownPredicate || twoDisputeOnly) offenders.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`);
    });
  }
  expect(offenders, "import the group or predicate from app/modules/disputes/policy.ts").toEqual([]);
});
