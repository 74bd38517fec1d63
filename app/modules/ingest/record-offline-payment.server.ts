import { and, eq, sql } from "drizzle-orm";
import { setLedgerDate } from "~/modules/analytics/ledger-date.server";
import { events } from "#db/schema/events";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { OfflinePaymentInput, type InvoiceOut } from "~/modules/api/schemas";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { invoiceView, lockInvoiceByExternalId, payableNow } from "./invoice-view.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { conflict, type Problem } from "~/utils/problem";
import { checkExternalId, ingestAudit, ingestRefusal, parseBody, refusable, refuse, type Ingested } from "./result";
import { noInvoice } from "./void-invoice.server";

/**
 * POST /invoices/{externalId}/payments: a payment received outside the portal. Idempotent by
 * `reference` per invoice (kept in the payment.recorded_offline event's data).
 */
export async function recordOfflinePayment(actor: Actor, input: { externalId: string | undefined; body: unknown }): Promise<Ingested<InvoiceOut> | Problem> {
  return ingestRefusal(actor, "invoices:write") ?? refusable(() => record(actor, input));
}

async function record(actor: Actor, input: { externalId: string | undefined; body: unknown }): Promise<Ingested<InvoiceOut>> {
  const externalId = checkExternalId(input.externalId);
  const body = parseBody(OfflinePaymentInput, input.body);
  return db.transaction(async (tx) => {
    const invoice = await lockInvoiceByExternalId(tx, externalId);
    if (!invoice) refuse(noInvoice(externalId));
    const [previous] = await tx
      .select({ data: events.data })
      .from(events)
      .where(and(eq(events.type, "payment.recorded_offline"), eq(events.subjectType, "invoice"), eq(events.subjectId, invoice.id), sql`${events.data}->>'reference' = ${body.reference}`))
      .limit(1);
    if (previous) {
      if (previous.data.amount !== body.amount) refuse(conflict(`Payment ${body.reference} was already recorded on this invoice with a different amount (${String(previous.data.amount)}).`, { code: "idempotency_conflict" }));
      return { created: false, record: await invoiceView(tx, invoice.id) };
    }
    if (invoice.status === "void") refuse(conflict(`Invoice ${invoice.number} is void.`, { code: "invoice_void" }));
    const payable = payableNow(invoice);
    if (body.amount > payable) refuse(conflict(`At most ${payable} can be paid now (balance ${invoice.balance}, under way ${invoice.amountPending}, disputed ${invoice.amountDisputed}).`, { code: "amount_exceeds_payable", fields: { amount: `At most ${payable}.` } }));

    // Received on its own date: the analytics see it then, however late it is recorded.
    await setLedgerDate(tx, body.received_on);
    const [updated] = await tx
      .update(invoices)
      .set({
        amountPaid: sql`${invoices.amountPaid} + ${body.amount}`,
        status: sql`case when ${invoices.total} - ${invoices.amountPaid} - ${invoices.amountCredited} - ${body.amount} <= 0 then 'paid' else ${invoices.status} end`,
        updatedAt: sql`now()`,
      })
      .where(eq(invoices.id, invoice.id))
      .returning({ status: invoices.status });
    await recordEvent(tx, { type: "payment.recorded_offline", accountId: invoice.accountId, subjectType: "invoice", subjectId: invoice.id, data: { externalId, number: invoice.number, reference: body.reference, amount: body.amount, currency: invoice.currency, receivedOn: body.received_on } });
    if (updated!.status === "paid" && invoice.status !== "paid") {
      await recordEvent(tx, { type: "invoice.paid", accountId: invoice.accountId, subjectType: "invoice", subjectId: invoice.id, data: { number: invoice.number, offlineReference: body.reference } });
    }
    const { by, ...who } = ingestAudit(actor);
    await recordAudit(tx, { ...who, action: "payment.recorded_offline", subjectType: "invoice", subjectId: invoice.id, data: { ...by, externalId, reference: body.reference, amount: body.amount } });
    return { created: true, record: await invoiceView(tx, invoice.id) };
  });
}
