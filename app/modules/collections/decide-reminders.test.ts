import { describe, expect, it } from "vitest";
import { applySends, decideReminders, type AccountFacts, type InvoiceFacts } from "./decide-reminders";

const steps = [-3, 0, 7, 14, 30].map((offsetDays) => ({ id: `s${offsetDays}`, offsetDays, channel: "email" as const }));
const invoice = (over: Partial<InvoiceFacts> = {}): InvoiceFacts => ({
  id: "inv_1",
  number: "INV-1",
  externalId: null,
  currency: "USD",
  dueDate: "2026-12-10",
  balance: 500_00,
  amountDisputed: 0,
  amountPending: 0,
  onPlan: false,
  lastSentOffset: null,
  ...over,
});
const account = (over: Partial<AccountFacts> = {}): AccountFacts => ({ accountId: "acc_1", onHold: false, holdReason: null, canEmail: true, steps, invoices: [invoice()], promises: [], ...over });

describe("decideReminders", () => {
  it("sends the step that falls due on the day, and nothing on days between steps", () => {
    expect(decideReminders(account(), "2026-12-06")).toEqual([]);
    expect(decideReminders(account(), "2026-12-07")).toMatchObject([{ action: "send", offsetDays: -3, reason: "sent step −3", amountDue: 500_00 }]);
    expect(decideReminders(account({ invoices: [invoice({ lastSentOffset: -3 })] }), "2026-12-09")).toEqual([]);
  });

  it("never sends a step again, and after missed days sends only the latest, logging the others as superseded", () => {
    expect(decideReminders(account({ invoices: [invoice({ lastSentOffset: 7 })] }), "2026-12-20")).toEqual([]);
    const late = decideReminders(account({ invoices: [invoice({ lastSentOffset: -3 })] }), "2026-12-25");
    expect(late.map((d) => [d.action, d.offsetDays, d.reason])).toEqual([
      ["skip", 0, "superseded by step +14"],
      ["skip", 7, "superseded by step +14"],
      ["send", 14, "sent step +14"],
    ]);
  });

  it("chases only the undisputed part and skips what is held, processing, on a plan, promised or on hold", () => {
    const on = "2026-12-10";
    expect(decideReminders(account({ invoices: [invoice({ amountDisputed: 200_00 })] }), on).at(-1)).toMatchObject({ action: "send", amountDue: 300_00, amountOnHold: 200_00 });
    expect(decideReminders(account({ invoices: [invoice({ amountDisputed: 500_00 })] }), on)[0]).toMatchObject({ action: "skip", reason: "held in an open dispute" });
    expect(decideReminders(account({ invoices: [invoice({ amountPending: 100_00 })] }), on)[0]).toMatchObject({ action: "skip", reason: "payment processing" });
    expect(decideReminders(account({ invoices: [invoice({ onPlan: true })] }), on)[0]).toMatchObject({ action: "skip", reason: "on a payment plan" });
    expect(decideReminders(account({ onHold: true, holdReason: "legal" }), on)[0]).toMatchObject({ action: "skip", reason: "account on hold: legal" });
    expect(decideReminders(account({ canEmail: false }), on)[0]).toMatchObject({ action: "skip", reason: "no billing contact to email" });
    const promised = account({ promises: [{ id: "p", promisedFor: "2026-12-15", graceDays: 2, invoiceIds: ["inv_1"] }] });
    expect(decideReminders(promised, "2026-12-17")[0]).toMatchObject({ action: "skip", reason: "promise to pay until 2026-12-15" });
    expect(decideReminders(promised, "2026-12-18").at(-1)).toMatchObject({ action: "send", offsetDays: 7 });
  });

  it("applySends moves each sent invoice on to its step", () => {
    const facts = account();
    const next = applySends(facts, decideReminders(facts, "2026-12-10"));
    expect(next.invoices[0]!.lastSentOffset).toBe(0);
    expect(decideReminders(next, "2026-12-10")).toEqual([]);
  });
});
