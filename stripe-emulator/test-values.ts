/**
 * Stripe's published test card and bank numbers, and what each one does. The emulator decides
 * every outcome from these tables, so a behaviour is reproducible by number alone.
 */

/** How a card behaves when it is charged, set up or attached. */
export type CardBehaviour =
  | { kind: "succeeds" }
  /** Declined on every charge and on attach (Stripe validates the card when it is saved). */
  | { kind: "declined"; decline: Decline }
  /** Attaching succeeds; every later charge is declined. */
  | { kind: "charge_customer_fail"; decline: Decline }
  /** 4000002500003155: authentication on-session, and off-session unless it was set up for it. */
  | { kind: "authentication_unless_setup" }
  /** 4000002760003184: authentication on every payment, even after a setup. */
  | { kind: "authentication_always" }
  /** Succeeds, then a fraudulent dispute is opened shortly after. */
  | { kind: "dispute" }
  /** 4000000000005126: succeeds; a refund of it reports succeeded, then fails later (refund.failed). */
  | { kind: "refund_fails" };

export interface Decline {
  code: string;
  declineCode?: string;
  message: string;
}

const GENERIC: Decline = { code: "card_declined", declineCode: "generic_decline", message: "Your card was declined." };

export const DECLINES = {
  generic: GENERIC,
  insufficientFunds: { code: "card_declined", declineCode: "insufficient_funds", message: "Your card has insufficient funds." },
  lostCard: { code: "card_declined", declineCode: "lost_card", message: "Your card was declined." },
  stolenCard: { code: "card_declined", declineCode: "stolen_card", message: "Your card was declined." },
  expiredCard: { code: "expired_card", declineCode: "expired_card", message: "Your card has expired." },
  incorrectCvc: { code: "incorrect_cvc", declineCode: "incorrect_cvc", message: "Your card's security code is incorrect." },
  processingError: { code: "processing_error", declineCode: "processing_error", message: "An error occurred while processing your card. Try again in a little bit." },
  authenticationRequired: { code: "authentication_required", declineCode: "authentication_required", message: "Your card was declined. This transaction requires authentication." },
  /** What Stripe answers in test mode for a well-formed number that is not one of its test cards. */
  liveCard: {
    code: "card_declined",
    declineCode: "test_mode_live_card",
    message: "Your card was declined. Your request was in test mode, but used a non test (live) card. For a list of valid test cards, visit: https://stripe.com/docs/testing.",
  },
} satisfies Record<string, Decline>;

export interface TestCard {
  number: string;
  behaviour: CardBehaviour;
  funding?: "credit" | "debit";
}

export const TEST_CARDS: TestCard[] = [
  { number: "4242424242424242", behaviour: { kind: "succeeds" } },
  { number: "4000056655665556", behaviour: { kind: "succeeds" }, funding: "debit" },
  { number: "5555555555554444", behaviour: { kind: "succeeds" } },
  { number: "378282246310005", behaviour: { kind: "succeeds" } },
  { number: "6011111111111117", behaviour: { kind: "succeeds" } },
  { number: "4000000000000002", behaviour: { kind: "declined", decline: DECLINES.generic } },
  { number: "4000000000009995", behaviour: { kind: "declined", decline: DECLINES.insufficientFunds } },
  { number: "4000000000009987", behaviour: { kind: "declined", decline: DECLINES.lostCard } },
  { number: "4000000000009979", behaviour: { kind: "declined", decline: DECLINES.stolenCard } },
  { number: "4000000000000069", behaviour: { kind: "declined", decline: DECLINES.expiredCard } },
  { number: "4000000000000127", behaviour: { kind: "declined", decline: DECLINES.incorrectCvc } },
  { number: "4000000000000119", behaviour: { kind: "declined", decline: DECLINES.processingError } },
  { number: "4000000000000341", behaviour: { kind: "charge_customer_fail", decline: DECLINES.generic } },
  { number: "4000002500003155", behaviour: { kind: "authentication_unless_setup" } },
  { number: "4000002760003184", behaviour: { kind: "authentication_always" } },
  { number: "4000000000000259", behaviour: { kind: "dispute" } },
  { number: "4000000000005126", behaviour: { kind: "refund_fails" } },
];

/** Stripe's well-known PaymentMethod ids: each use clones a fresh pm_ from the card number. */
export const TEST_CARD_PAYMENT_METHODS: Record<string, string> = {
  pm_card_visa: "4242424242424242",
  pm_card_visa_debit: "4000056655665556",
  pm_card_mastercard: "5555555555554444",
  pm_card_amex: "378282246310005",
  pm_card_discover: "6011111111111117",
  pm_card_visa_chargeDeclined: "4000000000000002",
  pm_card_visa_chargeDeclinedInsufficientFunds: "4000000000009995",
  pm_card_visa_chargeDeclinedLostCard: "4000000000009987",
  pm_card_visa_chargeDeclinedStolenCard: "4000000000009979",
  pm_card_chargeDeclinedExpiredCard: "4000000000000069",
  pm_card_chargeDeclinedIncorrectCvc: "4000000000000127",
  pm_card_chargeDeclinedProcessingError: "4000000000000119",
  pm_card_chargeCustomerFail: "4000000000000341",
  pm_card_authenticationRequiredOnSetup: "4000002500003155",
  pm_card_authenticationRequired: "4000002760003184",
  pm_card_createDispute: "4000000000000259",
  /** Emulator-only name for Stripe's asynchronous refund failure card. */
  pm_card_refundFail: "4000000000005126",
};

export function findTestCard(number: string): TestCard | undefined {
  return TEST_CARDS.find((c) => c.number === number);
}

/** Behaviour of any card number: unknown but well-formed numbers are "live" cards, declined in test mode. */
export function cardBehaviour(number: string): CardBehaviour {
  return findTestCard(number)?.behaviour ?? { kind: "declined", decline: DECLINES.liveCard };
}

export function cardBrand(number: string): "visa" | "mastercard" | "amex" | "discover" | "unknown" {
  if (/^4/.test(number)) return "visa";
  if (/^(5[1-5]|2[2-7])/.test(number)) return "mastercard";
  if (/^3[47]/.test(number)) return "amex";
  if (/^(6011|65|64[4-9])/.test(number)) return "discover";
  return "unknown";
}

export function luhnValid(number: string): boolean {
  if (!/^\d+$/.test(number)) return false;
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The length a brand's numbers have (amex 15, the others 16). */
export function expectedLength(number: string): number {
  return cardBrand(number) === "amex" ? 15 : 16;
}

// ---------------------------------------------------------------------------------------------
// US bank accounts (ACH Direct Debit)

export const TEST_ROUTING_NUMBER = "110000000";
export const TEST_BANK_NAME = "STRIPE TEST BANK";

export type BankBehaviour =
  | { kind: "succeeds" }
  | { kind: "fails"; code: string; message: string }
  /** Stays `processing` forever: the debit never settles. */
  | { kind: "stays_processing" }
  /** Settles, then the payer disputes the debit. */
  | { kind: "dispute" }
  /** Settles; a refund to it fails when it would settle (the account was closed meanwhile). Emulator-only number. */
  | { kind: "refund_fails" };

export const BANK_FAILURES = {
  accountClosed: { code: "account_closed", message: "The customer's bank account has been closed." },
  noAccount: { code: "no_account", message: "The customer's bank account could not be located." },
  insufficientFunds: { code: "insufficient_funds", message: "The customer's account has insufficient funds to cover this payment." },
  debitNotAuthorized: { code: "debit_not_authorized", message: "The customer has notified their bank that this payment was unauthorized." },
} as const;

export const TEST_BANK_ACCOUNTS: Record<string, BankBehaviour> = {
  "000123456789": { kind: "succeeds" },
  "000111111113": { kind: "fails", ...BANK_FAILURES.accountClosed },
  "000111111116": { kind: "fails", ...BANK_FAILURES.noAccount },
  "000222222227": { kind: "fails", ...BANK_FAILURES.insufficientFunds },
  "000333333335": { kind: "fails", ...BANK_FAILURES.debitNotAuthorized },
  "000555555559": { kind: "dispute" },
  "000444444440": { kind: "refund_fails" },
  "000000000009": { kind: "stays_processing" },
};

export const TEST_BANK_PAYMENT_METHODS: Record<string, string> = {
  pm_usBankAccount_success: "000123456789",
  pm_usBankAccount_accountClosed: "000111111113",
  pm_usBankAccount_noAccount: "000111111116",
  pm_usBankAccount_insufficientFunds: "000222222227",
  pm_usBankAccount_debitNotAuthorized: "000333333335",
  pm_usBankAccount_dispute: "000555555559",
  pm_usBankAccount_processing: "000000000009",
  /** Emulator-only: settles, refunds to it fail. */
  pm_usBankAccount_refundFail: "000444444440",
};

/** Other well-formed account numbers behave like the success account (test mode accepts them). */
/** Why a refund to a "refund_fails" test card or account fails (Stripe's Refund.failure_reason). */
export const REFUND_FAILURE_REASONS = { card: "expired_or_canceled_card", bank: "declined" } as const;

export function bankBehaviour(accountNumber: string): BankBehaviour {
  return TEST_BANK_ACCOUNTS[accountNumber] ?? { kind: "succeeds" };
}

// ---------------------------------------------------------------------------------------------
// Microdeposits (bank accounts that cannot be verified instantly)

/**
 * Emulator-only: with verification_method "automatic", this account cannot be verified
 * instantly, so Stripe falls back to microdeposits (any account does with "microdeposits", or when
 * the payer picks "Verify with microdeposits" on the Checkout page). Once verified it debits like
 * the success account.
 */
export const MICRODEPOSIT_ONLY_ACCOUNTS: readonly string[] = ["000999999991"];

/** How long the payer has to verify: Stripe's 10 days. */
export const MICRODEPOSIT_WINDOW_SECONDS = 10 * 86_400;
export const MICRODEPOSIT_MAX_ATTEMPTS = 3;

export type MicrodepositOutcome = "verified" | "attempts_exceeded" | "timeout" | "mismatch";

/** Stripe's documented test values: 32/45 or SM11AA verify; 10/11 or SM33CC exceed the attempts; 40/41 or SM44DD time out. */
export function microdepositOutcome(input: { amounts?: [number, number]; descriptorCode?: string }): MicrodepositOutcome {
  const key = input.amounts ? [...input.amounts].sort((a, b) => a - b).join(",") : (input.descriptorCode ?? "").toUpperCase();
  if (key === "32,45" || key === "SM11AA") return "verified";
  if (key === "10,11" || key === "SM33CC") return "attempts_exceeded";
  if (key === "40,41" || key === "SM44DD") return "timeout";
  return "mismatch";
}
