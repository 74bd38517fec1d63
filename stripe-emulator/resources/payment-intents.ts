/**
 * PaymentIntents and the payment engine behind them (also used by the hosted Checkout page):
 * card outcomes by test number, 3-D Secure, off-session declines answered as 402, and ACH debits
 * that stay `processing` until they settle (after `achSettleDelayMs`, or the control endpoint).
 */
import type Stripe from "stripe";
import { type Emulator, NO_REQUEST, type RequestContext, type Route } from "../context";
import { bankBehaviour, cardBehaviour, DECLINES, type Decline } from "../test-values";
import {
  type ApiError,
  createdFilter,
  createMetadata,
  docUrl,
  idOf,
  invalid,
  lookup,
  mergeMetadata,
  newId,
  PAGINATION_PARAMS,
  paginate,
  type Params,
  randomString,
  unexpectedState,
} from "../wire";
import { createCharge, failCharge, scheduleDispute, settleCharge } from "./charges";
import { type Acceptance, createMandate, readMandateData } from "./mandates";
import { needsMicrodeposits, startMicrodeposits } from "./microdeposits";
import { attachPaymentMethod, cardError, resolvePaymentMethod, secretOf } from "./payment-methods";

export const SUPPORTED_METHOD_TYPES = ["card", "us_bank_account"] as const;
const CONFIRMABLE: string[] = ["requires_payment_method", "requires_confirmation", "requires_action"];
const CANCELABLE: string[] = ["requires_payment_method", "requires_confirmation", "requires_action"];

// ---------------------------------------------------------------------------------------------
// Shared validation (also used by Checkout Sessions)

export function readCurrency(params: Params, name: string, required: true): string;
export function readCurrency(params: Params, name: string, required?: boolean): string | undefined;
export function readCurrency(params: Params, name: string, required = false): string | undefined {
  const value = params.string(name, { required });
  if (value === undefined) return undefined;
  const currency = value.toLowerCase();
  const known = Intl.supportedValuesOf("currency").map((c) => c.toLowerCase());
  if (!known.includes(currency)) throw invalid(`Invalid currency: ${value}. Stripe currently supports these currencies: usd, eur, gbp, cad, aud and many more.`, params.path(name), "parameter_invalid_string");
  return currency;
}

/** Stripe's minimum charge amounts (50¢ and equivalents) and its 8-digit maximum. */
export function checkAmount(amount: number, currency: string, param: string): void {
  const minimums: Record<string, number> = { usd: 50, eur: 50, cad: 50, aud: 50, chf: 50, gbp: 30, jpy: 50 };
  const minimum = minimums[currency] ?? 1;
  if (amount < minimum) throw invalid(`Amount must be at least ${minimum} ${currency} (in the smallest currency unit).`, param, "amount_too_small");
  if (amount > 99_999_999) throw invalid(`Amount must be no more than 99999999 ${currency} (in the smallest currency unit).`, param, "amount_too_large");
}

/**
 * `allowed_payment_method_types` (API 2026) or its older name `payment_method_types`. Only the
 * types the emulator implements are accepted; ACH needs USD.
 */
export function readMethodTypes(params: Params, currency: string | null): string[] | undefined {
  const name = params.has("allowed_payment_method_types") ? "allowed_payment_method_types" : "payment_method_types";
  const types = params.stringArray(name);
  if (!types) return undefined;
  if (types.length === 0) throw invalid(`${name} must not be empty.`, name);
  types.forEach((t, i) => {
    if (!(SUPPORTED_METHOD_TYPES as readonly string[]).includes(t)) {
      throw invalid(`The payment method type "${t}" is invalid or not supported by the Stripe emulator (supported: ${SUPPORTED_METHOD_TYPES.join(", ")}).`, `${name}[${i}]`, "payment_method_invalid_parameter");
    }
  });
  if (currency && currency !== "usd" && types.includes("us_bank_account")) {
    throw invalid(`The currency provided (${currency}) is invalid for one or more payment method types (us_bank_account). us_bank_account supports: usd.`, name, "payment_intent_invalid_parameter");
  }
  return [...new Set(types)];
}

/** The types a payment can use when none were asked: what a dashboard with cards and ACH enabled offers. */
export function defaultMethodTypes(currency: string | null): string[] {
  return currency === null || currency === "usd" ? ["card", "us_bank_account"] : ["card"];
}

export function methodOptions(types: string[], verificationMethod?: string): Stripe.PaymentIntent.PaymentMethodOptions {
  const options: Stripe.PaymentIntent.PaymentMethodOptions = {};
  if (types.includes("card")) options.card = { installments: null, mandate_options: null, network: null, request_three_d_secure: "automatic" };
  if (types.includes("us_bank_account")) {
    options.us_bank_account = {
      financial_connections: { permissions: ["payment_method"], prefetch: [] },
      mandate_options: {},
      verification_method: (verificationMethod ?? "automatic") as "automatic",
    };
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Engine

export interface NewPaymentIntent {
  amount: number;
  currency: string;
  customer: string | null;
  allowedTypes: string[] | null;
  paymentMethod: string | null;
  description: string | null;
  metadata: Stripe.Metadata;
  setupFutureUsage: "on_session" | "off_session" | null;
  receiptEmail: string | null;
  statementDescriptor: string | null;
  statementDescriptorSuffix: string | null;
  captureMethod: "automatic" | "automatic_async";
  confirmationMethod: "automatic" | "manual";
  verificationMethod?: string;
}

export function createPaymentIntent(em: Emulator, input: NewPaymentIntent, req: RequestContext): Stripe.PaymentIntent {
  const id = newId("pi_");
  const types = input.allowedTypes ?? defaultMethodTypes(input.currency);
  const pi: Stripe.PaymentIntent = {
    id,
    object: "payment_intent",
    allowed_payment_method_types: (input.allowedTypes as Stripe.PaymentIntent.AllowedPaymentMethodType[] | null) ?? null,
    amount: input.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: input.allowedTypes ? null : { allow_redirects: "always", enabled: true },
    canceled_at: null,
    cancellation_reason: null,
    capture_method: input.captureMethod,
    client_secret: `${id}_secret_${randomString(25)}`,
    confirmation_method: input.confirmationMethod,
    created: em.now(),
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    description: input.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: input.paymentMethod,
    payment_method_configuration_details: null,
    payment_method_options: methodOptions(types, input.verificationMethod),
    payment_method_types: types,
    payment_record: null,
    processing: null,
    receipt_email: input.receiptEmail,
    review: null,
    setup_future_usage: input.setupFutureUsage,
    shipping: null,
    source: null,
    statement_descriptor: input.statementDescriptor,
    statement_descriptor_suffix: input.statementDescriptorSuffix,
    status: input.paymentMethod ? "requires_confirmation" : "requires_payment_method",
    transfer_data: null,
    transfer_group: null,
  };
  em.state.paymentIntents[id] = pi;
  em.emit("payment_intent.created", pi, req);
  return pi;
}

export type ConfirmResult = { status: "succeeded" | "processing" | "requires_action" } | { status: "failed"; error: ApiError };

export interface ConfirmOptions {
  offSession: boolean;
  acceptance?: Acceptance;
  mandate?: string;
  returnUrl?: string | null;
  errorOnRequiresAction?: boolean;
  /** The payer chose "Verify with microdeposits" on the Checkout page. */
  microdeposits?: boolean;
  req: RequestContext;
}

/** Whether `pm` may pay for `pi` at all (Stripe's reuse and ownership rules). */
function assertUsable(em: Emulator, pi: Stripe.PaymentIntent, pm: Stripe.PaymentMethod): void {
  if (!pi.payment_method_types.includes(pm.type)) {
    throw invalid(
      `The PaymentMethod provided (${pm.type}) is not allowed for this PaymentIntent. Please attach a PaymentMethod of one of the following types: ${pi.payment_method_types.join(", ")}.`,
      "payment_method",
      "payment_intent_incompatible_payment_method",
    );
  }
  const owner = idOf(pm.customer);
  const customer = idOf(pi.customer);
  if (owner && !customer) throw invalid(`The provided PaymentMethod was previously attached to a Customer. To use a PaymentMethod attached to a Customer, you must also pass the ID of the Customer.`, "customer");
  if (owner && customer && owner !== customer) throw invalid(`The provided PaymentMethod is attached to another Customer (${owner}).`, "payment_method");
  if (!owner && secretOf(em, pm).consumed) {
    throw invalid("This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.", "payment_method");
  }
}

export function confirmPaymentIntent(em: Emulator, pi: Stripe.PaymentIntent, pm: Stripe.PaymentMethod, options: ConfirmOptions): ConfirmResult {
  if (!CONFIRMABLE.includes(pi.status)) {
    throw unexpectedState(`You cannot confirm this PaymentIntent because it has a status of ${pi.status}.`, { payment_intent: structuredClone(pi) });
  }
  assertUsable(em, pi, pm);
  pi.payment_method = pm.id;
  pi.next_action = null;
  pi.last_payment_error = null;
  return pm.type === "card" ? confirmCard(em, pi, pm, options) : confirmBank(em, pi, pm, options);
}

function confirmCard(em: Emulator, pi: Stripe.PaymentIntent, pm: Stripe.PaymentMethod, options: ConfirmOptions): ConfirmResult {
  const secret = secretOf(em, pm);
  const behaviour = cardBehaviour(secret.testNumber);
  const needsAuthentication = behaviour.kind === "authentication_always" || (behaviour.kind === "authentication_unless_setup" && !secret.offSessionReady);
  if (needsAuthentication) {
    // Off-session nobody can authenticate: Stripe declines with authentication_required.
    if (options.offSession || options.errorOnRequiresAction) return failCardPayment(em, pi, pm, DECLINES.authenticationRequired, options.req);
    const url = `${em.options.publicUrl}/authenticate/${pi.id}`;
    pi.status = "requires_action";
    pi.next_action = options.returnUrl
      ? { type: "redirect_to_url", redirect_to_url: { url, return_url: options.returnUrl } }
      : { type: "use_stripe_sdk", use_stripe_sdk: { type: "three_d_secure_redirect", stripe_js: url } as Stripe.PaymentIntent.NextAction.UseStripeSdk };
    em.emit("payment_intent.requires_action", pi, options.req);
    return { status: "requires_action" };
  }
  if (behaviour.kind === "declined" || behaviour.kind === "charge_customer_fail") return failCardPayment(em, pi, pm, behaviour.decline, options.req);
  succeedCardPayment(em, pi, pm, { threeDSecure: false, req: options.req });
  return { status: "succeeded" };
}

function failCardPayment(em: Emulator, pi: Stripe.PaymentIntent, pm: Stripe.PaymentMethod, decline: Decline, req: RequestContext): ConfirmResult {
  const charge = createCharge(em, pi, pm, "failed", { failure: decline });
  pi.latest_charge = charge.id;
  pi.status = "requires_payment_method";
  pi.last_payment_error = {
    type: "card_error",
    charge: charge.id,
    code: decline.code,
    ...(decline.declineCode ? { decline_code: decline.declineCode } : {}),
    doc_url: docUrl(decline.code),
    message: decline.message,
    payment_method: structuredClone(pm),
  };
  em.emit("charge.failed", charge, req);
  em.emit("payment_intent.payment_failed", pi, req);
  return { status: "failed", error: cardError(decline, { charge: charge.id, payment_intent: structuredClone(pi), payment_method: structuredClone(pm) }) };
}

/** A card payment went through: save the method if asked, charge, and maybe schedule a dispute. */
function succeedCardPayment(em: Emulator, pi: Stripe.PaymentIntent, pm: Stripe.PaymentMethod, options: { threeDSecure: boolean; req: RequestContext }): void {
  const secret = secretOf(em, pm);
  const behaviour = cardBehaviour(secret.testNumber);
  saveForFutureUse(em, pi, pm, options.req);
  if (pi.setup_future_usage && behaviour.kind !== "authentication_always") secret.offSessionReady = true;
  if (!pm.customer) secret.consumed = true;
  const charge = createCharge(em, pi, pm, "succeeded", { threeDSecure: options.threeDSecure });
  pi.status = "succeeded";
  pi.amount_received = pi.amount;
  pi.latest_charge = charge.id;
  pi.next_action = null;
  pi.last_payment_error = null;
  em.emit("charge.succeeded", charge, options.req);
  em.emit("payment_intent.succeeded", pi, options.req);
  if (behaviour.kind === "dispute") scheduleDispute(em, charge);
}

function saveForFutureUse(em: Emulator, pi: Stripe.PaymentIntent, pm: Stripe.PaymentMethod, req: RequestContext): void {
  const customer = idOf(pi.customer);
  if (pi.setup_future_usage && customer && idOf(pm.customer) !== customer) attachPaymentMethod(em, pm, customer, req);
}

function confirmBank(em: Emulator, pi: Stripe.PaymentIntent, pm: Stripe.PaymentMethod, options: ConfirmOptions): ConfirmResult {
  const secret = secretOf(em, pm);
  let mandate: Stripe.Mandate | undefined;
  if (options.mandate) {
    mandate = lookup(em.state.mandates, options.mandate, "mandate", "mandate");
    if (mandate.payment_method !== pm.id) throw invalid(`The mandate ${mandate.id} does not belong to the PaymentMethod ${pm.id}.`, "mandate");
  } else if (options.acceptance) {
    mandate = createMandate(em, pm, { acceptance: options.acceptance, multiUse: Boolean(pi.setup_future_usage), amount: pi.amount, currency: pi.currency });
  } else if (secret.mandate) {
    mandate = em.state.mandates[secret.mandate];
  }
  if (!mandate) {
    throw invalid(
      "This PaymentIntent requires a mandate, but no existing mandate was found. Collect mandate acceptance from the customer and try again, providing acceptance data in the mandate_data parameter.",
      "mandate_data",
      "mandate_required",
    );
  }
  if (mandate.status !== "active") throw invalid(`The mandate ${mandate.id} is not active.`, "mandate");
  saveForFutureUse(em, pi, pm, options.req);
  if (pi.setup_future_usage) {
    secret.offSessionReady = true;
    if (mandate.type === "multi_use") secret.mandate = mandate.id;
  }
  if (!pm.customer) secret.consumed = true;
  if (needsMicrodeposits(em, pi, pm, options.microdeposits ?? false)) {
    startMicrodeposits(em, pi, pm, mandate.id, options.req);
    return { status: "requires_action" };
  }
  startBankDebit(em, pi, pm, mandate.id, options.req);
  return { status: "processing" };
}

/** The debit of a verified bank account: processing until it settles. */
export function startBankDebit(em: Emulator, pi: Stripe.PaymentIntent, pm: Stripe.PaymentMethod, mandate: string, req: RequestContext): void {
  const charge = createCharge(em, pi, pm, "pending", { mandate });
  pi.status = "processing";
  pi.latest_charge = charge.id;
  em.emit("payment_intent.processing", pi, req);
  const delay = em.options.achSettleDelayMs;
  em.schedule({ kind: "settle_payment", id: pi.id, at: delay > 0 ? Date.now() + delay : null });
}

/** The Checkout Session that created this intent, if any. */
function sessionOf(em: Emulator, piId: string): Stripe.Checkout.Session | undefined {
  return Object.values(em.state.checkoutSessions).find((s) => idOf(s.payment_intent) === piId);
}

/**
 * An ACH debit's outcome arrives: the test account number decides. Returns the resulting status,
 * or undefined when the intent was not processing.
 */
export function settlePaymentIntent(em: Emulator, piId: string, req: RequestContext = NO_REQUEST): Stripe.PaymentIntent.Status | undefined {
  const pi = em.state.paymentIntents[piId];
  if (!pi || pi.status !== "processing") return undefined;
  em.cancelJobs((j) => j.kind === "settle_payment" && j.id === piId);
  const charge = em.state.charges[idOf(pi.latest_charge) ?? ""];
  const pm = em.state.paymentMethods[idOf(pi.payment_method) ?? ""];
  if (!charge || !pm) return pi.status;
  const behaviour = bankBehaviour(secretOf(em, pm).testNumber);
  const session = sessionOf(em, pi.id);
  if (behaviour.kind === "stays_processing") return pi.status;
  if (behaviour.kind === "fails") {
    failCharge(charge, behaviour);
    pi.status = "requires_payment_method";
    pi.last_payment_error = { type: "card_error", charge: charge.id, code: behaviour.code, doc_url: docUrl(behaviour.code), message: behaviour.message, payment_method: structuredClone(pm) };
    em.emit("charge.failed", charge, req);
    em.emit("payment_intent.payment_failed", pi, req);
    if (session) em.emit("checkout.session.async_payment_failed", session, req);
    return pi.status;
  }
  settleCharge(em, charge);
  pi.status = "succeeded";
  pi.amount_received = pi.amount;
  em.emit("payment_intent.succeeded", pi, req);
  em.emit("charge.succeeded", charge, req);
  if (session) {
    session.payment_status = "paid";
    em.emit("checkout.session.async_payment_succeeded", session, req);
  }
  if (behaviour.kind === "dispute") scheduleDispute(em, charge);
  return pi.status;
}

/** The payer finished (or failed) 3-D Secure on the authentication page. */
export function completePaymentAuthentication(em: Emulator, pi: Stripe.PaymentIntent, success: boolean, req: RequestContext): void {
  if (pi.status !== "requires_action") throw unexpectedState(`This PaymentIntent does not need authentication (status ${pi.status}).`);
  const pm = lookup(em.state.paymentMethods, idOf(pi.payment_method) ?? "", "PaymentMethod");
  if (success) {
    succeedCardPayment(em, pi, pm, { threeDSecure: true, req });
    return;
  }
  pi.status = "requires_payment_method";
  pi.next_action = null;
  pi.last_payment_error = {
    type: "invalid_request_error",
    code: "payment_intent_authentication_failure",
    doc_url: docUrl("payment_intent_authentication_failure"),
    message: "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.",
    payment_method: structuredClone(pm),
  };
  em.emit("payment_intent.payment_failed", pi, req);
}

export function cancelPaymentIntent(em: Emulator, pi: Stripe.PaymentIntent, reason: Stripe.PaymentIntent.CancellationReason | null, req: RequestContext): void {
  if (!CANCELABLE.includes(pi.status)) {
    throw unexpectedState(
      `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.`,
    );
  }
  pi.status = "canceled";
  pi.canceled_at = em.now();
  pi.cancellation_reason = reason;
  pi.next_action = null;
  em.emit("payment_intent.canceled", pi, req);
}

// ---------------------------------------------------------------------------------------------
// API

const CREATE_PARAMS = [
  "amount",
  "currency",
  "customer",
  "payment_method",
  "allowed_payment_method_types",
  "payment_method_types",
  "automatic_payment_methods",
  "metadata",
  "off_session",
  "confirm",
  "setup_future_usage",
  "description",
  "mandate",
  "mandate_data",
  "receipt_email",
  "return_url",
  "statement_descriptor",
  "statement_descriptor_suffix",
  "capture_method",
  "confirmation_method",
  "error_on_requires_action",
  "payment_method_options",
  "use_stripe_sdk",
];

const CONFIRM_PARAMS = [
  "payment_method",
  "off_session",
  "mandate",
  "mandate_data",
  "return_url",
  "setup_future_usage",
  "receipt_email",
  "payment_method_options",
  "error_on_requires_action",
  "use_stripe_sdk",
  "capture_method",
];

/** `off_session` is a boolean, or `one_off` / `recurring` (both mean true). */
function readOffSession(params: Params): boolean {
  const value = params.data.off_session;
  if (value === "one_off" || value === "recurring") return true;
  return params.bool("off_session") ?? false;
}

function readSetupFutureUsage(params: Params): "on_session" | "off_session" | undefined {
  return params.string("setup_future_usage", { oneOf: ["on_session", "off_session"] as const });
}

function readVerificationMethod(params: Params): string | undefined {
  const options = params.object("payment_method_options");
  const bank = options?.object("us_bank_account");
  return bank?.string("verification_method", { oneOf: ["automatic", "instant", "microdeposits"] as const });
}

/** Confirms from the API: a failed attempt is answered with its 402 (after being recorded). */
function confirmFromApi(em: Emulator, pi: Stripe.PaymentIntent, pm: Stripe.PaymentMethod, params: Params, req: RequestContext): Stripe.PaymentIntent {
  const result = confirmPaymentIntent(em, pi, pm, {
    offSession: readOffSession(params),
    acceptance: readMandateData(params),
    mandate: params.string("mandate"),
    returnUrl: params.string("return_url") ?? null,
    errorOnRequiresAction: params.bool("error_on_requires_action") ?? false,
    req,
  });
  if (result.status === "failed") throw result.error;
  return pi;
}

export const paymentIntentRoutes: Route[] = [
  {
    method: "POST",
    path: /^\/v1\/payment_intents$/,
    handle: (em, { params, req }) => {
      params.allowOnly(CREATE_PARAMS);
      const currency = readCurrency(params, "currency", true);
      const amount = params.int("amount", { required: true });
      checkAmount(amount, currency, "amount");
      const customer = params.string("customer");
      if (customer) lookup(em.state.customers, customer, "customer", "customer");
      const allowedTypes = readMethodTypes(params, currency) ?? null;
      const confirm = params.bool("confirm") ?? false;
      const offSession = readOffSession(params);
      if (offSession && !confirm) throw invalid("You can only pass off_session when confirm is true.", "off_session");
      const setupFutureUsage = readSetupFutureUsage(params) ?? null;
      if (offSession && setupFutureUsage === "on_session") throw invalid("You cannot set setup_future_usage to on_session with off_session=true.", "setup_future_usage");
      const capture = params.string("capture_method", { oneOf: ["automatic", "automatic_async", "manual"] as const }) ?? "automatic_async";
      if (capture === "manual") throw invalid("capture_method=manual (separate authorization and capture) is not supported by the Stripe emulator.", "capture_method");
      const pmId = params.string("payment_method");
      const pm = pmId ? resolvePaymentMethod(em, pmId, "payment_method") : undefined;
      if (confirm && !pm) {
        throw invalid("You cannot confirm this PaymentIntent because it's missing a payment method. Specify a payment_method to confirm with.", "payment_method", "payment_intent_unexpected_state");
      }
      const pi = createPaymentIntent(
        em,
        {
          amount,
          currency,
          customer: customer ?? null,
          allowedTypes,
          paymentMethod: pm?.id ?? null,
          description: params.string("description", { max: 1000 }) ?? null,
          metadata: createMetadata(params.metadata()),
          setupFutureUsage,
          receiptEmail: params.string("receipt_email") ?? null,
          statementDescriptor: params.string("statement_descriptor", { max: 22 }) ?? null,
          statementDescriptorSuffix: params.string("statement_descriptor_suffix", { max: 22 }) ?? null,
          captureMethod: capture,
          confirmationMethod: params.string("confirmation_method", { oneOf: ["automatic", "manual"] as const }) ?? "automatic",
          verificationMethod: readVerificationMethod(params),
        },
        req,
      );
      return confirm && pm ? confirmFromApi(em, pi, pm, params, req) : pi;
    },
  },
  {
    method: "GET",
    path: /^\/v1\/payment_intents\/([^/]+)$/,
    handle: (em, { ids: [id], params }) => {
      params.allowOnly(["client_secret"]);
      return lookup(em.state.paymentIntents, id!, "payment_intent");
    },
  },
  {
    method: "POST",
    path: /^\/v1\/payment_intents\/([^/]+)$/,
    handle: (em, { ids: [id], params }) => {
      params.allowOnly([
        "metadata",
        "description",
        "amount",
        "currency",
        "customer",
        "payment_method",
        "receipt_email",
        "setup_future_usage",
        "statement_descriptor",
        "statement_descriptor_suffix",
        "allowed_payment_method_types",
        "payment_method_types",
        "payment_method_options",
      ]);
      const pi = lookup(em.state.paymentIntents, id!, "payment_intent");
      const settled = !CONFIRMABLE.includes(pi.status);
      for (const field of ["amount", "currency", "customer", "payment_method", "setup_future_usage", "allowed_payment_method_types", "payment_method_types"]) {
        if (settled && params.has(field)) {
          throw unexpectedState(
            `This PaymentIntent's ${field} could not be updated because it has a status of ${pi.status}. You may only update the ${field} of a PaymentIntent with one of the following statuses: requires_payment_method, requires_confirmation, requires_action.`,
            { param: field },
          );
        }
      }
      const currency = readCurrency(params, "currency") ?? pi.currency;
      const amount = params.int("amount") ?? pi.amount;
      checkAmount(amount, currency, "amount");
      const types = readMethodTypes(params, currency);
      const customer = params.string("customer");
      if (customer) lookup(em.state.customers, customer, "customer", "customer");
      const pmId = params.string("payment_method");
      const pm = pmId ? resolvePaymentMethod(em, pmId, "payment_method") : undefined;
      pi.amount = amount;
      pi.currency = currency;
      if (types) {
        pi.allowed_payment_method_types = types as Stripe.PaymentIntent.AllowedPaymentMethodType[];
        pi.payment_method_types = types;
        pi.automatic_payment_methods = null;
        pi.payment_method_options = methodOptions(types);
      }
      if (customer) pi.customer = customer;
      if (pm) {
        pi.payment_method = pm.id;
        pi.status = "requires_confirmation";
      }
      if (params.isEmpty("setup_future_usage")) pi.setup_future_usage = null;
      else pi.setup_future_usage = readSetupFutureUsage(params) ?? pi.setup_future_usage;
      for (const [param, field] of [
        ["description", "description"],
        ["receipt_email", "receipt_email"],
        ["statement_descriptor", "statement_descriptor"],
        ["statement_descriptor_suffix", "statement_descriptor_suffix"],
      ] as const) {
        if (params.isEmpty(param)) pi[field] = null;
        else if (params.has(param)) pi[field] = params.string(param) ?? null;
      }
      pi.metadata = mergeMetadata(pi.metadata, params.metadata());
      em.store.changed();
      // Stripe has no payment_intent.updated event: updates are silent.
      return pi;
    },
  },
  {
    method: "GET",
    path: /^\/v1\/payment_intents$/,
    handle: (em, { params }) => {
      params.allowOnly(["customer", "created", ...PAGINATION_PARAMS]);
      const customer = params.string("customer");
      const inRange = createdFilter(params);
      const items = em.store.newestFirst("paymentIntents").filter((pi) => (!customer || pi.customer === customer) && inRange(pi.created));
      return paginate(items, params, "/v1/payment_intents");
    },
  },
  {
    method: "POST",
    path: /^\/v1\/payment_intents\/([^/]+)\/confirm$/,
    handle: (em, { ids: [id], params, req }) => {
      params.allowOnly(CONFIRM_PARAMS);
      const pi = lookup(em.state.paymentIntents, id!, "payment_intent");
      const pmId = params.string("payment_method") ?? idOf(pi.payment_method);
      if (!pmId) {
        throw unexpectedState("You cannot confirm this PaymentIntent because it's missing a payment method. Specify a payment_method to confirm with.", {
          param: "payment_method",
          payment_intent: structuredClone(pi),
        });
      }
      const pm = resolvePaymentMethod(em, pmId, "payment_method");
      if (params.isEmpty("setup_future_usage")) pi.setup_future_usage = null;
      else pi.setup_future_usage = readSetupFutureUsage(params) ?? pi.setup_future_usage;
      const receiptEmail = params.string("receipt_email");
      if (receiptEmail) pi.receipt_email = receiptEmail;
      return confirmFromApi(em, pi, pm, params, req);
    },
  },
  {
    method: "POST",
    path: /^\/v1\/payment_intents\/([^/]+)\/cancel$/,
    handle: (em, { ids: [id], params, req }) => {
      params.allowOnly(["cancellation_reason"]);
      const pi = lookup(em.state.paymentIntents, id!, "payment_intent");
      if (sessionOf(em, pi.id)?.status === "open") {
        throw unexpectedState("You cannot cancel this PaymentIntent because it was created by an open Checkout Session. Expire the Checkout Session instead.");
      }
      const reason = params.string("cancellation_reason", { oneOf: ["duplicate", "fraudulent", "requested_by_customer", "abandoned"] as const }) ?? null;
      cancelPaymentIntent(em, pi, reason, req);
      return pi;
    },
  },
];
