/**
 * PaymentMethods: cards and US bank accounts built from test numbers, Stripe's well-known
 * `pm_card_*` / `pm_usBankAccount_*` ids (each use clones a fresh pm_), attach and detach.
 */
import { createHash } from "node:crypto";
import type Stripe from "stripe";
import { type Emulator, type RequestContext, type Route } from "../context";
import type { PaymentMethodSecret } from "../store";
import {
  TEST_BANK_NAME,
  TEST_BANK_PAYMENT_METHODS,
  TEST_CARD_PAYMENT_METHODS,
  TEST_ROUTING_NUMBER,
  cardBehaviour,
  cardBrand,
  findTestCard,
} from "../test-values";
import { ApiError, createdFilter, docUrl, invalid, lookup, mergeMetadata, newId, noSuch, PAGINATION_PARAMS, paginate, type Params, previousAttributes } from "../wire";


const EMPTY_ADDRESS: Stripe.Address = { city: null, country: null, line1: null, line2: null, postal_code: null, state: null };

function fingerprint(value: string): string {
  return createHash("sha256").update(value).digest("base64url").replace(/[-_]/g, "").slice(0, 16);
}

function billingDetails(name: string | null, email: string | null): Stripe.PaymentMethod.BillingDetails {
  return { address: { ...EMPTY_ADDRESS }, email, name, phone: null, tax_id: null };
}

function store(em: Emulator, pm: Stripe.PaymentMethod, testNumber: string): Stripe.PaymentMethod {
  em.state.paymentMethods[pm.id] = pm;
  em.state.secrets.paymentMethods[pm.id] = { testNumber, offSessionReady: false, consumed: false, mandate: null };
  em.store.changed();
  return pm;
}

export interface CardInput {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string | null;
  name: string | null;
  email: string | null;
}

export function createCardPaymentMethod(em: Emulator, input: CardInput): Stripe.PaymentMethod {
  const brand = cardBrand(input.number);
  const funding = findTestCard(input.number)?.funding ?? "credit";
  return store(
    em,
    {
      id: newId("pm_"),
      object: "payment_method",
      allow_redisplay: "unspecified",
      billing_details: billingDetails(input.name, input.email),
      card: {
        brand,
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: input.cvc ? "pass" : null },
        country: "US",
        display_brand: brand,
        exp_month: input.expMonth,
        exp_year: input.expYear,
        fingerprint: fingerprint(input.number),
        funding,
        generated_from: null,
        last4: input.number.slice(-4),
        networks: { available: [brand], preferred: null },
        regulated_status: "unregulated",
        three_d_secure_usage: { supported: true },
        wallet: null,
      },
      created: em.now(),
      customer: null,
      customer_account: null,
      livemode: false,
      metadata: {},
      type: "card",
    },
    input.number,
  );
}

export interface BankInput {
  routingNumber: string;
  accountNumber: string;
  accountType: "checking" | "savings";
  holderType: "individual" | "company";
  name: string | null;
  email: string | null;
}

export function createBankPaymentMethod(em: Emulator, input: BankInput): Stripe.PaymentMethod {
  return store(
    em,
    {
      id: newId("pm_"),
      object: "payment_method",
      allow_redisplay: "unspecified",
      billing_details: billingDetails(input.name, input.email),
      created: em.now(),
      customer: null,
      customer_account: null,
      livemode: false,
      metadata: {},
      type: "us_bank_account",
      us_bank_account: {
        account_holder_type: input.holderType,
        account_type: input.accountType,
        bank_name: TEST_BANK_NAME,
        financial_connections_account: null,
        fingerprint: fingerprint(`${input.routingNumber}:${input.accountNumber}`),
        last4: input.accountNumber.slice(-4),
        networks: { preferred: "ach", supported: ["ach"] },
        routing_number: input.routingNumber,
        status_details: null,
      },
    },
    input.accountNumber,
  );
}

/** A stored PaymentMethod, or a fresh clone when `id` is one of Stripe's test ids. */
export function resolvePaymentMethod(em: Emulator, id: string, param?: string): Stripe.PaymentMethod {
  const cardNumber = TEST_CARD_PAYMENT_METHODS[id];
  const year = new Date().getUTCFullYear() + 1;
  if (cardNumber) return createCardPaymentMethod(em, { number: cardNumber, expMonth: 12, expYear: year, cvc: null, name: null, email: null });
  const account = TEST_BANK_PAYMENT_METHODS[id];
  if (account) {
    return createBankPaymentMethod(em, { routingNumber: TEST_ROUTING_NUMBER, accountNumber: account, accountType: "checking", holderType: "individual", name: "Jenny Rosen", email: null });
  }
  return lookup(em.state.paymentMethods, id, "PaymentMethod", param);
}

export function secretOf(em: Emulator, pm: Stripe.PaymentMethod): PaymentMethodSecret {
  const secret = em.state.secrets.paymentMethods[pm.id];
  if (!secret) throw new Error(`payment method ${pm.id} has no test number`);
  return secret;
}

/** The 402 Stripe answers when a card is declined (on a charge, a setup or an attach). */
export function cardError(decline: { code: string; declineCode?: string; message: string }, extra: Partial<ApiError["raw"]> = {}): ApiError {
  return new ApiError(402, {
    type: "card_error",
    code: decline.code,
    ...(decline.declineCode ? { decline_code: decline.declineCode } : {}),
    doc_url: docUrl(decline.code),
    message: decline.message,
    ...extra,
  });
}

/** Throws what Stripe answers when `pm` can't be saved on a customer. */
export function assertAttachable(em: Emulator, pm: Stripe.PaymentMethod): void {
  if (pm.customer) throw invalid("The payment method you provided has already been attached to a customer.", "payment_method");
  const secret = secretOf(em, pm);
  if (secret.consumed) {
    throw invalid("This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.", "payment_method");
  }
  if (pm.type === "card") {
    const behaviour = cardBehaviour(secret.testNumber);
    if (behaviour.kind === "declined") throw cardError(behaviour.decline);
  }
}

/**
 * Saves a method on a customer. Stripe checks a card when saving it, so declining cards can't be
 * attached; 4000000000000341 can (and fails later, when charged).
 */
export function attachPaymentMethod(em: Emulator, pm: Stripe.PaymentMethod, customerId: string, req: RequestContext, param = "customer"): Stripe.PaymentMethod {
  lookup(em.state.customers, customerId, "customer", param);
  if (pm.customer === customerId) return pm;
  assertAttachable(em, pm);
  pm.customer = customerId;
  em.emit("payment_method.attached", pm, req);
  return pm;
}

export function detachPaymentMethod(em: Emulator, pm: Stripe.PaymentMethod, req: RequestContext): Stripe.PaymentMethod {
  if (!pm.customer) throw invalid("The payment method you provided is not attached to a customer so detachment is impossible.", "payment_method");
  const previous = pm.customer;
  pm.customer = null;
  // A detached method can't be used again (Stripe's rule), and stops being the default.
  secretOf(em, pm).consumed = true;
  const customer = em.state.customers[typeof previous === "string" ? previous : previous.id];
  if (customer?.invoice_settings.default_payment_method === pm.id) customer.invoice_settings.default_payment_method = null;
  em.emit("payment_method.detached", pm, req, { customer: previous });
  return pm;
}

function listFor(em: Emulator, params: Params, customer: string | undefined, url: string): Stripe.ApiList<Stripe.PaymentMethod> {
  const type = params.string("type");
  const inRange = createdFilter(params);
  const items = em.store
    .newestFirst("paymentMethods")
    .filter((pm) => (customer === undefined || pm.customer === customer) && (!type || pm.type === type) && inRange(pm.created));
  return paginate(items, params, url);
}

export const paymentMethodRoutes: Route[] = [
  {
    method: "GET",
    path: /^\/v1\/payment_methods\/([^/]+)$/,
    handle: (em, { ids: [id] }) => resolvePaymentMethod(em, id!),
  },
  {
    method: "GET",
    path: /^\/v1\/payment_methods$/,
    handle: (em, { params }) => {
      params.allowOnly(["customer", "type", "created", "allow_redisplay", ...PAGINATION_PARAMS]);
      const customer = params.string("customer");
      if (customer) lookup(em.state.customers, customer, "customer", "customer");
      return listFor(em, params, customer, "/v1/payment_methods");
    },
  },
  {
    method: "POST",
    path: /^\/v1\/payment_methods\/([^/]+)$/,
    handle: (em, { ids: [id], params, req }) => {
      params.allowOnly(["metadata", "billing_details", "allow_redisplay"]);
      const pm = lookup(em.state.paymentMethods, id!, "PaymentMethod");
      const before = structuredClone(pm);
      pm.metadata = mergeMetadata(pm.metadata, params.metadata());
      const billing = params.object("billing_details")?.allowOnly(["name", "email", "phone", "address"]);
      if (billing) {
        for (const field of ["name", "email", "phone"] as const) {
          if (billing.isEmpty(field)) pm.billing_details[field] = null;
          else if (billing.has(field)) pm.billing_details[field] = billing.string(field) ?? null;
        }
      }
      const redisplay = params.string("allow_redisplay", { oneOf: ["always", "limited", "unspecified"] as const });
      if (redisplay) pm.allow_redisplay = redisplay;
      const previous = previousAttributes(before, pm);
      if (previous) em.emit("payment_method.updated", pm, req, previous);
      return pm;
    },
  },
  {
    method: "POST",
    path: /^\/v1\/payment_methods\/([^/]+)\/attach$/,
    handle: (em, { ids: [id], params, req }) => {
      params.allowOnly(["customer"]);
      const customer = params.string("customer", { required: true });
      return attachPaymentMethod(em, resolvePaymentMethod(em, id!), customer, req);
    },
  },
  {
    method: "POST",
    path: /^\/v1\/payment_methods\/([^/]+)\/detach$/,
    handle: (em, { ids: [id], params, req }) => {
      params.allowOnly([]);
      return detachPaymentMethod(em, lookup(em.state.paymentMethods, id!, "PaymentMethod"), req);
    },
  },
  {
    method: "GET",
    path: /^\/v1\/customers\/([^/]+)\/payment_methods$/,
    handle: (em, { ids: [customer], params }) => {
      params.allowOnly(["type", "allow_redisplay", "created", ...PAGINATION_PARAMS]);
      lookup(em.state.customers, customer!, "customer");
      return listFor(em, params, customer, `/v1/customers/${customer}/payment_methods`);
    },
  },
  {
    method: "GET",
    path: /^\/v1\/customers\/([^/]+)\/payment_methods\/([^/]+)$/,
    handle: (em, { ids: [customer, id] }) => {
      lookup(em.state.customers, customer!, "customer");
      const pm = em.state.paymentMethods[id!];
      if (!pm || pm.customer !== customer) throw noSuch("PaymentMethod", id!);
      return pm;
    },
  },
];
