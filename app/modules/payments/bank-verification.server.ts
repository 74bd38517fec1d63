import { eq } from "drizzle-orm";
import { payments, type BankVerificationState, type Payment } from "#db/schema/payments";
import type { Tx } from "~/db.server";
import { now } from "~/utils/clock";
import type { ObservedPayment } from "./observe-stripe.server";

/** Stripe gives the payer 10 days to confirm microdeposits; after that the payment fails. */
export const BANK_VERIFICATION_WINDOW_DAYS = 10;

/** Stripe's failure codes of a microdeposit verification (what ended it, not a bank return). */
export const MICRODEPOSIT_FAILURE_CODES = ["payment_method_microdeposit_verification_attempts_exceeded", "payment_method_microdeposit_verification_timeout"] as const;

/**
 * Keeps payments.bank_verification in step with what Stripe says, inside the sync's transaction:
 * pending while the intent waits for microdeposits (with Stripe's hosted page and our deadline),
 * verified once the debit goes ahead, failed when the verification ended it. The amounts stay
 * reserved while pending: the payment itself stays `pending`.
 */
export async function noteBankVerification(tx: Tx, payment: Payment, observed: ObservedPayment): Promise<void> {
  const next = nextVerification(payment.bankVerification, observed);
  if (!next || next === payment.bankVerification) return;
  if (next === "pending") {
    const expiresAt = new Date(now().getTime() + BANK_VERIFICATION_WINDOW_DAYS * 86_400_000);
    await tx.update(payments).set({ bankVerification: next, bankVerificationUrl: observed.verificationUrl, bankVerificationExpiresAt: expiresAt, updatedAt: new Date() }).where(eq(payments.id, payment.id));
    return;
  }
  await tx.update(payments).set({ bankVerification: next, updatedAt: new Date() }).where(eq(payments.id, payment.id));
}

function nextVerification(current: BankVerificationState | null, observed: ObservedPayment): BankVerificationState | null {
  if (observed.state === "verifying") return current ?? "pending";
  if (current !== "pending") return null;
  if (observed.state === "processing" || observed.state === "succeeded") return "verified";
  if (observed.state === "failed") return "failed";
  return null;
}
