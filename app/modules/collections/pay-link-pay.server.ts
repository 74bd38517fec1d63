import { and, inArray } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import type { PayLinkActor } from "~/modules/auth/actor";
import { companyToday } from "~/modules/terms/company-date.server";
import { mostPayableToday } from "~/modules/terms/quote.server";
import { invoiceScope } from "~/modules/invoices/scope.server";
import { resumeAttempt, startPayment, type StartedPayment } from "~/modules/payments/start-payment.server";
import { hasNul } from "~/utils/nul";
import { conflict, invalidField, notFound, type Problem } from "~/utils/problem";

/**
 * The holder of a pay link pays the invoices they ticked, each in full of what is due now. Only
 * ids come from the form: which invoices exist for the link and every amount are read from the
 * database through the actor's scope (an id the link does not name — another invoice of the
 * account, another account's — is not found), and startPayment locks and checks them again.
 */
export async function payByLink(actor: PayLinkActor, input: { attemptId: string; invoiceIds: string[]; quoteBasis?: string | null }): Promise<StartedPayment | Problem> {
  const ids = [...new Set(input.invoiceIds)];
  if (ids.length === 0) return invalidField("invoice", "Choose at least one invoice to pay.");
  if (ids.some(hasNul) || ids.length > actor.invoiceIds.length) return notFound("One of the invoices chosen is not on this payment link. Reload the page and try again.");
  // The same form sent twice: the payment it already made (its amounts are reserved by now).
  const earlier = await resumeAttempt(actor, input.attemptId);
  if (earlier) return earlier;
  const rows = await db
    .select()
    .from(invoices)
    .where(and(inArray(invoices.id, ids), invoiceScope(actor)));
  if (rows.length !== ids.length) return notFound("One of the invoices chosen is not on this payment link. Reload the page and try again.");
  // In full of what is due today: an early-payment discount still open is taken.
  const quotedOn = companyToday();
  const amounts = rows.map((r) => ({ invoiceId: r.id, number: r.number, amount: mostPayableToday(r, quotedOn) }));
  const nothing = amounts.find((a) => a.amount <= 0);
  if (nothing) return conflict(`${nothing.number} has nothing to pay now: it is paid, on a payment plan, or a payment for it is already under way. Reload the page.`);
  return startPayment(actor, { accountId: actor.accountId, attemptId: input.attemptId, amounts: amounts.map(({ invoiceId, amount }) => ({ invoiceId, amount })), savePaymentMethod: false, savedMethodId: null, quoteBasis: input.quoteBasis ?? null });
}
