import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { paymentAllocations, payments, savedPaymentMethods } from "#db/schema/payments";
import { db } from "~/db.server";
import { payableAmount } from "~/modules/invoices/payable";
import { inReadersAccount, payerScope } from "~/modules/invoices/scope.server";
import { hasNul } from "~/utils/nul";
import type { PayerActor } from "~/modules/auth/actor";
import { PAYMENT_GROUPS } from "./payment-states";

/**
 * What the pay page shows: the chosen invoices of the payer's active account with what is
 * still payable on each, and any payment already under way for them.
 */
export async function loadPayForm(actor: PayerActor, input: { accountId: string; invoiceIds: string[] }) {
  const payer = { userId: actor.userId, accountId: input.accountId };
  const chosenIds = input.invoiceIds;
  // An id PostgreSQL cannot even compare (U+0000) is no invoice of theirs: dropped, like a stranger's id.
  const invoiceIds = chosenIds.filter((id) => !hasNul(id));
  if (invoiceIds.length === 0) return { invoices: [], paymentsUnderWay: [], savedCards: [] };
  const rows = await db
    .select({
      id: invoices.id,
      number: invoices.number,
      poNumber: invoices.poNumber,
      currency: invoices.currency,
      dueDate: invoices.dueDate,
      status: invoices.status,
      balance: invoices.balance,
      amountPending: invoices.amountPending,
      amountDisputed: invoices.amountDisputed,
      // payableAmount() is 0 for an invoice on a payment plan: it is paid from the plan.
      paymentPlanId: invoices.paymentPlanId,
    })
    .from(invoices)
    .where(
and(inArray(invoices.id, invoiceIds), inReadersAccount(payerScope(payer.userId), invoices.accountId, payer.accountId)),
    )
    .orderBy(asc(invoices.dueDate), asc(invoices.number));
  const underWay = await db
    .selectDistinct({ id: payments.id, status: payments.status, amount: payments.amount, currency: payments.currency, checkoutUrl: payments.checkoutUrl, createdAt: payments.createdAt })
    .from(payments)
    .innerJoin(paymentAllocations, eq(paymentAllocations.paymentId, payments.id))
    .where(and(inArray(paymentAllocations.invoiceId, rows.map((r) => r.id)), inArray(payments.status, PAYMENT_GROUPS.reserving)));
  const savedCards = await db
    .select({ id: savedPaymentMethods.id, label: savedPaymentMethods.label })
    .from(savedPaymentMethods)
    .where(and(eq(savedPaymentMethods.accountId, payer.accountId), eq(savedPaymentMethods.type, "card"), isNull(savedPaymentMethods.removedAt)))
    .orderBy(asc(savedPaymentMethods.createdAt));
  return {
    savedCards,
    invoices: rows.map((r) => ({ ...r, payable: payableAmount(r) })),
    paymentsUnderWay: underWay,
  };
}
