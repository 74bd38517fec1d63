import { describe, expect, it } from "vitest";
import { discountCap, discountFor, discountOffer, mostPayable, quoteLines, spreadCredits, type TermsInvoice } from "./quote-rules";

// The issue's example: a $1,000 invoice on 2/10 net 30, issued Dec 1 (day 0).
const invoice = (over: Partial<TermsInvoice> = {}): TermsInvoice => ({ total: 100_000, payable: 100_000, amountDiscounted: 0, issueDate: "2026-12-01", discountBps: 200, discountDays: 10, ...over });

describe("early-payment discount (2/10 net 30 on $1,000)", () => {
  it("$490 paid on day 5 settles $500", () => {
    expect(discountFor(invoice(), 49_000, "2026-12-06")).toBe(1_000);
  });
  it("then the rest costs $490 until day 10, and on day 11 nothing is discounted", () => {
    const rest = invoice({ payable: 50_000, amountDiscounted: 1_000 });
    expect(discountOffer(rest, "2026-12-11")).toEqual({ until: "2026-12-11", payInFull: 49_000, saves: 1_000 });
    expect(mostPayable(rest, "2026-12-11")).toBe(49_000);
    expect(discountFor(rest, 49_000, "2026-12-11")).toBe(1_000);
    expect(discountOffer(rest, "2026-12-12")).toBeNull();
    expect(mostPayable(rest, "2026-12-12")).toBe(50_000);
    expect(discountFor(rest, 49_000, "2026-12-12")).toBe(0);
  });
  it("pays $980 in full inside the window and never discounts more than 2 % of the original amount", () => {
    expect(discountOffer(invoice(), "2026-12-01")).toEqual({ until: "2026-12-11", payInFull: 98_000, saves: 2_000 });
    expect(discountCap(invoice())).toBe(2_000);
    // Already discounted $15 by earlier payments: at most $5 more, whatever is paid.
    const most = invoice({ payable: 40_000, amountDiscounted: 1_500 });
    expect(discountOffer(most, "2026-12-05")?.saves).toBe(500);
    expect(discountFor(most, 30_000, "2026-12-05")).toBe(500);
  });
  it("rounds half up and settles the whole balance when the full quoted amount is paid", () => {
    const odd = invoice({ total: 99_999, payable: 99_999 });
    const offer = discountOffer(odd, "2026-12-02")!;
    expect(offer.saves).toBe(2_000);
    expect(offer.payInFull + discountFor(odd, offer.payInFull, "2026-12-02")).toBe(99_999);
    expect(discountFor(odd, 1, "2026-12-02")).toBe(0);
    expect(discountFor(odd, 25, "2026-12-02")).toBe(1); // 25 / 0.98 = 25.51
  });
  it("offers nothing without discount terms or a payable balance", () => {
    expect(discountOffer(invoice({ discountBps: null, discountDays: null }), "2026-12-02")).toBeNull();
    expect(discountOffer(invoice({ payable: 0 }), "2026-12-02")).toBeNull();
  });
});

describe("quote", () => {
  it("charges the amounts less credit, and settles amount plus discount", () => {
    const q = quoteLines([{ invoice: { ...invoice(), id: "a" }, amount: 98_000, credit: 5_000 }], "2026-12-05");
    expect(q).toEqual({ lines: [{ invoiceId: "a", charge: 93_000, credit: 5_000, discount: 2_000, settles: 100_000 }], total: 93_000, discountTotal: 2_000, creditTotal: 5_000 });
  });
  it("spreads credits over the invoices in order, each up to its amount", () => {
    expect(spreadCredits([{ creditId: "c1", amount: 700 }, { creditId: "c2", amount: 500 }], [{ invoiceId: "a", amount: 1_000 }, { invoiceId: "b", amount: 100 }])).toEqual([
      { creditId: "c1", invoiceId: "a", amount: 700 },
      { creditId: "c2", invoiceId: "a", amount: 300 },
      { creditId: "c2", invoiceId: "b", amount: 100 },
    ]);
  });
});
