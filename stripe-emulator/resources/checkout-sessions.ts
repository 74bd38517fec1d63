/**
 * Checkout Sessions (hosted, payment and setup modes): create with Stripe's validation, retrieve,
 * list, line items, expire. The hosted page (checkout-page.ts) completes them.
 */
import type Stripe from "stripe";
import { type Emulator, NO_REQUEST, type RequestContext, type Route } from "../context";
import type { SessionExtras } from "../store";
import { createdFilter, createMetadata, idOf, invalid, lookup, newId, noSuch, PAGINATION_PARAMS, paginate, Params } from "../wire";
import { createCustomer } from "./customers";
import { cancelPaymentIntent, checkAmount, defaultMethodTypes, readCurrency, readMethodTypes } from "./payment-intents";

const CREATE_PARAMS = [
  "mode",
  "line_items",
  "currency",
  "customer",
  "customer_email",
  "customer_creation",
  "client_reference_id",
  "metadata",
  "payment_intent_data",
  "setup_intent_data",
  "success_url",
  "cancel_url",
  "expires_at",
  "payment_method_types",
  "allowed_payment_method_types",
  "payment_method_options",
  "payment_method_collection",
  "locale",
  "submit_type",
  "billing_address_collection",
  "ui_mode",
];

/** Stripe allows 30 minutes to 24 hours; a minute of grace absorbs the caller's clock and latency. */
const EXPIRY_GRACE_SECONDS = 60;

function readLineItems(params: Params): { items: { name: string; description: string | null; unitAmount: number; quantity: number; currency: string }[]; currency: string } {
  const lines = params.objects("line_items");
  if (!lines || lines.length === 0) throw invalid("You must provide at least one of line_items, or use setup mode.", "line_items", "parameter_missing");
  if (lines.length > 100) throw invalid("You can provide at most 100 line_items.", "line_items");
  const items = lines.map((line) => {
    line.allowOnly(["price", "price_data", "quantity", "adjustable_quantity", "tax_rates", "dynamic_tax_rates", "metadata"]);
    const price = line.string("price");
    // The emulator has no Prices API: inline price_data is the way to give an amount.
    if (price) throw noSuch("price", price, line.path("price"));
    const data = line.object("price_data", { required: true })!.allowOnly(["currency", "unit_amount", "unit_amount_decimal", "product_data", "product", "tax_behavior", "recurring"]);
    if (data.has("recurring")) throw invalid("You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.", data.path("recurring"));
    const currency = readCurrency(data, "currency", true);
    const decimal = data.string("unit_amount_decimal");
    const unitAmount = data.int("unit_amount", { min: 0 }) ?? (decimal !== undefined ? Math.round(Number(decimal)) : undefined);
    if (unitAmount === undefined || Number.isNaN(unitAmount)) throw invalid("You must specify either `unit_amount` or `unit_amount_decimal`.", data.path("unit_amount"), "parameter_missing");
    const product = data.string("product");
    if (product) throw noSuch("product", product, data.path("product"));
    const productData = data.object("product_data", { required: true })!.allowOnly(["name", "description", "images", "metadata", "tax_code", "unit_label"]);
    const name = productData.string("name", { required: true, max: 250 });
    const quantity = line.int("quantity", { required: true, min: 1, max: 999_999 });
    return { name, description: productData.string("description") ?? null, unitAmount, quantity, currency };
  });
  const currency = items[0]!.currency;
  if (items.some((i) => i.currency !== currency)) throw invalid("All line_items must use the same currency.", "line_items");
  return { items, currency };
}

function lineItem(em: Emulator, item: { name: string; description: string | null; unitAmount: number; quantity: number; currency: string }): Stripe.LineItem {
  const total = item.unitAmount * item.quantity;
  return {
    id: newId("li_"),
    object: "item",
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: total,
    amount_tax: 0,
    amount_total: total,
    currency: item.currency,
    description: item.name,
    metadata: {},
    price: {
      id: newId("price_"),
      object: "price",
      active: false,
      billing_scheme: "per_unit",
      created: em.now(),
      currency: item.currency,
      custom_unit_amount: null,
      livemode: false,
      lookup_key: null,
      metadata: {},
      nickname: null,
      product: newId("prod_"),
      recurring: null,
      tax_behavior: "unspecified",
      tiers_mode: null,
      transform_quantity: null,
      type: "one_time",
      unit_amount: item.unitAmount,
      // A decimal string on the wire; the SDK turns it into its Decimal type.
      unit_amount_decimal: String(item.unitAmount) as unknown as Stripe.Price["unit_amount_decimal"],
    },
    quantity: item.quantity,
  };
}

function readIntentData(params: Params, mode: "payment" | "setup"): Pick<SessionExtras, "paymentIntentData" | "setupIntentData"> {
  const pid = params.object("payment_intent_data");
  const sid = params.object("setup_intent_data");
  if (pid && mode !== "payment") throw invalid("You can only specify `payment_intent_data` in `payment` mode.", "payment_intent_data");
  if (sid && mode !== "setup") throw invalid("You can only specify `setup_intent_data` in `setup` mode.", "setup_intent_data");
  pid?.allowOnly(["metadata", "description", "setup_future_usage", "receipt_email", "statement_descriptor", "statement_descriptor_suffix", "capture_method"]);
  sid?.allowOnly(["metadata", "description"]);
  if (pid?.string("capture_method") === "manual") throw invalid("capture_method=manual is not supported by the Stripe emulator.", "payment_intent_data[capture_method]");
  return {
    paymentIntentData: {
      metadata: createMetadata(pid?.metadata()),
      description: pid?.string("description", { max: 1000 }) ?? null,
      setupFutureUsage: pid?.string("setup_future_usage", { oneOf: ["on_session", "off_session"] as const }) ?? null,
      receiptEmail: pid?.string("receipt_email") ?? null,
      statementDescriptor: pid?.string("statement_descriptor", { max: 22 }) ?? null,
      statementDescriptorSuffix: pid?.string("statement_descriptor_suffix", { max: 22 }) ?? null,
    },
    setupIntentData: { metadata: createMetadata(sid?.metadata()), description: sid?.string("description") ?? null },
  };
}

function readUrl(params: Params, name: string): string | null {
  const value = params.string(name, { max: 5000 });
  if (value === undefined) return null;
  try {
    const url = new URL(value.replace("{CHECKOUT_SESSION_ID}", "x"));
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("scheme");
  } catch {
    throw invalid("Not a valid URL", name, "url_invalid");
  }
  return value;
}

function readMethodOptions(params: Params): Stripe.Checkout.Session.PaymentMethodOptions {
  const options = params.object("payment_method_options")?.allowOnly(["card", "us_bank_account"]);
  const out: Stripe.Checkout.Session.PaymentMethodOptions = {};
  const bank = options?.object("us_bank_account")?.allowOnly(["verification_method", "financial_connections", "setup_future_usage", "target_date"]);
  if (bank) {
    const verification = bank.string("verification_method", { oneOf: ["automatic", "instant", "microdeposits"] as const });
    out.us_bank_account = { ...(verification ? { verification_method: verification } : {}) };
  }
  const card = options?.object("card")?.allowOnly(["request_three_d_secure", "setup_future_usage", "statement_descriptor_suffix_kana", "statement_descriptor_suffix_kanji"]);
  if (card) out.card = { request_three_d_secure: card.string("request_three_d_secure", { oneOf: ["any", "automatic", "challenge"] as const }) ?? "automatic" };
  return out;
}

/** No event: Stripe has no checkout.session.created. */
export function createCheckoutSession(em: Emulator, params: Params): Stripe.Checkout.Session {
  params.allowOnly(CREATE_PARAMS);
  const mode = params.string("mode", { required: true, oneOf: ["payment", "setup", "subscription"] as const });
  if (mode === "subscription") throw invalid("Subscription mode is not supported by the Stripe emulator.", "mode");
  const uiMode = params.string("ui_mode", { oneOf: ["hosted", "hosted_page", "embedded", "embedded_page", "custom", "elements", "form"] as const });
  if (uiMode && uiMode !== "hosted" && uiMode !== "hosted_page") throw invalid(`ui_mode=${uiMode} is not supported by the Stripe emulator (only the hosted page).`, "ui_mode");
  let currency: string | null;
  let lines: Stripe.LineItem[] = [];
  if (mode === "payment") {
    const read = readLineItems(params);
    currency = read.currency;
    lines = read.items.map((i) => lineItem(em, i));
    if (params.has("currency") && readCurrency(params, "currency") !== currency) throw invalid("The currency must match the line items' currency.", "currency");
  } else {
    if (params.has("line_items")) throw invalid("You cannot pass `line_items` in `setup` mode.", "line_items");
    currency = readCurrency(params, "currency") ?? null;
  }
  const total = lines.reduce((sum, l) => sum + l.amount_total, 0);
  if (mode === "payment" && currency) checkAmount(total, currency, "line_items");
  const customer = params.string("customer");
  const customerEmail = params.string("customer_email", { max: 800 });
  if (customer && customerEmail) throw invalid("You may only specify one of these parameters: customer, customer_email.", "customer_email");
  if (customer) lookup(em.state.customers, customer, "customer", "customer");
  const allowed = readMethodTypes(params, currency) ?? null;
  const types = allowed ?? defaultMethodTypes(currency);
  const now = em.now();
  const expiresAt = params.int("expires_at") ?? now + 86_400;
  if (expiresAt < now + 1800 - EXPIRY_GRACE_SECONDS) throw invalid("The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.", "expires_at");
  if (expiresAt > now + 86_400 + EXPIRY_GRACE_SECONDS) throw invalid("The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.", "expires_at");
  const clientReferenceId = params.string("client_reference_id", { max: 200 });
  const intentData = readIntentData(params, mode);
  const id = newId("cs_test_");
  const session: Stripe.Checkout.Session = {
    id,
    object: "checkout.session",
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: null,
    allowed_payment_method_types: allowed,
    amount_subtotal: mode === "payment" ? total : null,
    amount_total: mode === "payment" ? total : null,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: params.string("billing_address_collection", { oneOf: ["auto", "required"] as const }) ?? null,
    cancel_url: readUrl(params, "cancel_url"),
    client_reference_id: clientReferenceId ?? null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: customer ?? null,
    customer_account: null,
    customer_creation: customer ? null : (params.string("customer_creation", { oneOf: ["always", "if_required"] as const }) ?? (mode === "payment" ? "if_required" : "always")),
    customer_details: null,
    customer_email: customerEmail ?? null,
    discounts: [],
    expires_at: expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation:
      mode === "payment"
        ? {
            enabled: false,
            invoice_data: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: null, metadata: {}, rendering_options: null },
          }
        : null,
    livemode: false,
    locale: (params.string("locale") as Stripe.Checkout.Session.Locale | undefined) ?? null,
    managed_payments: null,
    metadata: createMetadata(params.metadata()),
    mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: params.string("payment_method_collection", { oneOf: ["always", "if_required"] as const }) ?? "always",
    payment_method_configuration_details: null,
    payment_method_options: readMethodOptions(params),
    payment_method_types: types,
    payment_status: mode === "setup" ? "no_payment_required" : "unpaid",
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: customer ? { allow_redisplay_filters: ["always"], payment_method_remove: "disabled", payment_method_save: null } : null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: "open",
    submit_type: mode === "payment" ? (params.string("submit_type", { oneOf: ["auto", "book", "donate", "pay", "subscribe"] as const }) ?? null) : null,
    subscription: null,
    success_url: readUrl(params, "success_url"),
    total_details: mode === "payment" ? { amount_discount: 0, amount_shipping: 0, amount_tax: 0 } : null,
    ui_mode: "hosted_page",
    url: `${em.options.publicUrl}/checkout/${id}`,
    wallet_options: null,
  };
  em.state.checkoutSessions[id] = session;
  em.state.secrets.sessions[id] = { ...intentData, lineItems: lines };
  em.schedule({ kind: "expire_session", id, at: expiresAt * 1000 });
  return session;
}

/** Ends an open session: its intent is abandoned (canceled) and checkout.session.expired is sent. */
export function expireCheckoutSession(em: Emulator, session: Stripe.Checkout.Session, req: RequestContext): void {
  if (session.status !== "open") {
    throw invalid(`Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`, undefined, "checkout_session_unexpected_state");
  }
  em.cancelJobs((j) => j.kind === "expire_session" && j.id === session.id);
  const pi = em.state.paymentIntents[idOf(session.payment_intent) ?? ""];
  if (pi && ["requires_payment_method", "requires_confirmation", "requires_action"].includes(pi.status)) cancelPaymentIntent(em, pi, "abandoned", req);
  const si = em.state.setupIntents[idOf(session.setup_intent) ?? ""];
  if (si && si.status !== "succeeded" && si.status !== "canceled") {
    si.status = "canceled";
    si.cancellation_reason = "abandoned";
    em.emit("setup_intent.canceled", si, req);
  }
  session.status = "expired";
  session.url = null;
  em.emit("checkout.session.expired", session, req);
}

/** Sessions past their expires_at are expired when anyone looks (the timer may not have fired yet). */
export function expireIfDue(em: Emulator, session: Stripe.Checkout.Session): void {
  if (session.status === "open" && session.expires_at <= em.now()) {
    expireCheckoutSession(em, session, NO_REQUEST);
  }
}

/** The customer a completed session needs (saving a method requires one): the given one, or a new one. */
export function ensureSessionCustomer(em: Emulator, session: Stripe.Checkout.Session, details: { name: string | null; email: string | null }, req: RequestContext): string {
  const existing = idOf(session.customer);
  if (existing) return existing;
  const data: Record<string, string> = {};
  if (details.name) data.name = details.name;
  if (details.email) data.email = details.email;
  const customer = createCustomer(em, new Params(data), req);
  session.customer = customer.id;
  return customer.id;
}

export function completeCheckoutSession(
  em: Emulator,
  session: Stripe.Checkout.Session,
  details: { name: string | null; email: string | null; paymentStatus: Stripe.Checkout.Session.PaymentStatus },
  req: RequestContext,
): void {
  const customer = em.state.customers[idOf(session.customer) ?? ""];
  em.cancelJobs((j) => j.kind === "expire_session" && j.id === session.id);
  session.status = "complete";
  session.payment_status = details.paymentStatus;
  session.url = null;
  session.customer_details = {
    address: { city: null, country: "US", line1: null, line2: null, postal_code: null, state: null },
    business_name: null,
    email: details.email ?? customer?.email ?? session.customer_email,
    individual_name: null,
    name: details.name,
    phone: null,
    tax_exempt: "none",
    tax_ids: [],
  };
  session.collected_information = { business_name: null, individual_name: null, shipping_details: null };
  em.emit("checkout.session.completed", session, req);
}

export function sessionLineItems(em: Emulator, session: Stripe.Checkout.Session): Stripe.LineItem[] {
  return em.state.secrets.sessions[session.id]?.lineItems ?? [];
}

export const checkoutSessionRoutes: Route[] = [
  {
    method: "POST",
    path: /^\/v1\/checkout\/sessions$/,
    handle: (em, { params }) => createCheckoutSession(em, params),
  },
  {
    method: "GET",
    path: /^\/v1\/checkout\/sessions\/([^/]+)$/,
    handle: (em, { ids: [id] }) => {
      const session = lookup(em.state.checkoutSessions, id!, "checkout.session");
      expireIfDue(em, session);
      return session;
    },
  },
  {
    method: "GET",
    path: /^\/v1\/checkout\/sessions$/,
    handle: (em, { params }) => {
      params.allowOnly(["customer", "payment_intent", "status", "customer_details", "created", "payment_link", "subscription", ...PAGINATION_PARAMS]);
      const customer = params.string("customer");
      const pi = params.string("payment_intent");
      const status = params.string("status", { oneOf: ["open", "complete", "expired"] as const });
      const email = params.object("customer_details")?.allowOnly(["email"]).string("email", { required: true });
      const inRange = createdFilter(params);
      for (const s of Object.values(em.state.checkoutSessions)) expireIfDue(em, s);
      const items = em.store
        .newestFirst("checkoutSessions")
        .filter(
          (s) =>
            (!customer || s.customer === customer) &&
            (!pi || s.payment_intent === pi) &&
            (!status || s.status === status) &&
            (!email || s.customer_details?.email === email) &&
            inRange(s.created),
        );
      return paginate(items, params, "/v1/checkout/sessions");
    },
  },
  {
    method: "GET",
    path: /^\/v1\/checkout\/sessions\/([^/]+)\/line_items$/,
    handle: (em, { ids: [id], params }) => {
      params.allowOnly([...PAGINATION_PARAMS]);
      const session = lookup(em.state.checkoutSessions, id!, "checkout.session");
      // Line items keep the order they were given in (they are not a newest-first list).
      return paginate(sessionLineItems(em, session), params, `/v1/checkout/sessions/${id}/line_items`);
    },
  },
  {
    method: "POST",
    path: /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/,
    handle: (em, { ids: [id], params, req }) => {
      params.allowOnly([]);
      const session = lookup(em.state.checkoutSessions, id!, "checkout.session");
      expireIfDue(em, session);
      expireCheckoutSession(em, session, req);
      return session;
    },
  },
];
