/**
 * What a payer reads when a payment fails, and how their bank account is named. Stripe's texts
 * are written for the merchant ("The customer's bank account could not be located."); the payer
 * needs "you" and what to do next. Stripe's own text stays stored for staff; this is the payer's view.
 */

type Method = "card" | "us_bank_account" | string | null;

const CARD_TEXT: Record<string, string> = {
  generic_decline: "Your card was declined. Try another card, or pay from a US bank account.",
  card_declined: "Your card was declined. Try another card, or pay from a US bank account.",
  do_not_honor: "Your card was declined. Try another card, or pay from a US bank account.",
  // Stripe advises not to tell the payer a card is reported lost or stolen.
  lost_card: "Your card was declined. Try another card, or pay from a US bank account.",
  stolen_card: "Your card was declined. Try another card, or pay from a US bank account.",
  fraudulent: "Your card was declined. Try another card, or pay from a US bank account.",
  insufficient_funds: "Your card has insufficient funds. Try another card, or pay part of the amount now.",
  expired_card: "Your card has expired. Check the expiry date, or use another card.",
  incorrect_cvc: "The security code (CVC) did not match. Check the 3 or 4 digits and try again.",
  incorrect_number: "The card number is not right. Check it and try again.",
  processing_error: "Your card could not be charged because of a processing error. Nothing was taken: try again in a few minutes.",
  authentication_required: "Your bank asked you to confirm this payment, and it was not confirmed. Try again and complete your bank's check.",
};

const BANK_TEXT: Record<string, string> = {
  account_closed: "Your bank says this account is closed. Pay again from another bank account or with a card.",
  no_account: "Your bank could not find this account. Check the routing and account numbers, or pay from another account or with a card.",
  insufficient_funds: "Your bank account did not have enough money for this debit. Pay again once the funds are there, or use a card.",
  debit_not_authorized: "Your bank reports that you did not authorize this debit. If you meant to pay, tell your bank the debit is allowed, then pay again.",
  invalid_account_number: "The account number is not valid. Check it and pay again.",
  bank_account_restricted: "Your bank does not allow debits from this account. Pay from another account or with a card.",
  payment_method_microdeposit_verification_attempts_exceeded:
    "Your bank account could not be verified: the deposit amounts were entered wrongly 3 times. Nothing was taken. Pay again with another bank account or a card.",
  payment_method_microdeposit_verification_timeout:
    "Your bank account was not verified within 10 days, so the payment was stopped. Nothing was taken. Pay again with a bank account you can verify instantly, or a card.",
};

const FALLBACK = "The payment did not go through, and nothing was taken. Try again, or use another payment method.";

/**
 * The payer's text for a failure code (Stripe's decline code, or the ACH return code). Unknown codes
 * keep the stored message, unless it speaks of "the customer": then a plain second-person fallback.
 */
export function payerFailureText(failure: { code: string | null; message: string | null; method: Method }): string | null {
  if (!failure.code && !failure.message) return null;
  const table = failure.method === "us_bank_account" ? BANK_TEXT : CARD_TEXT;
  const known = failure.code ? (table[failure.code] ?? (failure.method ? undefined : (CARD_TEXT[failure.code] ?? BANK_TEXT[failure.code]))) : undefined;
  if (known) return known;
  if (!failure.message || /\bthe customer\b/i.test(failure.message)) return FALLBACK;
  return failure.message;
}

/** The name Stripe gives every test routing number (110000000); no payer has an account there. */
export const STRIPE_TEST_BANK_NAME = "STRIPE TEST BANK";

/**
 * "Chase •••• 6789" as the payer knows it. Stripe's test bank name (and a missing one) becomes
 * "Bank account": showing "STRIPE TEST BANK" would only puzzle a payer trying the portal.
 */
export function bankAccountLabel(bankName: string | null | undefined, last4: string): string {
  const name = bankName?.trim();
  return `${!name || name.toUpperCase() === STRIPE_TEST_BANK_NAME ? "Bank account" : name} •••• ${last4}`;
}
