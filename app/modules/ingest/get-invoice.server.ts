import { eq } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import type { InvoiceOut } from "~/modules/api/schemas";
import { hasScope, isStaffActor, type Actor } from "~/modules/auth/actor";
import { Problem } from "~/utils/problem";
import { invoiceView } from "./invoice-view.server";
import { checkExternalId, refusable, refuse, type Ingested } from "./result";
import { noInvoice } from "./void-invoice.server";

/** GET /invoices/{externalId}: an API key with `invoices:read` (or AR staff). */
export async function getInvoiceByExternalId(actor: Actor, input: { externalId: string | undefined }): Promise<Ingested<InvoiceOut> | Problem> {
  if (!hasScope(actor, "invoices:read") && !isStaffActor(actor)) return new Problem("forbidden", 'This API key lacks the "invoices:read" scope.', { code: "insufficient_scope" });
  return refusable(async () => {
    const externalId = checkExternalId(input.externalId);
    const [row] = await db.select({ id: invoices.id }).from(invoices).where(eq(invoices.externalId, externalId));
    if (!row) refuse(noInvoice(externalId));
    return { created: false, record: await invoiceView(db, row.id) };
  });
}
