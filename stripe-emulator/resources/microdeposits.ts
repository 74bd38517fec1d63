/**
 * Bank accounts verified by microdeposits: an intent confirmed with such an account waits in
 * `requires_action` (next_action verify_with_microdeposits) until the payer reports the two
 * amounts or the descriptor code (`verify_microdeposits`), at most 3 wrong attempts, within 10
 * days. Verified: a payment debits (processing → settles), a setup succeeds. Otherwise the intent
 * fails with Stripe's codes.
 */
import type Stripe from "stripe";
import { type Emulator, NO_REQUEST, type RequestContext, type Route } from "../context";
import type { MicrodepositVerification } from "../store";
import { MICRODEPOSIT_MAX_ATTEMPTS, MICRODEPOSIT_ONLY_ACCOUNTS, MICRODEPOSIT_WINDOW_SECONDS, microdepositOutcome } from "../test-values";
import { ApiError, committed, docUrl, idOf, invalid, lookup, type Params } from "../wire";
import { startBankDebit } from "./payment-intents";
import { secretOf } from "./payment-methods";
import { succeedSetup } from "./setup-intents";

type Intent = Stripe.PaymentIntent | Stripe.SetupIntent;

export const MICRODEPOSIT_ERRORS = {
  amountsMismatch: "payment_method_microdeposit_verification_amounts_mismatch",
  descriptorCodeMismatch: "payment_method_microdeposit_verification_descriptor_code_mismatch",
  attemptsExceeded: "payment_method_microdeposit_verification_attempts_exceeded",
  timeout: "payment_method_microdeposit_verification_timeout",
} as const;

const MESSAGES = {
  attemptsExceeded: "You have exceeded the number of allowed verification attempts.",
  timeout: "Payment method should be verified with microdeposits within the required period.",
};

function verifications(em: Emulator): Record<string, MicrodepositVerification> {
  return (em.state.secrets.microdeposits ??= {});
}

/**
 * Whether confirming with this bank account must wait for microdeposits: always with
 * verification_method "microdeposits"; with "automatic" when the payer chose it on Checkout or the
 * account cannot be verified instantly; never with "instant" or for an already verified account.
 */
export function needsMicrodeposits(em: Emulator, intent: Intent, pm: Stripe.PaymentMethod, payerChoseMicrodeposits: boolean): boolean {
  if (pm.type !== "us_bank_account") return false;
  const secret = secretOf(em, pm);
  if (secret.verified) return false;
  const method = intent.payment_method_options?.us_bank_account?.verification_method ?? "automatic";
  if (method === "microdeposits") return true;
  if (method === "instant") return false;
  return payerChoseMicrodeposits || MICRODEPOSIT_ONLY_ACCOUNTS.includes(secret.testNumber);
}

/** Sends the (imaginary) deposits: the intent waits for the payer, for at most 10 days. */
export function startMicrodeposits(em: Emulator, intent: Intent, pm: Stripe.PaymentMethod, mandate: string | null, req: RequestContext): void {
  const now = em.now();
  const deadline = now + MICRODEPOSIT_WINDOW_SECONDS;
  intent.payment_method = pm.id;
  intent.status = "requires_action";
  intent.next_action = {
    type: "verify_with_microdeposits",
    verify_with_microdeposits: {
      // Deposits arrive in 1–2 business days; the emulator says tomorrow.
      arrival_date: now + 86_400,
      hosted_verification_url: `${em.options.publicUrl}/microdeposit/${intent.id}`,
      microdeposit_type: "amounts",
    },
  };
  verifications(em)[intent.id] = { paymentMethod: pm.id, mandate, attempts: 0, deadline };
  em.schedule({ kind: "microdeposit_timeout", id: intent.id, at: deadline * 1000 });
  if (intent.object === "payment_intent") em.emit("payment_intent.requires_action", intent, req);
  else em.emit("setup_intent.requires_action", intent, req);
}

function waiting(em: Emulator, intent: Intent): MicrodepositVerification {
  const state = verifications(em)[intent.id];
  if (!state || intent.status !== "requires_action" || intent.next_action?.type !== "verify_with_microdeposits") {
    const noun = intent.object === "payment_intent" ? "PaymentIntent" : "SetupIntent";
    throw invalid(
      `This ${noun} is not awaiting microdeposit verification (status ${intent.status}).`,
      undefined,
      intent.object === "payment_intent" ? "payment_intent_unexpected_state" : "setup_intent_unexpected_state",
    );
  }
  return state;
}

/** Ends the verification unsuccessfully: the intent needs a new payment method, with the reason. */
function failVerification(em: Emulator, intent: Intent, code: string, message: string, req: RequestContext): void {
  const state = verifications(em)[intent.id];
  delete verifications(em)[intent.id];
  em.cancelJobs((j) => j.kind === "microdeposit_timeout" && j.id === intent.id);
  const pm = em.state.paymentMethods[state?.paymentMethod ?? idOf(intent.payment_method) ?? ""];
  const error = { type: "invalid_request_error" as const, code, doc_url: docUrl(code), message, ...(pm ? { payment_method: structuredClone(pm) } : {}) };
  intent.status = "requires_payment_method";
  intent.next_action = null;
  if (intent.object === "payment_intent") {
    intent.last_payment_error = error as Stripe.PaymentIntent.LastPaymentError;
    em.emit("payment_intent.payment_failed", intent, req);
    const session = Object.values(em.state.checkoutSessions).find((s) => idOf(s.payment_intent) === intent.id);
    if (session) em.emit("checkout.session.async_payment_failed", session, req);
  } else {
    intent.last_setup_error = error as Stripe.SetupIntent.LastSetupError;
    em.emit("setup_intent.setup_failed", intent, req);
  }
}

/** The window closed (the timer, the control endpoint, or the SM44DD / 40,41 test values). */
export function timeoutMicrodeposits(em: Emulator, intentId: string, req: RequestContext = NO_REQUEST): boolean {
  const intent = em.state.paymentIntents[intentId] ?? em.state.setupIntents[intentId];
  if (!intent || !verifications(em)[intentId] || intent.status !== "requires_action") return false;
  failVerification(em, intent, MICRODEPOSIT_ERRORS.timeout, MESSAGES.timeout, req);
  return true;
}

export interface MicrodepositInput {
  amounts?: [number, number];
  descriptorCode?: string;
}

export function readMicrodepositInput(params: Params): MicrodepositInput {
  params.allowOnly(["amounts", "descriptor_code", "client_secret", "expand"]);
  const raw = params.stringArray("amounts");
  const code = params.string("descriptor_code");
  if (raw && code) throw invalid("You may only specify one of these parameters: amounts, descriptor_code.", "amounts");
  if (code !== undefined) {
    if (!/^SM[A-Z0-9]{4}$/i.test(code)) throw invalid("The descriptor code must be 6 characters starting with SM.", "descriptor_code");
    return { descriptorCode: code.toUpperCase() };
  }
  if (!raw) throw invalid("You must provide either amounts or descriptor_code.", "amounts", "parameter_missing");
  const amounts = raw.map((a) => Number(a));
  if (amounts.length !== 2 || amounts.some((a) => !Number.isInteger(a) || a < 1 || a > 99)) {
    throw invalid("You must provide exactly two microdeposit amounts, each a whole number of cents between 1 and 99.", "amounts", "payment_method_microdeposit_verification_amounts_invalid");
  }
  return { amounts: [amounts[0]!, amounts[1]!] };
}

/** Checks what the payer read on their statement; a wrong answer costs one of the 3 attempts. */
export function verifyMicrodeposits(em: Emulator, intent: Intent, input: MicrodepositInput, req: RequestContext): Intent {
  const state = waiting(em, intent);
  const outcome = microdepositOutcome(input);
  if (outcome === "timeout" || em.now() > state.deadline) {
    failVerification(em, intent, MICRODEPOSIT_ERRORS.timeout, MESSAGES.timeout, req);
    throw committed(invalid(MESSAGES.timeout, undefined, MICRODEPOSIT_ERRORS.timeout));
  }
  if (outcome === "mismatch") state.attempts += 1;
  if (outcome === "attempts_exceeded" || state.attempts >= MICRODEPOSIT_MAX_ATTEMPTS) {
    failVerification(em, intent, MICRODEPOSIT_ERRORS.attemptsExceeded, MESSAGES.attemptsExceeded, req);
    throw committed(invalid(MESSAGES.attemptsExceeded, undefined, MICRODEPOSIT_ERRORS.attemptsExceeded));
  }
  if (outcome === "mismatch") {
    em.store.changed();
    const left = MICRODEPOSIT_MAX_ATTEMPTS - state.attempts;
    const remaining = `You have ${left} verification attempt${left === 1 ? "" : "s"} remaining.`;
    if (input.amounts) throw committed(invalid(`The amounts provided do not match the amounts that were sent to the bank account. ${remaining}`, "amounts", MICRODEPOSIT_ERRORS.amountsMismatch));
    throw committed(invalid(`The verification code provided does not match the one sent to the bank account. ${remaining}`, "descriptor_code", MICRODEPOSIT_ERRORS.descriptorCodeMismatch));
  }
  delete verifications(em)[intent.id];
  em.cancelJobs((j) => j.kind === "microdeposit_timeout" && j.id === intent.id);
  const pm = lookup(em.state.paymentMethods, state.paymentMethod, "PaymentMethod");
  secretOf(em, pm).verified = true;
  intent.next_action = null;
  if (intent.object === "payment_intent") startBankDebit(em, intent, pm, state.mandate ?? "", req);
  else succeedSetup(em, intent, pm, req);
  return intent;
}

/** For the hosted page: the result in words instead of a thrown error. */
export function verifyFromPage(em: Emulator, intent: Intent, input: MicrodepositInput, req: RequestContext): { ok: true } | { ok: false; message: string; final: boolean } {
  try {
    verifyMicrodeposits(em, intent, input, req);
    return { ok: true };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { ok: false, message: error.message, final: intent.status !== "requires_action" };
  }
}

export const microdepositRoutes: Route[] = [
  {
    method: "POST",
    path: /^\/v1\/payment_intents\/([^/]+)\/verify_microdeposits$/,
    handle: (em, { ids: [id], params, req }) => verifyMicrodeposits(em, lookup(em.state.paymentIntents, id!, "payment_intent"), readMicrodepositInput(params), req),
  },
  {
    method: "POST",
    path: /^\/v1\/setup_intents\/([^/]+)\/verify_microdeposits$/,
    handle: (em, { ids: [id], params, req }) => verifyMicrodeposits(em, lookup(em.state.setupIntents, id!, "setupintent"), readMicrodepositInput(params), req),
  },
];
