import { and, asc, eq, inArray, or, sql } from "drizzle-orm";
import { accounts, users } from "#db/schema/accounts";
import { events } from "#db/schema/events";
import { invoices } from "#db/schema/invoices";
import { chargebackAllocations, chargebacks, paymentAllocations, payments, refundAllocations, refunds } from "#db/schema/payments";
import { db } from "~/db.server";
import { payerFailureText } from "./payer-wording";
import { inReadersAccounts, payerScope, type ReadScope } from "~/modules/invoices/scope.server";
import { isStaffActor, type Actor, type PayerActor } from "~/modules/auth/actor";
import { isProblem, notFound, type Problem } from "~/utils/problem";
import { paymentIs } from "./payment-states";

/** One payment with its invoices, refunds, chargebacks, Stripe ids and timeline, for AR staff. */
export async function getPaymentForStaff(actor: Actor, paymentId: string) {
  if (!isStaffActor(actor)) return notFound("Payment not found.");
  return (await readPayment({ kind: "staff" }, paymentId)) ?? notFound("Payment not found.");
}

/**
 * One payment of the payer's accounts as the payer sees it (another's is not_found). The fields are named
 * here, so a column added to payments (or Stripe's ids, refunds and the event timeline) does not
 * reach payers unless it is added to this list.
 */
export async function getPaymentForPayer(actor: PayerActor, paymentId: string) {
  const p = await readPayment(payerScope(actor.userId), paymentId);
  if (!p) return notFound("Payment not found.");
  return {
    id: p.id,
    status: p.status,
    amount: p.amount,
    amountRefunded: p.amountRefunded,
    amountChargedBack: p.amountChargedBack,
    // The payer sees that a payment is disputed or reversed; the chargeback's details are for staff.
    chargebackState: p.chargebackState,
    currency: p.currency,
    method: p.method,
    methodLabel: p.methodLabel,
    checkoutUrl: p.checkoutUrl,
    // Microdeposits: the payer confirms them on the payment page (or Stripe's hosted page).
    bankVerification: p.bankVerification,
    bankVerificationUrl: p.bankVerificationUrl,
    bankVerificationExpiresAt: p.bankVerificationExpiresAt,
    // In the payer's words (Stripe's own text, written for the merchant, stays for staff).
    failureMessage: payerFailureText({ code: p.failureCode, message: p.failureMessage, method: p.method }),
    createdAt: p.createdAt,
    processingAt: p.processingAt,
    succeededAt: p.succeededAt,
    failedAt: p.failedAt,
    canceledAt: p.canceledAt,
    accountName: p.accountName,
    accountNumber: p.accountNumber,
    payer: p.payer,
    allocations: p.allocations,
  };
}

export type PayerPaymentView = Exclude<Awaited<ReturnType<typeof getPaymentForPayer>>, Problem>;

/** The receipt of a paid payment of the payer's (any other: not_found). */
export async function getReceipt(actor: PayerActor, paymentId: string): Promise<PayerPaymentView | Problem> {
  const payment = await getPaymentForPayer(actor, paymentId);
  if (isProblem(payment) || !paymentIs("paid", payment.status)) return notFound("No receipt for that payment.");
  return payment;
}

async function readPayment(scope: ReadScope, paymentId: string) {
  const [row] = await db
    .select({ payment: payments, accountName: accounts.name, accountNumber: accounts.number, payerName: users.name, payerEmail: users.email })
    .from(payments)
    .innerJoin(accounts, eq(accounts.id, payments.accountId))
    .leftJoin(users, eq(users.id, payments.createdByUserId))
    .where(
      and(eq(payments.id, paymentId), inReadersAccounts(scope, payments.accountId)),
    );
  if (!row) return null;
  const [allocations, refundRows, chargebackRows] = await Promise.all([
    db
      .select({
        invoiceId: paymentAllocations.invoiceId,
        number: invoices.number,
        amount: paymentAllocations.amount,
        discount: paymentAllocations.discount,
        amountRefunded: paymentAllocations.amountRefunded,
        amountChargedBack: paymentAllocations.amountChargedBack,
        invoiceBalance: invoices.balance,
      })
      .from(paymentAllocations)
      .innerJoin(invoices, eq(invoices.id, paymentAllocations.invoiceId))
      .where(eq(paymentAllocations.paymentId, paymentId))
      .orderBy(asc(invoices.number)),
    db.select().from(refunds).where(eq(refunds.paymentId, paymentId)).orderBy(asc(refunds.createdAt)),
    db.select().from(chargebacks).where(eq(chargebacks.paymentId, paymentId)).orderBy(asc(chargebacks.createdAt)),
  ]);
  const chargebackIds = chargebackRows.map((c) => c.id);
  const chargebackParts = chargebackIds.length
    ? await db
        .select({ chargebackId: chargebackAllocations.chargebackId, invoiceId: chargebackAllocations.invoiceId, number: invoices.number, amount: chargebackAllocations.amount })
        .from(chargebackAllocations)
        .innerJoin(invoices, eq(invoices.id, chargebackAllocations.invoiceId))
        .where(inArray(chargebackAllocations.chargebackId, chargebackIds))
        .orderBy(asc(invoices.number))
    : [];
  const refundIds = refundRows.map((r) => r.id);
  const [refundParts, timeline] = await Promise.all([
    refundIds.length ? db.select().from(refundAllocations).where(inArray(refundAllocations.refundId, refundIds)) : Promise.resolve([]),
    db
      .select({ id: events.id, type: events.type, createdAt: events.createdAt, data: events.data })
      .from(events)
      .where(or(and(eq(events.subjectType, "payment"), eq(events.subjectId, paymentId))))
      .orderBy(asc(events.seq)),
  ]);
  return {
    ...row.payment,
    accountName: row.accountName,
    accountNumber: row.accountNumber,
    payer: row.payerName ? { name: row.payerName, email: row.payerEmail } : null,
    allocations,
    refunds: refundRows.map((r) => ({ ...r, parts: refundParts.filter((p) => p.refundId === r.id) })),
    chargebacks: chargebackRows.map((c) => ({ ...c, reopened: chargebackParts.filter((p) => p.chargebackId === c.id && p.amount > 0) })),
    timeline,
  };
}

export type PaymentDetail = Exclude<Awaited<ReturnType<typeof getPaymentForStaff>>, Problem>;

/** Payments of one invoice, newest first, for its page; an invoice outside the actor's accounts has none. */
export async function paymentsForInvoice(actor: Actor, invoiceId: string) {
  const rows = await db
    .select({
      id: payments.id,
      status: payments.status,
      amount: paymentAllocations.amount,
      currency: payments.currency,
      method: payments.method,
      methodLabel: payments.methodLabel,
      failureCode: payments.failureCode,
      failureMessage: payments.failureMessage,
      createdAt: payments.createdAt,
      updatedAt: payments.updatedAt,
      succeededAt: payments.succeededAt,
    })
    .from(paymentAllocations)
    .innerJoin(payments, eq(payments.id, paymentAllocations.paymentId))
    .innerJoin(invoices, eq(invoices.id, paymentAllocations.invoiceId))
    .where(and(eq(paymentAllocations.invoiceId, invoiceId), inReadersAccounts(actor, invoices.accountId)))
    .orderBy(sql`${payments.createdAt} desc`)
    .limit(20);
  return rows.map(({ failureCode, ...row }) => ({ ...row, failureMessage: payerFailureText({ code: failureCode, message: row.failureMessage, method: row.method }) }));
}
