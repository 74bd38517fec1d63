import { and, eq, sql } from "drizzle-orm";
import { today } from "~/utils/clock";
import { setLedgerDate } from "~/modules/analytics/ledger-date.server";
import { accounts } from "#db/schema/accounts";
import { creditMemos } from "#db/schema/disputes";
import { events } from "#db/schema/events";
import { invoices } from "#db/schema/invoices";
import { db, type Executor } from "~/db.server";
import { CreditMemoInput, type CreditMemoOut } from "~/modules/api/schemas";
import { recordAudit } from "~/modules/audit/record-audit.server";
import type { Actor } from "~/modules/auth/actor";
import { lockInvoiceByExternalId, payableNow } from "./invoice-view.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { conflict, type Problem } from "~/utils/problem";
import { checkExternalId, ingestAudit, ingestRefusal, parseBody, refusable, refuse, type Ingested } from "./result";
import { noInvoice } from "./void-invoice.server";

async function creditMemoView(exec: Executor, memoId: string, externalId: string | null): Promise<CreditMemoOut> {
  const [row] = await exec.select({ memo: creditMemos, invoiceExternalId: invoices.externalId }).from(creditMemos).innerJoin(invoices, eq(invoices.id, creditMemos.invoiceId)).where(eq(creditMemos.id, memoId));
  const m = row!.memo;
  return { id: m.id, external_id: externalId, invoice_external_id: row!.invoiceExternalId, amount: m.amount, currency: m.currency, reason: m.reason, created_at: m.createdAt.toISOString() };
}

/**
 * POST /invoices/{externalId}/credit-memos: credits the invoice. Idempotent by `external_id` when
 * given (kept in the credit_memo.created event's data).
 */
export async function createCreditMemo(actor: Actor, input: { externalId: string | undefined; body: unknown }): Promise<Ingested<CreditMemoOut> | Problem> {
  return ingestRefusal(actor, "invoices:write") ?? refusable(() => create(actor, input));
}

async function create(actor: Actor, input: { externalId: string | undefined; body: unknown }): Promise<Ingested<CreditMemoOut>> {
  const externalId = checkExternalId(input.externalId);
  const body = parseBody(CreditMemoInput, input.body);
  const memoExternalId = body.external_id ?? null;
  return db.transaction(async (tx) => {
    if (memoExternalId) await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`ingest:credit_memo:${memoExternalId}`}))`);
    const invoice = await lockInvoiceByExternalId(tx, externalId);
    if (!invoice) refuse(noInvoice(externalId));
    if (memoExternalId) {
      const [previous] = await tx
        .select({ subjectId: events.subjectId, data: events.data })
        .from(events)
        .where(and(eq(events.type, "credit_memo.created"), sql`${events.data}->>'externalId' = ${memoExternalId}`))
        .limit(1);
      if (previous) {
        if (previous.data.invoiceId !== invoice.id || previous.data.amount !== body.amount) refuse(conflict(`Credit memo ${memoExternalId} already exists with a different invoice or amount.`, { code: "idempotency_conflict" }));
        return { created: false, record: await creditMemoView(tx, previous.subjectId, memoExternalId) };
      }
    }
    if (invoice.status === "void") refuse(conflict(`Invoice ${invoice.number} is void.`, { code: "invoice_void" }));
    const payable = payableNow(invoice);
    if (body.amount > payable) refuse(conflict(`At most ${payable} can be credited now (balance ${invoice.balance}, under way ${invoice.amountPending}, disputed ${invoice.amountDisputed}).`, { code: "amount_exceeds_payable", fields: { amount: `At most ${payable}.` } }));

    await setLedgerDate(tx, body.credited_on ?? today());
    const [updated] = await tx
      .update(invoices)
      .set({
        amountCredited: sql`${invoices.amountCredited} + ${body.amount}`,
        status: sql`case when ${invoices.total} - ${invoices.amountPaid} - ${invoices.amountCredited} - ${body.amount} <= 0 then 'paid' else ${invoices.status} end`,
        updatedAt: sql`now()`,
      })
      .where(eq(invoices.id, invoice.id))
      .returning({ status: invoices.status });
    const [memo] = await tx.insert(creditMemos).values({ accountId: invoice.accountId, invoiceId: invoice.id, amount: body.amount, currency: invoice.currency, reason: body.reason }).returning({ id: creditMemos.id });
    const [account] = await tx.select({ externalId: accounts.externalId }).from(accounts).where(eq(accounts.id, invoice.accountId));
    await recordEvent(tx, {
      type: "credit_memo.created",
      accountId: invoice.accountId,
      subjectType: "credit_memo",
      subjectId: memo!.id,
      data: { invoiceId: invoice.id, invoiceNumber: invoice.number, invoiceExternalId: externalId, customerExternalId: account?.externalId ?? null, externalId: memoExternalId, amount: body.amount, currency: invoice.currency },
    });
    if (updated!.status === "paid" && invoice.status !== "paid") {
      await recordEvent(tx, { type: "invoice.paid", accountId: invoice.accountId, subjectType: "invoice", subjectId: invoice.id, data: { number: invoice.number, creditMemoId: memo!.id } });
    }
    const { by, ...who } = ingestAudit(actor);
    await recordAudit(tx, { ...who, action: "credit_memo.created", subjectType: "credit_memo", subjectId: memo!.id, data: { ...by, invoiceExternalId: externalId, externalId: memoExternalId, amount: body.amount } });
    return { created: true, record: await creditMemoView(tx, memo!.id, memoExternalId) };
  });
}
