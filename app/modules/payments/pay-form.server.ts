import { and, asc, eq, inArray, isNull, or } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { invoices } from "#db/schema/invoices";
import { paymentAllocations, payments, savedPaymentMethods } from "#db/schema/payments";
import { db } from "~/db.server";
import { openCredits } from "~/modules/credits/open-credits.server";
import { companyToday } from "~/modules/terms/company-date.server";
import { discountOffer, mostPayable } from "~/modules/terms/quote-rules";
import { quoteBasis, termsOf } from "~/modules/terms/quote.server";
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
  const today = companyToday();
  if (invoiceIds.length === 0) return { invoices: [], paymentsUnderWay: [], savedCards: [], credits: [], today, quoteBasis: quoteBasis(today, []) };
  const parent = alias(invoices, "parent");
  const rows = await db
    .select({ invoice: invoices, feeForNumber: parent.number })
    .from(invoices)
    .leftJoin(parent, eq(parent.id, invoices.lateFeeForInvoiceId))
    .where(
      and(
        // The late fees of a chosen invoice come with it ("plus fees"): paying an invoice pays what it costs now.
        or(inArray(invoices.id, invoiceIds), and(inArray(invoices.lateFeeForInvoiceId, invoiceIds), eq(invoices.status, "open"))),
        inReadersAccount(payerScope(payer.userId), invoices.accountId, payer.accountId),
      ),
    )
    .orderBy(asc(invoices.dueDate), asc(invoices.number));
  const underWay = await db
    .selectDistinct({ id: payments.id, status: payments.status, amount: payments.amount, currency: payments.currency, checkoutUrl: payments.checkoutUrl, createdAt: payments.createdAt })
    .from(payments)
    .innerJoin(paymentAllocations, eq(paymentAllocations.paymentId, payments.id))
    .where(and(inArray(paymentAllocations.invoiceId, rows.map((r) => r.invoice.id)), inArray(payments.status, PAYMENT_GROUPS.reserving)));
  const savedCards = await db
    .select({ id: savedPaymentMethods.id, label: savedPaymentMethods.label })
    .from(savedPaymentMethods)
    .where(and(eq(savedPaymentMethods.accountId, payer.accountId), eq(savedPaymentMethods.type, "card"), isNull(savedPaymentMethods.removedAt)))
    .orderBy(asc(savedPaymentMethods.createdAt));
  // Credits the payer may apply: the account's, in the invoices' currency.
  const currency = rows[0]?.invoice.currency;
  const credits = currency ? await openCredits(db, payer.accountId, currency) : [];
  return {
    savedCards,
    today,
    credits: credits.map((c) => ({ id: c.id, source: c.source, reason: c.reason, currency: c.currency, available: c.available })),
    // The page's quote: sent back with the form, so a payment is never charged amounts the payer was not shown.
    quoteBasis: quoteBasis(today, rows.map((r) => r.invoice), credits),
    invoices: rows.map(({ invoice: r, feeForNumber }) => {
      const terms = termsOf(r);
      return {
        id: r.id,
        number: r.number,
        poNumber: r.poNumber,
        currency: r.currency,
        dueDate: r.dueDate,
        status: r.status,
        balance: r.balance,
        amountPending: r.amountPending,
        amountDisputed: r.amountDisputed,
        // payableAmount() is 0 for an invoice on a payment plan: it is paid from the plan.
        paymentPlanId: r.paymentPlanId,
        feeForNumber,
        payable: terms.payable,
        /** The most that can be paid today: the payable balance less the early-payment discount offered. */
        mostPayable: mostPayable(terms, today),
        offer: discountOffer(terms, today),
        terms,
      };
    }),
    paymentsUnderWay: underWay,
  };
}
