import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { formatMoney } from "~/utils/money";
import { renderInvoicePdf } from "./render-invoice-pdf.server";
import { renderStatementPdf } from "./render-statement-pdf.server";
import type { InvoiceDetail, InvoiceLineView, Statement, StatementCurrencySection, StatementLine } from "./types";

// ---------------------------------------------------------------------------------------------
// A tiny reader for the PDFs pdfkit writes (uncompressed objects, Flate content streams, no
// object streams). It is enough to check metadata, page count and the text drawn on each page.
// ---------------------------------------------------------------------------------------------

interface PdfObject {
  body: string;
  stream?: Buffer;
}

function parseObjects(pdf: Buffer): Map<number, PdfObject> {
  const raw = pdf.toString("latin1");
  const objects = new Map<number, PdfObject>();
  for (const m of raw.matchAll(/(\d+) 0 obj\n([\s\S]*?)\nendobj/g)) {
    const body = m[2]!;
    const at = body.indexOf("\nstream\n");
    if (at === -1) {
      objects.set(Number(m[1]), { body });
      continue;
    }
    const dict = body.slice(0, at);
    const data = Buffer.from(body.slice(at + "\nstream\n".length, body.lastIndexOf("\nendstream")), "latin1");
    expect(data.length, `stream length of object ${m[1]}`).toBe(Number(/\/Length (\d+)/.exec(dict)?.[1]));
    objects.set(Number(m[1]), { body: dict, stream: /\/FlateDecode/.test(dict) ? inflateSync(data) : data });
  }
  return objects;
}

/** PDF literal string "(...)" or hex string "<...>" → text (UTF-16BE when it has a BOM). */
function decodePdfString(token: string): string {
  let bytes: Buffer;
  if (token.startsWith("<")) {
    bytes = Buffer.from(token.slice(1, -1), "hex");
  } else {
    const escapes: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" };
    const unescaped = token
      .slice(1, -1)
      .replace(/\\([0-7]{1,3}|.)/gs, (_, e: string) =>
        /^[0-7]/.test(e) ? String.fromCharCode(parseInt(e, 8)) : (escapes[e] ?? e),
      );
    bytes = Buffer.from(unescaped, "latin1");
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return bytes.subarray(2).swap16().toString("utf16le");
  return bytes.toString("latin1");
}

const ref = (body: string, key: string) => Number(new RegExp(`/${key} (\\d+) 0 R`).exec(body)?.[1]);

function docInfo(pdf: Buffer): Record<string, string> {
  const raw = pdf.toString("latin1");
  const objects = parseObjects(pdf);
  const info = objects.get(ref(raw.slice(raw.lastIndexOf("trailer")), "Info"));
  expect(info, "trailer /Info").toBeDefined();
  const out: Record<string, string> = {};
  // Values are inline strings or references to objects holding one.
  for (const m of info!.body.matchAll(/\/(\w+) (\(.*?(?<!\\)\)|<[0-9a-fA-F]*>|\d+ 0 R)/gs)) {
    const value = m[2]!.endsWith(" R") ? objects.get(parseInt(m[2]!, 10))!.body.trim() : m[2]!;
    out[m[1]!] = decodePdfString(value);
  }
  return out;
}

interface TextRun {
  x: number;
  y: number;
  text: string;
}

// Bytes 0x80–0x9F of WinAnsi that our renderers use; the rest of the byte range is Latin-1.
const WIN_ANSI_HIGH: Record<number, string> = { 0x91: "‘", 0x92: "’", 0x93: "“", 0x94: "”", 0x95: "•", 0x96: "–", 0x97: "—" };

/** The text runs of each page, in page order. pdfkit draws every line as `x y Tm ... [<hex> kern <hex>] TJ`. */
function pagesText(pdf: Buffer): TextRun[][] {
  const objects = parseObjects(pdf);
  const catalog = [...objects.values()].find((o) => /\/Type \/Catalog\b/.test(o.body))!;
  const kids = /\/Kids \[([^\]]*)\]/.exec(objects.get(ref(catalog.body, "Pages"))!.body)![1]!;
  return [...kids.matchAll(/(\d+) 0 R/g)].map((k) => {
    const page = objects.get(Number(k[1]))!;
    const content = objects.get(ref(page.body, "Contents"))!.stream!.toString("latin1");
    return [...content.matchAll(/1 0 0 1 ([\d.-]+) ([\d.-]+) Tm\n[^[]*\[(.*?)\] TJ/g)].map((m) => ({
      x: Number(m[1]),
      y: Number(m[2]),
      text: [...m[3]!.matchAll(/<([0-9a-f]*)>/g)]
        .map((h) => [...Buffer.from(h[1]!, "hex")].map((b) => WIN_ANSI_HIGH[b] ?? String.fromCharCode(b)).join(""))
        .join(""),
    }));
  });
}

/** Page objects, not the /Pages tree node. */
const pageObjectCount = (pdf: Buffer) => (pdf.toString("latin1").match(/\/Type \/Page(?!s)\b/g) ?? []).length;

const FOOTER_MAX_Y = 40; // Footers sit in the bottom margin (54pt); PDF y grows upwards.

function expectWellFormed(pdf: Buffer, title: string): TextRun[][] {
  expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  expect(pdf.toString("latin1").trimEnd().endsWith("%%EOF")).toBe(true);
  expect(docInfo(pdf).Title).toBe(title);

  const pages = pagesText(pdf);
  expect(pages.length).toBe(pageObjectCount(pdf));
  pages.forEach((runs, i) => {
    const footer = runs.filter((r) => r.y < FOOTER_MAX_Y).map((r) => r.text);
    expect(footer, `footer of page ${i + 1}`).toContain(`Page ${i + 1} of ${pages.length}`);
    // Everything else stays above the bottom margin: a table row drawn past it would show up here.
    for (const r of runs.filter((r) => r.y >= FOOTER_MAX_Y)) expect(r.y, r.text).toBeGreaterThan(54);
  });
  return pages;
}

const texts = (runs: TextRun[]) => runs.map((r) => r.text);

// ---------------------------------------------------------------------------------------------
// Sample data
// ---------------------------------------------------------------------------------------------

const issuer = { name: "Northwind Supply Co." };

function line(position: number, quantity: string, unitAmount: number, sku: string | null): InvoiceLineView {
  const amount = Math.round(Number(quantity) * unitAmount);
  return { id: `il_${position}`, position, description: `Line item ${position}`, sku, quantity, unitAmount, amount };
}

function invoiceWith(lines: InvoiceLineView[], overrides: Partial<InvoiceDetail> = {}): InvoiceDetail {
  const subtotal = lines.reduce((sum, l) => sum + l.amount, 0);
  const taxTotal = Math.round(subtotal * 0.0825);
  const total = subtotal + taxTotal;
  return {
    id: "inv_01",
    number: "INV-2026-0042",
    poNumber: "PO-77813",
    currency: "USD",
    issueDate: "2026-10-13",
    dueDate: "2026-11-12",
    terms: "Net 30",
    status: "open",
    displayStatus: "overdue",
    daysPastDue: 12,
    subtotal,
    taxTotal,
    taxLabel: "Sales tax (8.25%)",
    total,
    amountPaid: 50_000,
    amountCredited: 2_500,
    amountPending: 0,
    amountDisputed: 0,
    balance: total - 50_000 - 2_500,
    paymentPlanId: null,
    memo: "Thank you for your business. Please quote the invoice number with your payment.",
    account: { id: "acc_01", name: "Société Générale Québec", number: "ACC-1042", billingEmail: "ap@sgq.example" },
    lines,
    paymentTerms: { netDays: null, discountBps: null, discountDays: null, label: null, discountUntil: null },
    amountDiscounted: 0,
    offer: null,
    lateFeeFor: null,
    lateFees: [],
    ...overrides,
  };
}

// 64 lines (some with a SKU, so rows have two lines) cannot fit on one Letter page.
const longInvoice = invoiceWith(
  Array.from({ length: 64 }, (_, i) => line(i + 1, i % 3 === 0 ? "2.500" : "1.000", 12_345 + i * 100, i % 2 === 0 ? `SKU-${1000 + i}` : null)),
);

function statementLine(currency: string, n: number, amount: number, balance: number, kind: StatementLine["kind"] = "invoice", detail: string | null = null): StatementLine & { currency: string } {
  return { currency, date: "2026-11-02", kind, invoices: `INV-${n}`, detail, amount, balance };
}
function section(currency: string, opening: number, closing: number, aging: Partial<StatementCurrencySection["aging"]> = {}): StatementCurrencySection {
  return {
    currency,
    opening,
    closing,
    invoiced: 0,
    reductions: 0,
    increases: 0,
    lineCount: 0,
    aging: { current: 0, days1to30: 0, days31to60: 0, days61to90: 0, over90: 0, ...aging },
    processing: { count: 0, amount: 0 },
  };
}

const cadStatement: Statement = {
  account: { id: "acc_02", name: "Maple Leaf Foods Ltd.", number: "ACC-2001", billingEmail: "payables@mapleleaf.example" },
  asOf: "2026-11-24",
  period: { from: "2026-11-01", to: "2026-11-24" },
  sections: [
    { ...section("CAD", 100_000, 165_000, { current: 120_000, days31to60: 30_000, over90: 15_000 }), processing: { count: 1, amount: 7_000 } },
    section("USD", 0, 9_999, { days1to30: 9_999 }),
  ],
  lines: [statementLine("CAD", 3001, 120_000, 220_000), statementLine("CAD", 3002, -55_000, 165_000, "payment", "Visa ending 4242"), statementLine("USD", 3101, 9_999, 9_999)],
  page: null,
  offers: [],
};

// ---------------------------------------------------------------------------------------------

describe("renderInvoicePdf", () => {
  it("renders a multi-page invoice with repeated table headers, totals and page numbers", async () => {
    const pdf = await renderInvoicePdf(longInvoice, issuer);
    const pages = expectWellFormed(pdf, "Invoice INV-2026-0042");
    expect(pages.length).toBeGreaterThan(1);
    expect(pageObjectCount(pdf)).toBe(pages.length);

    // Non-ASCII metadata is stored as UTF-16; it must survive the round trip.
    expect(docInfo(pdf)).toMatchObject({ Author: "Northwind Supply Co.", Subject: "Société Générale Québec" });

    const all = pages.flatMap(texts);
    for (const expected of [
      "Northwind Supply Co.",
      "INVOICE",
      "INV-2026-0042",
      "PO-77813",
      "Oct 13, 2026",
      "Nov 12, 2026",
      "Net 30",
      "OVERDUE — 12 days past due",
      "Société Générale Québec",
      "Account ACC-1042",
      "ap@sgq.example",
      "Sales tax (8.25%)",
      formatMoney(longInvoice.subtotal, "USD"),
      formatMoney(longInvoice.taxTotal, "USD"),
      formatMoney(longInvoice.total, "USD"),
      "Credited",
      formatMoney(2_500, "USD"),
      "Balance due",
      formatMoney(longInvoice.balance, "USD"),
      "SKU SKU-1000",
      "2.5",
    ]) {
      expect(all).toContain(expected);
    }

    // Every line appears exactly once, in order, and each page that has lines starts with the header.
    const lineTexts = all.filter((t) => t.startsWith("Line item "));
    expect(lineTexts).toEqual(longInvoice.lines.map((l) => l.description));
    for (const runs of pages) {
      const t = texts(runs);
      const firstLine = t.findIndex((s) => s.startsWith("Line item "));
      if (firstLine === -1) continue;
      expect(t.indexOf("Description")).toBeGreaterThan(-1);
      expect(t.indexOf("Description")).toBeLessThan(firstLine);
      expect(t).toContain("Unit price");
    }
    // Totals come after the last line.
    expect(all.indexOf("Balance due")).toBeGreaterThan(all.indexOf("Line item 64"));
  });

  it("renders a short paid invoice on one page without PO, credits or a tax label", async () => {
    const lines = [line(1, "3.000", 20_000, null), line(2, "1.000", 5_000, "SVC-9")];
    const invoice = invoiceWith(lines, {
      number: "INV-7",
      poNumber: null,
      status: "paid",
      displayStatus: "paid",
      daysPastDue: 0,
      taxLabel: null,
      amountCredited: 0,
      amountPending: 0,
      amountDisputed: 0,
      memo: null,
      account: { id: "acc_03", name: "Acme Corp", number: "ACC-3", billingEmail: null },
    });
    invoice.amountPaid = invoice.total;
    invoice.balance = 0;

    const pdf = await renderInvoicePdf(invoice, issuer);
    const pages = expectWellFormed(pdf, "Invoice INV-7");
    expect(pages).toHaveLength(1);
    const all = pages.flatMap(texts);
    expect(all).toContain("PAID");
    expect(all).toContain("Tax");
    expect(all).toContain("3");
    expect(all).toContain(formatMoney(0, "USD"));
    expect(all).not.toContain("PO number");
    expect(all).not.toContain("Credited");
    expect(all.some((t) => t.startsWith("OVERDUE"))).toBe(false);
  });

  it("shows the early-payment offer, the discount terms, a discount taken and the invoice's late fees", async () => {
    const lines = [line(1, "1.000", 100_000, null)];
    const invoice = invoiceWith(lines, {
      number: "INV-T1",
      terms: "Net 30",
      issueDate: "2026-12-06",
      displayStatus: "partially_paid",
      taxTotal: 0,
      subtotal: 100_000,
      total: 100_000,
      amountPaid: 49_000,
      amountCredited: 1_000,
      amountDiscounted: 1_000,
      balance: 50_000,
      paymentTerms: { netDays: 30, discountBps: 200, discountDays: 10, label: "2/10 net 30", discountUntil: "2026-12-16" },
      offer: { until: "2026-12-16", payInFull: 49_000, saves: 1_000 },
      lateFees: [{ id: "inv_f1", number: "INV-T1-LF1", period: 1, issueDate: "2027-01-20", total: 750, balance: 750, status: "open" }],
    });
    const all = pagesText(await renderInvoicePdf(invoice, issuer)).flatMap(texts);
    expect(all).toContain("Pay USD 490.00 by Dec 16, 2026 and save USD 10.00.");
    expect(all).toContain("2/10 net 30");
    expect(all).toContain("2 % early-payment discount if paid within 10 days of the invoice date (by Dec 16, 2026).");
    expect(all).toContain("Discount taken");
    expect(all).toContain("Invoice INV-T1-LF1, Jan 20, 2027: USD 7.50, USD 7.50 due");

    // Outside the window there is no offer, and a late fee names its invoice.
    const fee = invoiceWith(lines, { number: "INV-T1-LF1", lateFeeFor: { id: "inv_01", number: "INV-T1" } });
    const feeText = pagesText(await renderInvoicePdf(fee, issuer)).flatMap(texts);
    expect(feeText).toContain("Late fee on");
    expect(feeText).toContain("Invoice INV-T1");
    expect(feeText.some((t) => t.startsWith("Pay "))).toBe(false);
    expect(feeText).not.toContain("Payment terms");
  });

  it.each([
    ["partially_paid", "PARTIALLY PAID"],
    ["void", "VOID"],
    ["open", "OPEN"],
    ["on_plan", "ON PAYMENT PLAN"],
    ["partly_credited", "PARTLY CREDITED"],
    ["credited", "CREDITED"],
  ] as const)("shows the %s status", async (displayStatus, label) => {
    const pdf = await renderInvoicePdf(invoiceWith([line(1, "1.000", 100, null)], { displayStatus, daysPastDue: 0 }), issuer);
    expect(pagesText(pdf).flatMap(texts)).toContain(label);
  });

  it("draws the company logo above the company name when one is configured", async () => {
    // A 1×1 PNG, as COMPANY_LOGO_PATH would supply.
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
    const invoice = invoiceWith([line(1, "1.000", 100, null)]);
    const withLogo = await renderInvoicePdf(invoice, { ...issuer, logo: png });
    const without = await renderInvoicePdf(invoice, issuer);
    expect(withLogo.toString("latin1")).toMatch(/\/Subtype \/Image/);
    expect(without.toString("latin1")).not.toMatch(/\/Subtype \/Image/);
    expect(pagesText(withLogo).flatMap(texts)).toContain("Northwind Supply Co.");
  });

  it("replaces characters the standard fonts cannot draw instead of writing garbage", async () => {
    const invoice = invoiceWith([line(1, "1.000", 100, null)], {
      account: { id: "acc_04", name: "Łódź Trading 東京", number: "ACC-4", billingEmail: null },
    });
    const pdf = await renderInvoicePdf(invoice, issuer);
    expect(pagesText(pdf).flatMap(texts)).toContain("?ódz Trading ??");
    expect(docInfo(pdf).Subject).toBe("Łódź Trading 東京");
  });
});

describe("renderStatementPdf", () => {
  it("renders the period's opening balance, lines with running balance, closing balance and aging per currency", async () => {
    const pdf = await renderStatementPdf(cadStatement, issuer);
    const pages = expectWellFormed(pdf, "Statement ACC-2001 2026-11-01 2026-11-24");
    expect(docInfo(pdf)).toMatchObject({ Author: "Northwind Supply Co.", Subject: "Maple Leaf Foods Ltd." });

    const all = pages.flatMap(texts);
    for (const expected of [
      "STATEMENT OF ACCOUNT",
      "Nov 1, 2026 – Nov 24, 2026",
      "Maple Leaf Foods Ltd.",
      "Account ACC-2001",
      "payables@mapleleaf.example",
      `CAD — closing balance ${formatMoney(165_000, "CAD")}`,
      `USD — closing balance ${formatMoney(9_999, "USD")}`,
      "Opening balance",
      "Closing balance",
      "Invoice INV-3001",
      "Payment INV-3002",
      "Visa ending 4242",
      formatMoney(100_000, "CAD"),
      formatMoney(220_000, "CAD"),
      formatMoney(-55_000, "CAD"),
      "Current",
      "Over 90 days",
      formatMoney(30_000, "CAD"),
      formatMoney(9_999, "USD"),
    ]) {
      expect(all).toContain(expected);
    }
    expect(all.some((t) => t.startsWith("Not included:") && t.includes(formatMoney(7_000, "CAD")))).toBe(true);
    // Sections keep their order, each amount in its own currency.
    expect(all.indexOf("Invoice INV-3101")).toBeGreaterThan(all.indexOf("Payment INV-3002"));
    expect(all).not.toContain(formatMoney(9_999, "CAD"));
    expect(all.filter((t) => t === "Over 90 days")).toHaveLength(2);
  });

  it("shows today's early-payment offers, on their invoice lines too, a discount taken and a late fee", async () => {
    const offer = { until: "2026-11-30", payInFull: 98_000, saves: 2_000 };
    const statement: Statement = {
      ...cadStatement,
      sections: [section("USD", 0, 100_750)],
      lines: [
        { ...statementLine("USD", 7001, 100_000, 100_000), offer },
        statementLine("USD", 7002, -1_000, 99_000, "discount"),
        statementLine("USD", 7003, 750, 99_750, "late_fee", "On invoice INV-7002"),
      ],
      offers: [{ ...offer, currency: "USD", invoiceId: "inv_7001", number: "INV-7001" }],
    };
    const all = pagesText(await renderStatementPdf(statement, issuer)).flatMap(texts);
    expect(all).toContain("Early-payment discounts available on Nov 24, 2026");
    expect(all).toContain("Invoice INV-7001: Pay USD 980.00 by Nov 30, 2026 and save USD 20.00.");
    expect(all).toContain("Pay USD 980.00 by Nov 30, 2026 and save USD 20.00");
    expect(all).toContain("Early-payment discount INV-7002");
    expect(all).toContain("Late fee INV-7003");
    expect(all).toContain("On invoice INV-7002");
  });

  it("paginates a long statement with the header repeated and every line kept", async () => {
    const lines = Array.from({ length: 120 }, (_, i) => statementLine("CAD", 5000 + i, 10_000, 10_000 * (i + 1)));
    const statement: Statement = { ...cadStatement, sections: [section("CAD", 0, 1_200_000, { current: 1_200_000 })], lines };
    const pdf = await renderStatementPdf(statement, issuer);
    const pages = expectWellFormed(pdf, "Statement ACC-2001 2026-11-01 2026-11-24");
    expect(pages.length).toBeGreaterThan(1);
    const all = pages.flatMap(texts);
    expect(all.filter((t) => /^Invoice INV-\d+$/.test(t))).toEqual(lines.map((l) => `Invoice ${l.invoices}`));
    for (const runs of pages.slice(1)) expect(texts(runs)).toContain("Balance");
  });

  it("says so for an account without invoices", async () => {
    const pdf = await renderStatementPdf({ ...cadStatement, sections: [], lines: [] }, issuer);
    const all = expectWellFormed(pdf, "Statement ACC-2001 2026-11-01 2026-11-24").flatMap(texts);
    expect(all).toContain("No invoices on this account");
    expect(all).not.toContain("Balance");
  });
});
