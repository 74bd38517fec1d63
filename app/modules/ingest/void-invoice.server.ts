import { eq, sql } from "drizzle-orm";
import { today } from "~/utils/clock";
import { setLedgerDate } from "~/modules/analytics/ledger-date.server";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import type { InvoiceOut } from "~/modules/api/schemas";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { invoiceView, lockInvoiceByExternalId } from "./invoice-view.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { conflict, Problem } from "~/utils/problem";
import { checkExternalId, ingestAudit, ingestRefusal, refusable, refuse, type Ingested } from "./result";

/** POST /invoices/{externalId}/void: only while nothing is paid, under way or disputed. Voiding twice answers 200. */
export async function voidInvoice(actor: Actor, input: { externalId: string | undefined }): Promise<Ingested<InvoiceOut> | Problem> {
  return ingestRefusal(actor, "invoices:write") ?? refusable(() => voidIt(actor, checkExternalId(input.externalId)));
}

async function voidIt(actor: Actor, externalId: string): Promise<Ingested<InvoiceOut>> {
  return db.transaction(async (tx) => {
    const invoice = await lockInvoiceByExternalId(tx, externalId);
    if (!invoice) refuse(noInvoice(externalId));
    if (invoice.status === "void") return { created: false, record: await invoiceView(tx, invoice.id) };
    if (invoice.amountPaid > 0 || invoice.amountPending > 0 || invoice.amountDisputed > 0) {
      refuse(conflict(`Invoice ${invoice.number} has payments (made or under way) or an open dispute and cannot be voided.`, { code: "invoice_locked" }));
    }
    await setLedgerDate(tx, today());
    await tx.update(invoices).set({ status: "void", updatedAt: sql`now()` }).where(eq(invoices.id, invoice.id));
    await recordEvent(tx, { type: "invoice.voided", accountId: invoice.accountId, subjectType: "invoice", subjectId: invoice.id, data: { externalId, number: invoice.number, total: invoice.total, currency: invoice.currency } });
    const { by, ...who } = ingestAudit(actor);
    await recordAudit(tx, { ...who, action: "invoice.voided", subjectType: "invoice", subjectId: invoice.id, data: { ...by, externalId } });
    return { created: false, record: await invoiceView(tx, invoice.id) };
  });
}

export const noInvoice = (externalId: string) => new Problem("not_found", `No invoice has external id ${externalId}.`, { code: "not_found" });
