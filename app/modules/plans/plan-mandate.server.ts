import { and, eq } from "drizzle-orm";
import type Stripe from "stripe";
import { savedPaymentMethods } from "#db/schema/payments";
import { paymentPlans } from "#db/schema/plans";
import { db, type Tx } from "~/db.server";
import { env } from "~/env.server";
import type { PayerActor } from "~/modules/auth/actor";
import { inReadersAccount, payerScope } from "~/modules/invoices/scope.server";
import { recurringMandateText, type AccountHolderType } from "~/modules/payments/mandate-text";
import { now, today } from "~/utils/clock";

/**
 * Keeps the authorization a payer accepted for a plan's bank account, word for word (personal
 * accounts: WEB wording, business accounts: CCD), with the day, Stripe's mandate and the holder
 * type, on the account's saved method (saved_payment_methods, one row per Stripe payment method).
 */
export async function recordPlanMandate(tx: Tx, input: { accountId: string; pm: Stripe.PaymentMethod; mandateId: string | null; label: string }): Promise<void> {
  const bank = input.pm.us_bank_account;
  if (!bank) return;
  const holderType: AccountHolderType = bank.account_holder_type === "company" ? "company" : "individual";
  const mandate = {
    accountHolderType: holderType,
    stripeMandateId: input.mandateId,
    mandateText: recurringMandateText({ holderType, merchant: env().COMPANY_NAME, account: input.label, acceptedOn: today() }),
    mandateAcceptedAt: now(),
    verification: "verified" as const,
  };
  await tx
    .insert(savedPaymentMethods)
    .values({ accountId: input.accountId, stripePaymentMethodId: input.pm.id, type: "us_bank_account", label: input.label, brand: bank.bank_name ?? null, last4: bank.last4 ?? null, ...mandate })
    .onConflictDoUpdate({ target: savedPaymentMethods.stripePaymentMethodId, set: mandate });
}

/** The authorization the payer accepted for their plan's bank account, for the plan page (null: a card, or none yet). */
export async function getPlanMandate(actor: PayerActor, input: { planId: string; accountId: string }): Promise<{ text: string; acceptedAt: string; holderType: AccountHolderType | null } | null> {
  const [row] = await db
    .select({ text: savedPaymentMethods.mandateText, acceptedAt: savedPaymentMethods.mandateAcceptedAt, holderType: savedPaymentMethods.accountHolderType })
    .from(paymentPlans)
    .innerJoin(savedPaymentMethods, eq(savedPaymentMethods.stripePaymentMethodId, paymentPlans.stripePaymentMethodId))
    .where(and(eq(paymentPlans.id, input.planId), inReadersAccount(payerScope(actor.userId), paymentPlans.accountId, input.accountId)));
  if (!row?.text || !row.acceptedAt) return null;
  return { text: row.text, acceptedAt: row.acceptedAt.toISOString(), holderType: row.holderType };
}
