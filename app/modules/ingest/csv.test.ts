import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { accountContacts, accounts, users } from "#db/schema/accounts";
import { auditLog } from "#db/schema/audit";
import { invoiceLines, invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { seed } from "../../../test/helpers";
import { importCsv, previewCsv } from "./csv-import.server";
import { parseCsv } from "./csv-parse";
import { readCsv } from "./csv-rows";

const INVOICE_HEADER = "external_id,customer_external_id,number,po_number,currency,issue_date,due_date,terms,tax_total,memo,line_description,line_sku,line_quantity,line_unit_amount";
const CUSTOMER_HEADER = "external_id,number,name,billing_email,currency,contact_email,contact_name";

let staffId: string;

beforeAll(async () => {
  await seed();
  const [u] = await db.insert(users).values({ email: `csv-agent-${Math.random()}@example.test`, name: "Agent", role: "ar_agent" }).returning();
  staffId = u!.id;
});

describe("parseCsv", () => {
  it("handles quotes, escaped quotes, commas and newlines in quotes, CRLF and a BOM", () => {
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""","two\r\nlines"\r\n\r\n1,,3\r\n';
    expect(parseCsv(text)).toEqual([
      { row: 1, fields: ["a", "b", "c"] },
      { row: 2, fields: ["x, y", 'say "hi"', "two\r\nlines"] },
      { row: 4, fields: ["1", "", "3"] },
    ]);
  });
  it("keeps a last line without a newline and an empty quoted field", () => {
    expect(parseCsv('a,b\n"",x')).toEqual([
      { row: 1, fields: ["a", "b"] },
      { row: 2, fields: ["", "x"] },
    ]);
  });
  it("reports an unclosed quote as a file-level error", () => {
    expect(readCsv("customers", `${CUSTOMER_HEADER}\n"abc,1`).errors[0]).toMatchObject({ row: 0, column: "(file)", message: expect.stringContaining("not closed") });
  });
  it("names unknown and missing header columns", () => {
    const errors = readCsv("customers", "external_id,number,name,billing_email,currency,contact_mail,contact_name\nX,1,N,,USD,,").errors;
    expect(errors.map((e) => e.message)).toEqual(["Unknown columns: contact_mail.", "Missing columns: contact_email."]);
  });
  it("refuses a NUL character (binary or UTF-16 file) as a file-level error, quoted or not, and the preview writes nothing", async () => {
    for (const row of ["X\u0000,1,N,,USD,a@b.example,", '"X\u0000",1,N,,USD,a@b.example,']) {
      const text = `${CUSTOMER_HEADER}\n${row}`;
      expect(readCsv("customers", text).errors).toEqual([{ row: 0, column: "(file)", message: expect.stringContaining("Row 2 contains a NUL character") }]);
      // Before: PostgreSQL failed the preview's lookup ("invalid byte sequence"), a 500.
      await expect(previewCsv("customers", text)).resolves.toMatchObject({ records: [], errors: [{ column: "(file)" }] });
      await expect(importCsv({ kind: "customers", text, staffUserId: staffId, ip: null })).resolves.toMatchObject({ ok: false });
    }
  });
});

describe("invoice CSV import", () => {
  const good = [
    INVOICE_HEADER,
    "CSV-INV-1,ERP-1001,CSV-1,PO-1,USD,2026-11-01,2026-12-01,Net 30,1.50,,Consulting,SVC,2,100.25",
    'CSV-INV-1,ERP-1001,CSV-1,PO-1,USD,2026-11-01,2026-12-01,Net 30,1.50,,"Travel, on site",,1,-10',
    "CSV-INV-2,ERP-1002,CSV-2,,USD,2026-11-02,2026-12-02,Net 30,,\"Memo, with comma\",Widget,,1,12.50",
  ].join("\r\n");

  it("previews bad rows with row numbers and imports nothing", async () => {
    const bad = [
      INVOICE_HEADER,
      "CSV-BAD-1,ERP-1001,CSV-B1,,USD,2026-11-01,2026-12-01,Net 30,0,,Item,,1,12.5x",
      "CSV-BAD-2,ERP-1001,CSV-B2,,usd,2026-13-01,2026-12-01,Net 30,0,,Item,,1,1",
      "CSV-BAD-3,ERP-1001,CSV-B3,,USD,2026-11-01,2026-12-01,Net 30,0,,Item,,1,1",
      "CSV-BAD-3,ERP-1002,CSV-B3,,USD,2026-11-01,2026-12-01,Net 30,0,,Item 2,,1,1",
    ].join("\n");
    const preview = await previewCsv("invoices", bad);
    expect(preview.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 2, column: "line_unit_amount" }),
        expect.objectContaining({ row: 3, column: "currency" }),
        expect.objectContaining({ row: 3, column: "issue_date" }),
        expect.objectContaining({ row: 5, column: "customer_external_id" }),
      ]),
    );
    const result = await importCsv({ kind: "invoices", text: bad, staffUserId: staffId, ip: null });
    expect(result.ok).toBe(false);
    const rows = await db.select().from(invoices).where(eq(invoices.externalId, "CSV-BAD-3"));
    expect(rows).toEqual([]);
  });

  it("creates invoices in major units, then reports them unchanged on a second import", async () => {
    const preview = await previewCsv("invoices", good);
    expect(preview.errors).toEqual([]);
    expect(preview).toMatchObject({ toCreate: 2, toUpdate: 0 });

    const first = await importCsv({ kind: "invoices", text: good, staffUserId: staffId, ip: "127.0.0.1" });
    if (!first.ok) throw new Error("refused");
    expect(first.report.results.map((r) => [r.externalId, r.outcome])).toEqual([
      ["CSV-INV-1", "created"],
      ["CSV-INV-2", "created"],
    ]);
    const [inv] = await db.select().from(invoices).where(eq(invoices.externalId, "CSV-INV-1"));
    expect(inv).toMatchObject({ subtotal: 20050 - 1000, taxTotal: 150, total: 19200, poNumber: "PO-1" });
    const lines = await db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, inv!.id));
    expect(lines).toHaveLength(2);
    const audits = await db.select().from(auditLog).where(eq(auditLog.action, "csv_import.invoices"));
    expect(audits.at(-1)).toMatchObject({ actorUserId: staffId, actorType: "user" });

    expect((await previewCsv("invoices", good)).toUpdate).toBe(2);
    const second = await importCsv({ kind: "invoices", text: good, staffUserId: staffId, ip: null });
    if (!second.ok) throw new Error("refused");
    expect(second.report.results.map((r) => r.outcome)).toEqual(["unchanged", "unchanged"]);

    const changed = good.replaceAll("PO-1,", "PO-2,");
    const third = await importCsv({ kind: "invoices", text: changed, staffUserId: staffId, ip: null });
    if (!third.ok) throw new Error("refused");
    expect(third.report.results.map((r) => r.outcome)).toEqual(["updated", "unchanged"]);
  });

  it("reports records the use case refuses, and imports the others", async () => {
    const text = [INVOICE_HEADER, "CSV-INV-3,ERP-NOPE,CSV-3,,USD,2026-11-01,2026-12-01,Net 30,0,,Item,,1,5", "CSV-INV-4,ERP-1001,CSV-4,,USD,2026-11-01,2026-12-01,Net 30,0,,Item,,1,5"].join("\n");
    const result = await importCsv({ kind: "invoices", text, staffUserId: staffId, ip: null });
    if (!result.ok) throw new Error("refused");
    expect(result.report.failed).toBe(1);
    expect(result.report.results[0]).toMatchObject({ outcome: "failed", reason: expect.stringContaining("ERP-NOPE") });
    expect(result.report.results[1]!.outcome).toBe("created");
  });
});

describe("customer CSV import", () => {
  it("merges rows by external id into one customer with its contacts", async () => {
    const text = [CUSTOMER_HEADER, "CSV-C-1,CSV-C-1,Contoso,ap@contoso.test,USD,jane@contoso.test,Jane", "CSV-C-1,CSV-C-1,Contoso,ap@contoso.test,USD,raj@contoso.test,Raj", '"CSV-C-2",CSV-C-2,"Fabrikam, Inc.",,EUR,,'].join("\n");
    const preview = await previewCsv("customers", text);
    expect(preview.errors).toEqual([]);
    expect(preview.records.map((r) => [r.externalId, r.rows])).toEqual([
      ["CSV-C-1", [2, 3]],
      ["CSV-C-2", [4]],
    ]);
    const result = await importCsv({ kind: "customers", text, staffUserId: staffId, ip: null });
    if (!result.ok) throw new Error("refused");
    expect(result.report.results.map((r) => r.outcome)).toEqual(["created", "created"]);
    const [acct] = await db.select().from(accounts).where(eq(accounts.externalId, "CSV-C-1"));
    expect(await db.select().from(accountContacts).where(eq(accountContacts.accountId, acct!.id))).toHaveLength(2);
    const [fab] = await db.select().from(accounts).where(eq(accounts.externalId, "CSV-C-2"));
    expect(fab).toMatchObject({ name: "Fabrikam, Inc.", currency: "EUR", billingEmail: null });

    const again = await importCsv({ kind: "customers", text, staffUserId: staffId, ip: null });
    if (!again.ok) throw new Error("refused");
    expect(again.report.results.map((r) => r.outcome)).toEqual(["unchanged", "unchanged"]);
  });

  it("flags rows that disagree with the first row of their customer", () => {
    const text = [CUSTOMER_HEADER, "X-1,N-1,Name,,USD,,", "X-1,N-1,Other name,,USD,,"].join("\n");
    expect(readCsv("customers", text).errors).toEqual([{ row: 3, column: "name", message: "Differs from row 2 for customer X-1." }]);
  });
});
