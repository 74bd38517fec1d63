import { and, eq } from "drizzle-orm";
import Stripe from "stripe";
import { payments } from "#db/schema/payments";
import { db } from "~/db.server";
import { systemActor, type PayerActor } from "~/modules/auth/actor";
import { inReadersAccounts, payerScope } from "~/modules/invoices/scope.server";
import { stripe } from "~/modules/stripe/client.server";
import { conflict, invalidField, isProblem, notFound, type Problem } from "~/utils/problem";
import type { PaymentStatus } from "./payment-states";
import { syncPayment } from "./sync-payment.server";

export type MicrodepositAnswer = { amounts: [number, number] } | { descriptorCode: string };

/** Stripe's wrong-answer codes: the payer may try again (its message says how many tries are left). */
const MISMATCH_CODES = ["payment_method_microdeposit_verification_amounts_mismatch", "payment_method_microdeposit_verification_descriptor_code_mismatch"];

/**
 * The payer confirms the microdeposits Stripe sent to the bank account of a payment whose Checkout
 * completed unverified. Stripe checks the answer (3 tries, 10 days); the payment then moves the
 * way Stripe says through syncPayment: processing when verified, failed (balances released, payer
 * emailed) when the tries or the window ran out.
 */
export async function verifyPaymentBankAccount(actor: PayerActor, input: { paymentId: string; answer: MicrodepositAnswer }): Promise<{ status: PaymentStatus } | Problem> {
  const [payment] = await db
    .select({ id: payments.id, status: payments.status, bankVerification: payments.bankVerification, intent: payments.stripePaymentIntentId })
    .from(payments)
    .where(and(eq(payments.id, input.paymentId), inReadersAccounts(payerScope(actor.userId), payments.accountId)));
  if (!payment) return notFound("Payment not found.");
  if (payment.bankVerification !== "pending" || payment.status !== "pending" || !payment.intent) {
    return conflict("This payment is not waiting for a bank account verification any more.", { code: payment.status });
  }
  const refused = await askStripe(() => stripe().paymentIntents.verifyMicrodeposits(payment.intent!, stripeAnswer(input.answer)));
  const status = await syncPayment(systemActor("stripe"), payment.id);
  if (isProblem(status)) return status;
  const mismatch = refused ? wrongAnswer(refused, input.answer) : null;
  if (mismatch) return mismatch;
  // Attempts exceeded or the window closed: the sync above failed the payment; the page says why.
  return { status };
}

export function stripeAnswer(answer: MicrodepositAnswer): { amounts: number[] } | { descriptor_code: string } {
  return "amounts" in answer ? { amounts: answer.amounts } : { descriptor_code: answer.descriptorCode };
}

/** Calls verify_microdeposits; Stripe's refusal (a wrong answer, tries or time run out) is returned, not thrown. */
export async function askStripe(call: () => Promise<unknown>): Promise<Stripe.errors.StripeInvalidRequestError | null> {
  try {
    await call();
    return null;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError) return error;
    throw error;
  }
}

/** A wrong answer the payer may correct, at the field they typed, with the tries left; null for any other refusal. */
export function wrongAnswer(refused: Stripe.errors.StripeInvalidRequestError, answer: MicrodepositAnswer): Problem | null {
  if (!MISMATCH_CODES.includes(refused.code ?? "")) return null;
  const field = "amounts" in answer ? "amount_1" : "descriptor_code";
  const what = "amounts" in answer ? "Those amounts do not match the deposits sent to your bank account." : "That code does not match the one sent to your bank account.";
  const left = /(\d+) verification attempts? remaining/.exec(refused.message)?.[1];
  return invalidField(field, `${what}${left ? ` You have ${left} ${left === "1" ? "try" : "tries"} left.` : ""}`, refused.code);
}
