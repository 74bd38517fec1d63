import { describe, expect, it } from "vitest";
import { afterFailure, chargeDateFromNotice, noticeDue, targetChargeDate } from "./autopay-rules";

describe("when autopay charges and tells", () => {
  it("targets the due date or days before it", () => {
    expect(targetChargeDate("2026-12-20", { timing: "due_date", daysBefore: 0 })).toBe("2026-12-20");
    expect(targetChargeDate("2026-12-20", { timing: "days_before", daysBefore: 5 })).toBe("2026-12-15");
  });
  it("tells a card 3 days ahead and a bank debit 10 days ahead; a late notice moves the debit, never shortens the notice", () => {
    expect(noticeDue("2026-12-20", "2026-12-16", "card")).toBe(false);
    expect(noticeDue("2026-12-20", "2026-12-17", "card")).toBe(true);
    expect(noticeDue("2026-12-20", "2026-12-10", "us_bank_account")).toBe(true);
    expect(chargeDateFromNotice("2026-12-20", "2026-12-17", "card")).toBe("2026-12-20");
    expect(chargeDateFromNotice("2026-12-20", "2026-12-15", "us_bank_account")).toBe("2026-12-25");
  });
});

describe("after a failed debit", () => {
  const bank = (code: string, attempts: number, today = "2026-12-10") => afterFailure({ method: "us_bank_account", code, attempts, firstTriedOn: "2026-12-01", today });
  it("retries R01/R09 (insufficient funds) at most twice within 180 days", () => {
    expect(bank("insufficient_funds", 1)).toEqual({ kind: "retry", on: "2026-12-15" });
    expect(bank("insufficient_funds", 2)).toEqual({ kind: "retry", on: "2026-12-15" });
    expect(bank("insufficient_funds", 3).kind).toBe("give_up");
    expect(bank("insufficient_funds", 1, "2027-05-28").kind).toBe("give_up");
  });
  it("stops at once on R02/R03/R04 and R10/R29, naming why", () => {
    expect(bank("account_closed", 1)).toEqual({ kind: "stop", reason: "Your bank says the account is closed." });
    expect(bank("no_account", 1)).toEqual({ kind: "stop", reason: "Your bank could not find the account." });
    expect(bank("invalid_account_number", 1).kind).toBe("stop");
    expect(bank("debit_not_authorized", 1).kind).toBe("stop");
  });
  it("retries a card decline by the plans' policy (3, 5, 7 days), then gives up", () => {
    const card = (attempts: number) => afterFailure({ method: "card", code: "card_declined", attempts, firstTriedOn: "2026-12-01", today: "2026-12-10" });
    expect(card(1)).toEqual({ kind: "retry", on: "2026-12-13" });
    expect(card(3)).toEqual({ kind: "retry", on: "2026-12-17" });
    expect(card(4).kind).toBe("give_up");
  });
});
