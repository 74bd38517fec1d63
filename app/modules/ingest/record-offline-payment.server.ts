import { and, eq, sql } from "drizzle-orm";
import { events } from "#db/schema/events";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import type { ApiKey } from "~/modules/api/authenticate-api-key.server";
import { OfflinePaymentInput } from "~/modules/api/schemas";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { invoiceView, lockInvoiceByExternalId, payableNow } from "./invoice-view.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { checkExternalId, IngestError, parseBody, type IngestResult } from "./result";

/**
 * POST /invoices/{externalId}/payments: a payment received outside the portal. Idempotent by
 * `reference` per invoice (kept in the payment.recorded_offline event's data).
 */
export async function recordOfflinePayment(input: { key: ApiKey; externalId: string | undefined; body: unknown }): Promise<IngestResult> {
  const externalId = checkExternalId(input.externalId);
  const body = parseBody(OfflinePaymentInput, input.body);
  return db.transaction(async (tx) => {
    const invoice = await lockInvoiceByExternalId(tx, externalId);
    if (!invoice) throw new IngestError(404, "not_found", `No invoice has external id ${externalId}.`);
    const [previous] = await tx
      .select({ data: events.data })
      .from(events)
      .where(and(eq(events.type, "payment.recorded_offline"), eq(events.subjectType, "invoice"), eq(events.subjectId, invoice.id), sql`${events.data}->>'reference' = ${body.reference}`))
      .limit(1);
    if (previous) {
      if (previous.data.amount !== body.amount) throw new IngestError(409, "idempotency_conflict", `Payment ${body.reference} was already recorded on this invoice with a different amount (${String(previous.data.amount)}).`);
      return { status: 200, body: await invoiceView(tx, invoice.id) };
    }
    if (invoice.status === "void") throw new IngestError(409, "invoice_void", `Invoice ${invoice.number} is void.`);
    const payable = payableNow(invoice);
    if (body.amount > payable) throw new IngestError(409, "amount_exceeds_payable", `At most ${payable} can be paid now (balance ${invoice.balance}, under way ${invoice.amountPending}, disputed ${invoice.amountDisputed}).`, [{ path: "amount", message: `At most ${payable}.` }]);

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
    await recordAudit(tx, { actorUserId: null, actorType: "api", action: "payment.recorded_offline", subjectType: "invoice", subjectId: invoice.id, data: { apiKeyId: input.key.id, externalId, reference: body.reference, amount: body.amount } });
    return { status: 201, body: await invoiceView(tx, invoice.id) };
  });
}
