import { parseWithZod } from "@conform-to/zod/v4";
import { describe, expect, it } from "vitest";
import { cancelPaymentSchema, payFormSchema, refundFormSchema } from "./payment-forms";

const attemptId = "attempt-0123456789abcdef";

describe("the pay form's schema", () => {
  const invoices = [
    { id: "inv_a", currency: "USD", payable: 2_000_00 },
    { id: "inv_b", currency: "USD", payable: 50_00 },
  ];
  it("turns typed amounts into minor units once, and drops the invoices left at 0", () => {
    const form = new URLSearchParams([["invoice", "inv_a"], ["invoice", "inv_b"], ["attemptId", attemptId], ["amount_inv_a", "$1,234.56"], ["amount_inv_b", "0"], ["save", "on"], ["method", "spm_1"]]);
    expect(parseWithZod(form, { schema: payFormSchema(invoices) })).toMatchObject({
      status: "success",
      value: { attemptId, savePaymentMethod: true, savedMethodId: "spm_1", amounts: [{ invoiceId: "inv_a", amount: 123456 }] },
    });
  });
  it("refuses an amount it cannot read at its field, with an example from the payable balance, and an expired form", () => {
    const form = new URLSearchParams([["attemptId", "short"], ["amount_inv_a", "12.345"], ["amount_inv_b", ""]]);
    const result = parseWithZod(form, { schema: payFormSchema(invoices) });
    expect(result).toMatchObject({ status: "error" });
    expect((result as { error: unknown }).error).toMatchObject({
      attemptId: ["This form has expired. Reload the page and try again."],
      amount_inv_a: ["Enter an amount like 2000.00."],
      amount_inv_b: ["Enter an amount like 50.00."],
    });
  });
  it("reads amounts with the currency's own digits", () => {
    const form = new URLSearchParams([["attemptId", attemptId], ["amount_inv_y", "1,500"]]);
    expect(parseWithZod(form, { schema: payFormSchema([{ id: "inv_y", currency: "JPY", payable: 5000 }]) })).toMatchObject({ value: { amounts: [{ invoiceId: "inv_y", amount: 1500 }] } });
    const fraction = new URLSearchParams([["attemptId", attemptId], ["amount_inv_y", "15.5"]]);
    expect(parseWithZod(fraction, { schema: payFormSchema([{ id: "inv_y", currency: "JPY", payable: 5000 }]) }).status).toBe("error");
  });
});

describe("the refund and cancel forms' schemas", () => {
  it("keeps only the invoices given an amount, and the reason trimmed", () => {
    const form = new URLSearchParams([["refund_inv_a", ""], ["refund_inv_b", "10.00"], ["reason", "  Goodwill  "]]);
    const schema = refundFormSchema({ currency: "USD", allocations: [{ invoiceId: "inv_a", number: "A-1" }, { invoiceId: "inv_b", number: "B-1" }] });
    expect(parseWithZod(form, { schema })).toMatchObject({ status: "success", value: { reason: "Goodwill", parts: [{ invoiceId: "inv_b", amount: 1000 }] } });
    const bad = parseWithZod(new URLSearchParams([["refund_inv_a", "ten"]]), { schema });
    expect((bad as { error: unknown }).error).toMatchObject({ refund_inv_a: ["Enter a refund amount like 10.00 for A-1."] });
  });
  it("cancels only on the page's own button", () => {
    expect(parseWithZod(new URLSearchParams([["intent", "cancel"]]), { schema: cancelPaymentSchema() }).status).toBe("success");
    expect(parseWithZod(new URLSearchParams([["intent", "pay"]]), { schema: cancelPaymentSchema() }).status).toBe("error");
  });
});
