import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { accountContacts, accounts } from "#db/schema/accounts";
import { collectionProfiles } from "#db/schema/collections";
import { auditLog } from "#db/schema/audit";
import { invoiceLines, invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import type { StaffActor } from "~/modules/auth/actor";
import { isProblem, type Problem } from "~/utils/problem";
import { testData } from "../../../test/helpers";
import { importCsv, previewCsv } from "./csv-import.server";
import { parseCsv } from "./csv-parse";
import { readCsv } from "./csv-rows";

const INVOICE_HEADER = "external_id,customer_external_id,number,po_number,currency,issue_date,due_date,terms,tax_total,memo,line_description,line_sku,line_quantity,line_unit_amount";
const CUSTOMER_HEADER = "external_id,number,name,billing_email,currency,contact_email,contact_name";

let staffId: string;
let staff: StaffActor;
/** The external ids of two customers this file makes for itself. */
let C1: string;
let C2: string;

beforeAll(async () => {
  const data = await testData();
  const agent = await data.staff("ar_agent");
  staffId = agent.id;
  staff = { kind: "staff", userId: agent.id, role: "ar_agent", ip: "127.0.0.1" };
  const [a, b] = await Promise.all([data.account(), data.account()]);
  C1 = a.externalId!;
  C2 = b.externalId!;
});

/** The report, or the test fails with the Problem's message. */
function report<T>(result: T | Problem): T {
  if (isProblem(result)) throw new Error(`refused: ${result.message}`);
  return result;
}

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
      await expect(importCsv(staff, { kind: "customers", text })).resolves.toMatchObject({ kind: "invalid", message: "The file has errors: fix the file first, then preview it again." });
    }
  });
});

describe("invoice CSV import", () => {
  const good = () => [
    INVOICE_HEADER,
    `CSV-INV-1,${C1},CSV-1,PO-1,USD,2026-11-01,2026-12-01,Net 30,1.50,,Consulting,SVC,2,100.25`,
    `CSV-INV-1,${C1},CSV-1,PO-1,USD,2026-11-01,2026-12-01,Net 30,1.50,,"Travel, on site",,1,-10`,
    `CSV-INV-2,${C2},CSV-2,,USD,2026-11-02,2026-12-02,Net 30,,"Memo, with comma",Widget,,1,12.50`,
  ].join("\r\n");

  it("previews bad rows with row numbers and imports nothing", async () => {
    const bad = [
      INVOICE_HEADER,
      `CSV-BAD-1,${C1},CSV-B1,,USD,2026-11-01,2026-12-01,Net 30,0,,Item,,1,12.5x`,
      `CSV-BAD-2,${C1},CSV-B2,,usd,2026-13-01,2026-12-01,Net 30,0,,Item,,1,1`,
      `CSV-BAD-3,${C1},CSV-B3,,USD,2026-11-01,2026-12-01,Net 30,0,,Item,,1,1`,
      `CSV-BAD-3,${C2},CSV-B3,,USD,2026-11-01,2026-12-01,Net 30,0,,Item 2,,1,1`,
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
    expect(await importCsv(staff, { kind: "invoices", text: bad })).toMatchObject({ kind: "invalid" });
    const rows = await db.select().from(invoices).where(eq(invoices.externalId, "CSV-BAD-3"));
    expect(rows).toEqual([]);
  });

  it("creates invoices in major units, then reports them unchanged on a second import", async () => {
    const preview = await previewCsv("invoices", good());
    expect(preview.errors).toEqual([]);
    expect(preview).toMatchObject({ toCreate: 2, toUpdate: 0 });

    const first = report(await importCsv(staff, { kind: "invoices", text: good() }));
    expect(first.results.map((r) => [r.externalId, r.outcome])).toEqual([
      ["CSV-INV-1", "created"],
      ["CSV-INV-2", "created"],
    ]);
    const [inv] = await db.select().from(invoices).where(eq(invoices.externalId, "CSV-INV-1"));
    expect(inv).toMatchObject({ subtotal: 20050 - 1000, taxTotal: 150, total: 19200, poNumber: "PO-1" });
    const lines = await db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, inv!.id));
    expect(lines).toHaveLength(2);
    const audits = await db.select().from(auditLog).where(eq(auditLog.action, "csv_import.invoices"));
    expect(audits.at(-1)).toMatchObject({ actorUserId: staffId, actorType: "user", ip: "127.0.0.1" });
    // Each record's own audit row names the staff member too (not a stand-in API key).
    const created = await db.select().from(auditLog).where(eq(auditLog.subjectId, inv!.id));
    expect(created.map((a) => [a.action, a.actorType, a.actorUserId])).toEqual([["invoice.created", "user", staffId]]);
    expect(created[0]!.data).not.toHaveProperty("apiKeyId");

    expect((await previewCsv("invoices", good())).toUpdate).toBe(2);
    const second = report(await importCsv(staff, { kind: "invoices", text: good() }));
    expect(second.results.map((r) => r.outcome)).toEqual(["unchanged", "unchanged"]);

    const changed = good().replaceAll("PO-1,", "PO-2,");
    const third = report(await importCsv(staff, { kind: "invoices", text: changed }));
    expect(third.results.map((r) => r.outcome)).toEqual(["updated", "unchanged"]);
  });

  it("reports records the use case refuses, and imports the others", async () => {
    const text = [INVOICE_HEADER, "CSV-INV-3,ERP-NOPE,CSV-3,,USD,2026-11-01,2026-12-01,Net 30,0,,Item,,1,5", `CSV-INV-4,${C1},CSV-4,,USD,2026-11-01,2026-12-01,Net 30,0,,Item,,1,5`].join("\n");
    const result = report(await importCsv(staff, { kind: "invoices", text }));
    expect(result.failed).toBe(1);
    expect(result.results[0]).toMatchObject({ outcome: "failed", reason: "No customer has external id ERP-NOPE. PUT /customers/ERP-NOPE first. customer_external_id: Unknown customer." });
    expect(result.results[1]!.outcome).toBe("created");
  });
});

describe("invoice CSV import: payment terms", () => {
  const header = `${INVOICE_HEADER},net_days,discount_percent,discount_days`;
  const row = (id: string, number: string, terms: string, customer = C1) => `${id},${customer},${number},,USD,2026-11-01,2026-12-01,2/10 net 30,0,,Item,,1,1000,${terms}`;

  it("stores 2/10 net 30 from the optional columns; empty cells keep the customer's defaults", async () => {
    await db.update(accounts).set({ defaultNetDays: 45, defaultDiscountBps: 150, defaultDiscountDays: 15 }).where(eq(accounts.externalId, C2));
    const text = [header, row("CSV-T-1", "CSV-T1", "30,2,10"), row("CSV-T-1", "CSV-T1", "30,2,10"), row("CSV-T-2", "CSV-T2", "60,,"), row("CSV-T-3", "CSV-T3", ",,", C2)].join("\n");
    expect(readCsv("invoices", text).errors).toEqual([]);
    expect(report(await importCsv(staff, { kind: "invoices", text })).results.map((r) => r.outcome)).toEqual(["created", "created", "created"]);
    const terms = async (externalId: string) => (await db.select({ netDays: invoices.netDays, discountBps: invoices.discountBps, discountDays: invoices.discountDays }).from(invoices).where(eq(invoices.externalId, externalId)))[0];
    expect(await terms("CSV-T-1")).toEqual({ netDays: 30, discountBps: 200, discountDays: 10 });
    expect(await terms("CSV-T-2")).toEqual({ netDays: 60, discountBps: null, discountDays: null });
    expect(await terms("CSV-T-3")).toEqual({ netDays: 45, discountBps: 150, discountDays: 15 });
    // Importing it again changes nothing.
    expect(report(await importCsv(staff, { kind: "invoices", text })).results.map((r) => r.outcome)).toEqual(["unchanged", "unchanged", "unchanged"]);
  });

  it("names the row and column of each bad terms cell", () => {
    const text = [
      header,
      row("X-1", "N-1", "30,2,"),
      row("X-2", "N-2", ",2,10"),
      row("X-3", "N-3", "30,100,10"),
      row("X-4", "N-4", "thirty,,"),
      row("X-5", "N-5", "10,2,20"),
      row("X-6", "N-6", "30,2,10"),
      row("X-6", "N-6", "30,3,10"),
    ].join("\n");
    expect(readCsv("invoices", text).errors).toEqual([
      { row: 2, column: "discount_days", message: "Give discount_percent and discount_days together, or leave both empty." },
      { row: 3, column: "net_days", message: "Required when a discount is given (e.g. 30 for 2/10 net 30)." },
      { row: 4, column: "discount_percent", message: "Use a percent above 0 and below 100 with at most 2 decimals, e.g. 2 or 1.5." },
      { row: 5, column: "net_days", message: "Use whole days from 0 to 365, e.g. 30." },
      { row: 6, column: "discount_days", message: "The discount window (20 days) cannot be longer than net_days (10)." },
      { row: 8, column: "net_days", message: "Payment terms differ from row 7 for invoice X-6; invoice-level columns must agree on every line." },
    ]);
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
    const result = report(await importCsv(staff, { kind: "customers", text }));
    expect(result.results.map((r) => r.outcome)).toEqual(["created", "created"]);
    const [acct] = await db.select().from(accounts).where(eq(accounts.externalId, "CSV-C-1"));
    expect(await db.select().from(accountContacts).where(eq(accountContacts.accountId, acct!.id))).toHaveLength(2);
    const [fab] = await db.select().from(accounts).where(eq(accounts.externalId, "CSV-C-2"));
    expect(fab).toMatchObject({ name: "Fabrikam, Inc.", currency: "EUR", billingEmail: null });

    const again = report(await importCsv(staff, { kind: "customers", text }));
    expect(again.results.map((r) => r.outcome)).toEqual(["unchanged", "unchanged"]);
  });

  it("takes optional segment, cadence and collector columns: an empty cell clears, a missing column leaves alone", async () => {
    const data = await testData();
    const collector = await data.staff("ar_admin");
    const header = `${CUSTOMER_HEADER},segment,cadence,collector`;
    const text = [header, `CSV-COL-1,CSV-COL-1,Northwind,,USD,,,Wholesale,Firm,${collector.email}`].join("\n");
    expect(report(await importCsv(staff, { kind: "customers", text })).results.map((r) => r.outcome)).toEqual(["created"]);
    const [acct] = await db.select().from(accounts).where(eq(accounts.externalId, "CSV-COL-1"));
    const profile = async () => (await db.select().from(collectionProfiles).where(eq(collectionProfiles.accountId, acct!.id)))[0];
    expect(await profile()).toMatchObject({ segment: "Wholesale", collectorId: collector.id });

    // Without the columns: nothing about collections changes.
    expect(report(await importCsv(staff, { kind: "customers", text: [CUSTOMER_HEADER, "CSV-COL-1,CSV-COL-1,Northwind,,USD,,"].join("\n") })).results[0]!.outcome).toBe("unchanged");
    expect(await profile()).toMatchObject({ segment: "Wholesale", collectorId: collector.id });

    // An empty cell clears that field only.
    const cleared = report(await importCsv(staff, { kind: "customers", text: [`${CUSTOMER_HEADER},collector`, "CSV-COL-1,CSV-COL-1,Northwind,,USD,,,"].join("\n") }));
    expect(cleared.results[0]!.outcome).toBe("updated");
    expect(await profile()).toMatchObject({ segment: "Wholesale", collectorId: null });
  });

  it("reports an unknown cadence or collector for that customer, naming the field", async () => {
    const text = [`${CUSTOMER_HEADER},cadence,collector`, "CSV-COL-2,CSV-COL-2,Tailspin,,USD,,,Brutal,", "CSV-COL-3,CSV-COL-3,Litware,,USD,,,,nobody@staff.example"].join("\n");
    const result = report(await importCsv(staff, { kind: "customers", text }));
    expect(result.results.map((r) => [r.externalId, r.outcome])).toEqual([
      ["CSV-COL-2", "failed"],
      ["CSV-COL-3", "failed"],
    ]);
    expect(result.results[0]!.reason).toMatch(/cadence: No cadence is called "Brutal"/);
    expect(result.results[1]!.reason).toMatch(/collector: nobody@staff.example is not a member of the AR team/);
    const multiRow = [`${CUSTOMER_HEADER},segment`, "X-2,N-2,Name,,USD,a@x.test,A,Retail", "X-2,N-2,Name,,USD,b@x.test,B,Wholesale"].join("\n");
    expect(readCsv("customers", multiRow).errors).toEqual([{ row: 3, column: "segment", message: "Differs from row 2 for customer X-2." }]);
  });

  it("flags rows that disagree with the first row of their customer", () => {
    const text = [CUSTOMER_HEADER, "X-1,N-1,Name,,USD,,", "X-1,N-1,Other name,,USD,,"].join("\n");
    expect(readCsv("customers", text).errors).toEqual([{ row: 3, column: "name", message: "Differs from row 2 for customer X-1." }]);
  });
});
