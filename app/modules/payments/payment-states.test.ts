import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { PAYMENT_GROUPS, PAYMENT_STATUSES, PAYMENT_TRANSITIONS, paymentBadge, paymentStatesBefore } from "./payment-states";

const root = join(__dirname, "../../..");
const appDir = join(root, "app");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

const STATUS = `"(?:${PAYMENT_STATUSES.join("|")})"`;
// Two or more payment statuses in one list literal (["pending", "processing"], new Set([...])).
const listOfStatuses = new RegExp(`\\[\\s*${STATUS}\\s*,\\s*${STATUS}(?:\\s*,\\s*${STATUS})*\\s*\\]`);
// A payment's status compared with two statuses in one expression (p.status === "a" || p.status === "b").
const orOfStatuses = new RegExp(`\\.status\\s*[!=]==\\s*${STATUS}\\s*(?:\\|\\||&&)\\s*\\w+(?:\\?)?\\.status\\s*[!=]==\\s*${STATUS}`);

describe("the payment state machine lives in one file", () => {
  const files = sources(appDir).map((path) => ({ path: relative(root, path), text: readFileSync(path, "utf8") }));
  // Files about payments: the groups must come from payment-states.ts there (plans and disputes have their own machines).
  const aboutPayments = files.filter((f) => /payments?\b|PaymentStatus|payment\.status|paymentStatuses/.test(f.text) && !f.path.startsWith("app/modules/plans/") && !f.path.includes("disputes") && !f.path.includes("plan"));

  it("no file re-types a group of payment statuses", () => {
    const offenders = aboutPayments
      .filter((f) => f.path !== "app/modules/payments/payment-states.ts")
      .filter((f) => listOfStatuses.test(f.text) || orOfStatuses.test(f.text))
      .map((f) => f.path);
    expect(offenders).toEqual([]);
  });

  it("only transitionPayment writes payments.status", () => {
    const writes = files
      .filter((f) => f.path !== "app/modules/payments/transition-payment.server.ts")
      .filter((f) => {
        // Drizzle: update(payments).set({ …status… }) — up to the where() of that statement.
        const drizzle = [...f.text.matchAll(/update\(payments\)\s*\.set\(\{([\s\S]*?)\}\)/g)].some((m) => /\bstatus\s*:/.test(m[1]!));
        const rawSql = /update\s+payments\s+set\s+[^;]*\bstatus\s*=/i.test(f.text);
        return drizzle || rawSql;
      })
      .map((f) => f.path);
    expect(writes).toEqual([]);
  });

  it("finds a re-typed group when there is one (the check itself can fail)", () => {
    expect(listOfStatuses.test(`inArray(payments.status, ["pending", "processing"])`)).toBe(true);
    expect(orOfStatuses.test(`p.status === "processing" || p.status === "pending"`)).toBe(true);
    expect(/update\(payments\)\s*\.set\(\{([\s\S]*?)\}\)/.exec(`tx.update(payments).set({ status: "failed" })`)?.[1]).toMatch(/status:/);
  });
});

describe("the transition table", () => {
  it("ends in final states that go nowhere, and every group is made of real states", () => {
    for (const s of PAYMENT_GROUPS.final) expect(PAYMENT_TRANSITIONS[s]).toEqual([]);
    for (const group of Object.values(PAYMENT_GROUPS)) for (const s of group) expect(PAYMENT_STATUSES).toContain(s);
  });
  it("lets a bank debit fail after processing, but never cancels one", () => {
    expect(paymentStatesBefore("failed")).toEqual(["pending", "processing"]);
    expect(paymentStatesBefore("canceled")).toEqual(["pending"]);
    expect(paymentStatesBefore("processing")).toEqual(["pending"]);
  });
  it("reads a charged-back or refunded payment as people say it", () => {
    expect(paymentBadge({ status: "succeeded", amount: 100, amountRefunded: 100, chargebackState: "open" })).toBe("disputed");
    expect(paymentBadge({ status: "succeeded", amount: 100, amountRefunded: 40 })).toBe("partially_refunded");
    expect(paymentBadge({ status: "succeeded", amount: 100, amountRefunded: 0, chargebackState: "won" })).toBe("succeeded");
    expect(paymentBadge({ status: "failed", amount: 100, amountRefunded: 0 })).toBe("failed");
  });
});
