/** Customers: create, retrieve, update, list (the portal keeps one per account). */
import type Stripe from "stripe";
import { type Emulator, type RequestContext, type Route } from "../context";
import { createdFilter, createMetadata, invalid, lookup, mergeMetadata, newId, PAGINATION_PARAMS, paginate, type Params, previousAttributes, randomString } from "../wire";
import { assertAttachable, attachPaymentMethod, resolvePaymentMethod } from "./payment-methods";

const CREATE_PARAMS = [
  "name",
  "email",
  "phone",
  "description",
  "metadata",
  "address",
  "shipping",
  "payment_method",
  "invoice_settings",
  "preferred_locales",
  "tax_exempt",
  "invoice_prefix",
  "balance",
  "next_invoice_sequence",
];

function readAddress(params: Params | undefined): Stripe.Address | null {
  if (!params) return null;
  params.allowOnly(["city", "country", "line1", "line2", "postal_code", "state"]);
  const field = (name: string) => params.string(name) ?? null;
  return { city: field("city"), country: field("country"), line1: field("line1"), line2: field("line2"), postal_code: field("postal_code"), state: field("state") };
}

function readShipping(params: Params | undefined): Stripe.Customer.Shipping | null {
  if (!params) return null;
  params.allowOnly(["name", "phone", "address"]);
  return { address: readAddress(params.object("address", { required: true })) ?? undefined, name: params.string("name", { required: true }), phone: params.string("phone") ?? null };
}

/** Checks `invoice_settings[default_payment_method]` names a method saved on this customer. */
function applyInvoiceSettings(em: Emulator, customer: Stripe.Customer, params: Params): void {
  const settings = params.object("invoice_settings")?.allowOnly(["default_payment_method", "footer", "custom_fields", "rendering_options"]);
  if (!settings) return;
  if (settings.isEmpty("default_payment_method")) customer.invoice_settings.default_payment_method = null;
  const pmId = settings.string("default_payment_method");
  if (pmId) {
    const pm = lookup(em.state.paymentMethods, pmId, "PaymentMethod", "invoice_settings[default_payment_method]");
    if (pm.customer !== customer.id) {
      throw invalid(`The customer does not have a payment method with the ID ${pmId}. The payment method must be attached to the customer.`, "invoice_settings[default_payment_method]");
    }
    customer.invoice_settings.default_payment_method = pmId;
  }
  if (settings.isEmpty("footer")) customer.invoice_settings.footer = null;
  else if (settings.has("footer")) customer.invoice_settings.footer = settings.string("footer") ?? null;
}

export function createCustomer(em: Emulator, params: Params, req: RequestContext): Stripe.Customer {
  params.allowOnly(CREATE_PARAMS);
  const email = params.string("email", { max: 512 });
  // Checked before anything is created, so a refused method leaves no half-made customer.
  const pmId = params.string("payment_method");
  const pm = pmId ? resolvePaymentMethod(em, pmId, "payment_method") : undefined;
  if (pm) assertAttachable(em, pm);
  if (email && !/^[^@\s]+@[^@\s]+$/.test(email)) throw invalid(`Invalid email address: ${email}`, "email", "email_invalid");
  const customer: Stripe.Customer = {
    id: newId("cus_"),
    object: "customer",
    address: readAddress(params.object("address")),
    balance: params.int("balance") ?? 0,
    created: em.now(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: params.string("description") ?? null,
    discount: null,
    email: email ?? null,
    invoice_prefix: params.string("invoice_prefix") ?? randomString(8).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: createMetadata(params.metadata()),
    name: params.string("name", { max: 256 }) ?? null,
    next_invoice_sequence: params.int("next_invoice_sequence", { min: 1 }) ?? 1,
    phone: params.string("phone") ?? null,
    preferred_locales: params.stringArray("preferred_locales") ?? [],
    shipping: readShipping(params.object("shipping")),
    tax_exempt: params.string("tax_exempt", { oneOf: ["none", "exempt", "reverse"] as const }) ?? "none",
    test_clock: null,
  };
  em.state.customers[customer.id] = customer;
  em.emit("customer.created", customer, req);
  if (pm) attachPaymentMethod(em, pm, customer.id, req, "payment_method");
  applyInvoiceSettings(em, customer, params);
  return customer;
}

export const customerRoutes: Route[] = [
  {
    method: "POST",
    path: /^\/v1\/customers$/,
    handle: (em, { params, req }) => createCustomer(em, params, req),
  },
  {
    method: "GET",
    path: /^\/v1\/customers\/([^/]+)$/,
    handle: (em, { ids: [id] }) => lookup(em.state.customers, id!, "customer"),
  },
  {
    method: "POST",
    path: /^\/v1\/customers\/([^/]+)$/,
    handle: (em, { ids: [id], params, req }) => {
      params.allowOnly(CREATE_PARAMS.filter((p) => p !== "payment_method"));
      const customer = lookup(em.state.customers, id!, "customer");
      const before = structuredClone(customer);
      for (const field of ["name", "email", "phone", "description"] as const) {
        if (params.isEmpty(field)) customer[field] = null;
        else if (params.has(field)) customer[field] = params.string(field) ?? null;
      }
      if (params.isEmpty("address")) customer.address = null;
      else if (params.has("address")) customer.address = readAddress(params.object("address"));
      if (params.isEmpty("shipping")) customer.shipping = null;
      else if (params.has("shipping")) customer.shipping = readShipping(params.object("shipping"));
      if (params.has("preferred_locales")) customer.preferred_locales = params.stringArray("preferred_locales") ?? [];
      const taxExempt = params.string("tax_exempt", { oneOf: ["none", "exempt", "reverse"] as const });
      if (taxExempt) customer.tax_exempt = taxExempt;
      customer.metadata = mergeMetadata(customer.metadata, params.metadata());
      applyInvoiceSettings(em, customer, params);
      const previous = previousAttributes(before, customer);
      if (previous) em.emit("customer.updated", customer, req, previous);
      return customer;
    },
  },
  {
    method: "GET",
    path: /^\/v1\/customers$/,
    handle: (em, { params }) => {
      params.allowOnly(["email", "created", ...PAGINATION_PARAMS]);
      const email = params.string("email");
      const inRange = createdFilter(params);
      const items = em.store.newestFirst("customers").filter((c) => (!email || c.email === email) && inRange(c.created));
      return paginate(items, params, "/v1/customers");
    },
  },
];
