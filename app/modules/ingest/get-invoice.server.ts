import { eq } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { invoiceView } from "./invoice-view.server";
import { checkExternalId, IngestError, type IngestResult } from "./result";

/** GET /invoices/{externalId}. */
export async function getInvoiceByExternalId(input: { externalId: string | undefined }): Promise<IngestResult> {
  const externalId = checkExternalId(input.externalId);
  const [row] = await db.select({ id: invoices.id }).from(invoices).where(eq(invoices.externalId, externalId));
  if (!row) throw new IngestError(404, "not_found", `No invoice has external id ${externalId}.`);
  return { status: 200, body: await invoiceView(db, row.id) };
}
