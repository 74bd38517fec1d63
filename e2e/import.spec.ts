import { data, expect, expectAccessible, sql, test } from "./support/fixtures";

// AR staff import invoices from a CSV file: preview with row errors, fix, preview, import, report.

const HEADER = "external_id,customer_external_id,number,po_number,currency,issue_date,due_date,terms,tax_total,memo,line_description,line_sku,line_quantity,line_unit_amount";

test("an agent previews a CSV with a bad row, fixes it and imports it", async ({ page, signInAs }) => {
  const suffix = `${Date.now()}`;
  const externalId = `E2E-CSV-${suffix}`;
  const number = `E2E-${suffix}`;
  const customer = { external_id: (await data.account()).externalId! };
  const csv = (unitAmount: string) =>
    [HEADER, `${externalId},${customer!.external_id},${number},PO-9,USD,2026-11-01,2026-12-01,Net 30,0.75,,Setup fee,,1,250.00`, `${externalId},${customer!.external_id},${number},PO-9,USD,2026-11-01,2026-12-01,Net 30,0.75,,"Hours, remote",,3,${unitAmount}`].join("\r\n");

  await signInAs(await data.staff());
  await page.goto("/admin/import");
  await expect(page.getByRole("heading", { name: "Import customers and invoices from CSV" })).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel("CSV file (up to 2 MB)").setInputFiles({ name: "invoices.csv", mimeType: "text/csv", buffer: Buffer.from(csv("12.5.0")) });
  await page.getByRole("button", { name: "Preview" }).click();
  const problems = page.getByRole("table", { name: "Problems found in the file" });
  await expect(problems).toBeVisible();
  await expect(problems.getByRole("row").filter({ hasText: "line_unit_amount" })).toContainText("3");
  await expect(page.getByRole("button", { name: /^Import \d/ })).toHaveCount(0);
  await expectAccessible(page);

  await page.getByLabel("CSV file (up to 2 MB)").setInputFiles({ name: "invoices.csv", mimeType: "text/csv", buffer: Buffer.from(csv("80.00")) });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByText("1 invoices: 1 to create, 0 to update")).toBeVisible();
  await page.getByRole("button", { name: "Import 1 invoices" }).click();

  const report = page.getByRole("table", { name: "Result per record" });
  await expect(report.getByRole("row").filter({ hasText: externalId })).toContainText("Created");
  await expect(page.getByText("All 1 records were imported.")).toBeVisible();
  await expectAccessible(page);

  const [invoice] = await sql<{ total: number; po_number: string }[]>`select total::int as total, po_number from invoices where external_id = ${externalId}`;
  expect(invoice).toEqual({ total: 25000 + 24000 + 75, po_number: "PO-9" });
});
