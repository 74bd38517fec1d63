/**
 * SetupIntents: saving a card or bank account for later off-session use. Created by setup-mode
 * Checkout, and through the API (create + confirm) for completeness.
 */
import type Stripe from "stripe";
import { type Emulator, type RequestContext, type Route } from "../context";
import { cardBehaviour } from "../test-values";
import { type ApiError, createdFilter, createMetadata, docUrl, idOf, invalid, lookup, mergeMetadata, newId, PAGINATION_PARAMS, paginate, type Params, randomString } from "../wire";
import { type Acceptance, createMandate, readMandateData } from "./mandates";
import { needsMicrodeposits, startMicrodeposits } from "./microdeposits";
import { defaultMethodTypes, readMethodTypes } from "./payment-intents";
import { attachPaymentMethod, cardError, resolvePaymentMethod, secretOf } from "./payment-methods";

const CONFIRMABLE: string[] = ["requires_payment_method", "requires_confirmation", "requires_action"];

export interface NewSetupIntent {
  customer: string | null;
  allowedTypes: string[] | null;
  paymentMethod: string | null;
  description: string | null;
  metadata: Stripe.Metadata;
  usage: "on_session" | "off_session";
  verificationMethod?: string;
}

function setupMethodOptions(types: string[], verificationMethod?: string): Stripe.SetupIntent.PaymentMethodOptions {
  const options: Stripe.SetupIntent.PaymentMethodOptions = {};
  if (types.includes("card")) options.card = { mandate_options: null, network: null, request_three_d_secure: "automatic" };
  if (types.includes("us_bank_account")) {
    options.us_bank_account = {
      financial_connections: { permissions: ["payment_method"], prefetch: [] },
      mandate_options: {},
      verification_method: (verificationMethod ?? "automatic") as "automatic",
    };
  }
  return options;
}

export function createSetupIntent(em: Emulator, input: NewSetupIntent, req: RequestContext): Stripe.SetupIntent {
  const id = newId("seti_");
  const types = input.allowedTypes ?? defaultMethodTypes(null);
  const si: Stripe.SetupIntent = {
    id,
    object: "setup_intent",
    allowed_payment_method_types: (input.allowedTypes as Stripe.SetupIntent.AllowedPaymentMethodType[] | null) ?? null,
    application: null,
    automatic_payment_methods: input.allowedTypes ? null : { allow_redirects: "always", enabled: true },
    cancellation_reason: null,
    client_secret: `${id}_secret_${randomString(32)}`,
    created: em.now(),
    customer: input.customer,
    customer_account: null,
    description: input.description,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: input.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: input.paymentMethod,
    payment_method_configuration_details: null,
    payment_method_options: setupMethodOptions(types, input.verificationMethod),
    payment_method_types: types,
    single_use_mandate: null,
    status: input.paymentMethod ? "requires_confirmation" : "requires_payment_method",
    usage: input.usage,
  };
  em.state.setupIntents[id] = si;
  em.emit("setup_intent.created", si, req);
  return si;
}

export type SetupResult = { status: "succeeded" | "requires_action" } | { status: "failed"; error: ApiError };

export function confirmSetupIntent(
  em: Emulator,
  si: Stripe.SetupIntent,
  pm: Stripe.PaymentMethod,
  options: { acceptance?: Acceptance; returnUrl?: string | null; microdeposits?: boolean; req: RequestContext },
): SetupResult {
  if (!CONFIRMABLE.includes(si.status)) {
    throw invalid(`You cannot confirm this SetupIntent because it has a status of ${si.status}.`, undefined, "setup_intent_unexpected_state");
  }
  if (!si.payment_method_types.includes(pm.type)) {
    throw invalid(`The PaymentMethod provided (${pm.type}) is not allowed for this SetupIntent (${si.payment_method_types.join(", ")}).`, "payment_method");
  }
  const owner = idOf(pm.customer);
  if (owner && owner !== idOf(si.customer)) throw invalid(`The provided PaymentMethod is attached to another Customer (${owner}).`, "payment_method");
  si.payment_method = pm.id;
  si.last_setup_error = null;
  si.next_action = null;
  if (pm.type === "card") {
    const behaviour = cardBehaviour(secretOf(em, pm).testNumber);
    // Saving a card is checked like attaching one: declining cards fail, 0341 passes.
    if (behaviour.kind === "declined") {
      const decline = behaviour.decline;
      si.status = "requires_payment_method";
      si.last_setup_error = {
        type: "card_error",
        code: decline.code,
        ...(decline.declineCode ? { decline_code: decline.declineCode } : {}),
        doc_url: docUrl(decline.code),
        message: decline.message,
        payment_method: structuredClone(pm),
      };
      em.emit("setup_intent.setup_failed", si, options.req);
      return { status: "failed", error: cardError(decline, { setup_intent: structuredClone(si), payment_method: structuredClone(pm) }) };
    }
    if (behaviour.kind === "authentication_unless_setup" || behaviour.kind === "authentication_always") {
      const url = `${em.options.publicUrl}/authenticate/${si.id}`;
      si.status = "requires_action";
      si.next_action = options.returnUrl
        ? { type: "redirect_to_url", redirect_to_url: { url, return_url: options.returnUrl } }
        : { type: "use_stripe_sdk", use_stripe_sdk: { type: "three_d_secure_redirect", stripe_js: url } as Stripe.SetupIntent.NextAction.UseStripeSdk };
      em.emit("setup_intent.requires_action", si, options.req);
      return { status: "requires_action" };
    }
  } else {
    if (!options.acceptance) {
      throw invalid(
        "This SetupIntent requires a mandate. Collect mandate acceptance from the customer and try again, providing acceptance data in the mandate_data parameter.",
        "mandate_data",
        "mandate_required",
      );
    }
    const mandate = createMandate(em, pm, { acceptance: options.acceptance, multiUse: true });
    si.mandate = mandate.id;
    secretOf(em, pm).mandate = mandate.id;
    if (needsMicrodeposits(em, si, pm, options.microdeposits ?? false)) {
      // Saved on the customer now (Stripe attaches it); usable once verified.
      const customer = idOf(si.customer);
      if (customer && idOf(pm.customer) !== customer) attachPaymentMethod(em, pm, customer, options.req);
      startMicrodeposits(em, si, pm, mandate.id, options.req);
      return { status: "requires_action" };
    }
  }
  succeedSetup(em, si, pm, options.req);
  return { status: "succeeded" };
}

export function succeedSetup(em: Emulator, si: Stripe.SetupIntent, pm: Stripe.PaymentMethod, req: RequestContext): void {
  const customer = idOf(si.customer);
  if (customer && idOf(pm.customer) !== customer) attachPaymentMethod(em, pm, customer, req);
  const secret = secretOf(em, pm);
  // 4000002760003184 keeps asking for authentication even after a setup.
  if (si.usage === "off_session" && !(pm.type === "card" && cardBehaviour(secret.testNumber).kind === "authentication_always")) secret.offSessionReady = true;
  si.status = "succeeded";
  si.next_action = null;
  em.emit("setup_intent.succeeded", si, req);
}

export function completeSetupAuthentication(em: Emulator, si: Stripe.SetupIntent, success: boolean, req: RequestContext): void {
  if (si.status !== "requires_action") throw invalid(`This SetupIntent does not need authentication (status ${si.status}).`, undefined, "setup_intent_unexpected_state");
  const pm = lookup(em.state.paymentMethods, idOf(si.payment_method) ?? "", "PaymentMethod");
  if (success) {
    succeedSetup(em, si, pm, req);
    return;
  }
  si.status = "requires_payment_method";
  si.next_action = null;
  si.last_setup_error = {
    type: "invalid_request_error",
    code: "setup_intent_authentication_failure",
    doc_url: docUrl("setup_intent_authentication_failure"),
    message: "The latest attempt to set up the payment method has failed because authentication failed.",
    payment_method: structuredClone(pm),
  };
  em.emit("setup_intent.setup_failed", si, req);
}

function confirmFromApi(em: Emulator, si: Stripe.SetupIntent, pm: Stripe.PaymentMethod, params: Params, req: RequestContext): Stripe.SetupIntent {
  const result = confirmSetupIntent(em, si, pm, { acceptance: readMandateData(params), returnUrl: params.string("return_url") ?? null, req });
  if (result.status === "failed") throw result.error;
  return si;
}

export const setupIntentRoutes: Route[] = [
  {
    method: "POST",
    path: /^\/v1\/setup_intents$/,
    handle: (em, { params, req }) => {
      params.allowOnly([
        "customer",
        "payment_method",
        "allowed_payment_method_types",
        "payment_method_types",
        "automatic_payment_methods",
        "usage",
        "metadata",
        "description",
        "confirm",
        "mandate_data",
        "return_url",
        "payment_method_options",
        "use_stripe_sdk",
      ]);
      const customer = params.string("customer");
      if (customer) lookup(em.state.customers, customer, "customer", "customer");
      const pmId = params.string("payment_method");
      const pm = pmId ? resolvePaymentMethod(em, pmId, "payment_method") : undefined;
      const confirm = params.bool("confirm") ?? false;
      if (confirm && !pm) throw invalid("You cannot confirm this SetupIntent because it's missing a payment method.", "payment_method", "setup_intent_unexpected_state");
      const si = createSetupIntent(
        em,
        {
          customer: customer ?? null,
          allowedTypes: readMethodTypes(params, null) ?? null,
          paymentMethod: pm?.id ?? null,
          description: params.string("description", { max: 1000 }) ?? null,
          metadata: createMetadata(params.metadata()),
          usage: params.string("usage", { oneOf: ["on_session", "off_session"] as const }) ?? "off_session",
          verificationMethod: params.object("payment_method_options")?.object("us_bank_account")?.string("verification_method"),
        },
        req,
      );
      return confirm && pm ? confirmFromApi(em, si, pm, params, req) : si;
    },
  },
  {
    method: "GET",
    path: /^\/v1\/setup_intents\/([^/]+)$/,
    handle: (em, { ids: [id], params }) => {
      params.allowOnly(["client_secret"]);
      return lookup(em.state.setupIntents, id!, "setupintent");
    },
  },
  {
    method: "POST",
    path: /^\/v1\/setup_intents\/([^/]+)$/,
    handle: (em, { ids: [id], params }) => {
      params.allowOnly(["metadata", "description"]);
      const si = lookup(em.state.setupIntents, id!, "setupintent");
      si.metadata = mergeMetadata(si.metadata, params.metadata());
      if (params.isEmpty("description")) si.description = null;
      else if (params.has("description")) si.description = params.string("description") ?? null;
      em.store.changed();
      return si;
    },
  },
  {
    method: "GET",
    path: /^\/v1\/setup_intents$/,
    handle: (em, { params }) => {
      params.allowOnly(["customer", "payment_method", "created", ...PAGINATION_PARAMS]);
      const customer = params.string("customer");
      const pm = params.string("payment_method");
      const inRange = createdFilter(params);
      const items = em.store.newestFirst("setupIntents").filter((si) => (!customer || si.customer === customer) && (!pm || si.payment_method === pm) && inRange(si.created));
      return paginate(items, params, "/v1/setup_intents");
    },
  },
  {
    method: "POST",
    path: /^\/v1\/setup_intents\/([^/]+)\/confirm$/,
    handle: (em, { ids: [id], params, req }) => {
      params.allowOnly(["payment_method", "mandate_data", "return_url", "payment_method_options", "use_stripe_sdk"]);
      const si = lookup(em.state.setupIntents, id!, "setupintent");
      const pmId = params.string("payment_method") ?? idOf(si.payment_method);
      if (!pmId) throw invalid("You cannot confirm this SetupIntent because it's missing a payment method.", "payment_method", "setup_intent_unexpected_state");
      return confirmFromApi(em, si, resolvePaymentMethod(em, pmId, "payment_method"), params, req);
    },
  },
  {
    method: "POST",
    path: /^\/v1\/setup_intents\/([^/]+)\/cancel$/,
    handle: (em, { ids: [id], params, req }) => {
      params.allowOnly(["cancellation_reason"]);
      const si = lookup(em.state.setupIntents, id!, "setupintent");
      if (!CONFIRMABLE.includes(si.status)) throw invalid(`You cannot cancel this SetupIntent because it has a status of ${si.status}.`, undefined, "setup_intent_unexpected_state");
      si.status = "canceled";
      si.cancellation_reason = params.string("cancellation_reason", { oneOf: ["abandoned", "duplicate", "requested_by_customer"] as const }) ?? null;
      em.emit("setup_intent.canceled", si, req);
      return si;
    },
  },
];
