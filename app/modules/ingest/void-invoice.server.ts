import { eq, sql } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import type { ApiKey } from "~/modules/api/authenticate-api-key.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { invoiceView, lockInvoiceByExternalId } from "./invoice-view.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { checkExternalId, IngestError, type IngestResult } from "./result";

/** POST /invoices/{externalId}/void: only while nothing is paid, under way or disputed. Voiding twice answers 200. */
export async function voidInvoice(input: { key: ApiKey; externalId: string | undefined }): Promise<IngestResult> {
  const externalId = checkExternalId(input.externalId);
  return db.transaction(async (tx) => {
    const invoice = await lockInvoiceByExternalId(tx, externalId);
    if (!invoice) throw new IngestError(404, "not_found", `No invoice has external id ${externalId}.`);
    if (invoice.status === "void") return { status: 200, body: await invoiceView(tx, invoice.id) };
    if (invoice.amountPaid > 0 || invoice.amountPending > 0 || invoice.amountDisputed > 0) {
      throw new IngestError(409, "invoice_locked", `Invoice ${invoice.number} has payments (made or under way) or an open dispute and cannot be voided.`);
    }
    await tx.update(invoices).set({ status: "void", updatedAt: sql`now()` }).where(eq(invoices.id, invoice.id));
    await recordEvent(tx, { type: "invoice.voided", accountId: invoice.accountId, subjectType: "invoice", subjectId: invoice.id, data: { externalId, number: invoice.number, total: invoice.total, currency: invoice.currency } });
    await recordAudit(tx, { actorUserId: null, actorType: "api", action: "invoice.voided", subjectType: "invoice", subjectId: invoice.id, data: { apiKeyId: input.key.id, externalId } });
    return { status: 200, body: await invoiceView(tx, invoice.id) };
  });
}
