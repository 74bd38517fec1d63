/** PaymentIntents and PaymentMethods through the API: off-session charges, test methods, attach rules. */
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ webhooks: false });
});
afterAll(() => h.stop());

async function customerWith(pmId: string): Promise<{ customer: Stripe.Customer; pm: Stripe.PaymentMethod }> {
  const customer = await h.stripe.customers.create({ email: "plan@example.com" });
  const pm = await h.stripe.paymentMethods.attach(pmId, { customer: customer.id });
  return { customer, pm };
}

async function cardError(promise: Promise<unknown>): Promise<Stripe.errors.StripeCardError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    return error as Stripe.errors.StripeCardError;
  }
  throw new Error("expected a card error");
}

describe("off-session charges", () => {
  it("charges a saved card off-session", async () => {
    const { customer, pm } = await customerWith("pm_card_visa");
    const pi = await h.stripe.paymentIntents.create({ amount: 4_200, currency: "usd", customer: customer.id, payment_method: pm.id, off_session: true, confirm: true, metadata: { installment: "3" } });
    expect(pi).toMatchObject({ status: "succeeded", amount_received: 4_200, payment_method: pm.id, metadata: { installment: "3" } });
    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ status: "succeeded", paid: true, amount: 4_200, payment_intent: pi.id, customer: customer.id, metadata: { installment: "3" } });
  });

  it("a failing saved card answers 402 with the PaymentIntent in requires_payment_method", async () => {
    const { customer, pm } = await customerWith("pm_card_chargeCustomerFail");
    const error = await cardError(h.stripe.paymentIntents.create({ amount: 4_200, currency: "usd", customer: customer.id, payment_method: pm.id, off_session: true, confirm: true }));
    expect(error.statusCode).toBe(402);
    expect(error.code).toBe("card_declined");
    expect(error.decline_code).toBe("generic_decline");
    const raw = error.raw as { payment_intent: Stripe.PaymentIntent; charge: string };
    expect(raw.payment_intent.status).toBe("requires_payment_method");
    expect(raw.payment_intent.last_payment_error).toMatchObject({ code: "card_declined", decline_code: "generic_decline", type: "card_error" });
    expect(raw.payment_intent.latest_charge).toBe(raw.charge);
    const stored = await h.stripe.paymentIntents.retrieve(raw.payment_intent.id);
    expect(stored.status).toBe("requires_payment_method");
    expect((await h.stripe.charges.retrieve(raw.charge)).status).toBe("failed");
  });

  it("authentication_required for pm_card_authenticationRequired, and for 4000002500003155 unless it was set up", async () => {
    const always = await customerWith("pm_card_authenticationRequired");
    const error = await cardError(h.stripe.paymentIntents.create({ amount: 1_000, currency: "usd", customer: always.customer.id, payment_method: always.pm.id, off_session: true, confirm: true }));
    expect(error.code).toBe("authentication_required");
    expect(error.decline_code).toBe("authentication_required");
    expect(error.payment_intent?.status).toBe("requires_payment_method");

    const unset = await customerWith("pm_card_authenticationRequiredOnSetup");
    const noSetup = await cardError(h.stripe.paymentIntents.create({ amount: 1_000, currency: "usd", customer: unset.customer.id, payment_method: unset.pm.id, off_session: true, confirm: true }));
    expect(noSetup.code).toBe("authentication_required");

    // Set up through a SetupIntent (authenticated once), then off-session charges go through.
    const customer = await h.stripe.customers.create();
    const si = await h.stripe.setupIntents.create({ customer: customer.id, payment_method: "pm_card_authenticationRequiredOnSetup", confirm: true, allowed_payment_method_types: ["card"] });
    expect(si.status).toBe("requires_action");
    const authUrl = si.next_action?.use_stripe_sdk ? (si.next_action.use_stripe_sdk as { stripe_js: string }).stripe_js : "";
    expect((await fetch(authUrl, { method: "POST", body: new URLSearchParams({ outcome: "complete" }) })).status).toBe(200);
    const setUp = await h.stripe.setupIntents.retrieve(si.id);
    expect(setUp.status).toBe("succeeded");
    const pi = await h.stripe.paymentIntents.create({ amount: 1_000, currency: "usd", customer: customer.id, payment_method: setUp.payment_method as string, off_session: true, confirm: true });
    expect(pi.status).toBe("succeeded");
  });

  it("on-session 3-D Secure: requires_action with a redirect, then the return_url gets redirect_status", async () => {
    const pi = await h.stripe.paymentIntents.create({ amount: 3_000, currency: "usd", payment_method: "pm_card_authenticationRequired", confirm: true, return_url: "http://portal.test/return" });
    expect(pi.status).toBe("requires_action");
    expect(pi.next_action?.type).toBe("redirect_to_url");
    const res = await fetch(pi.next_action!.redirect_to_url!.url!, { method: "POST", body: new URLSearchParams({ outcome: "complete" }), redirect: "manual" });
    expect(res.status).toBe(303);
    const back = new URL(res.headers.get("location")!);
    expect(back.origin + back.pathname).toBe("http://portal.test/return");
    expect(back.searchParams.get("payment_intent")).toBe(pi.id);
    expect(back.searchParams.get("redirect_status")).toBe("succeeded");
    expect((await h.stripe.paymentIntents.retrieve(pi.id)).status).toBe("succeeded");
  });

  it("debits a bank account saved with a mandate off-session: processing, then settles", async () => {
    const customer = await h.stripe.customers.create();
    const si = await h.stripe.setupIntents.create({
      customer: customer.id,
      payment_method: "pm_usBankAccount_success",
      confirm: true,
      allowed_payment_method_types: ["us_bank_account"],
      mandate_data: { customer_acceptance: { type: "online", online: { ip_address: "203.0.113.9", user_agent: "Mozilla/5.0" } } },
    });
    expect(si.status).toBe("succeeded");
    const mandate = await h.stripe.mandates.retrieve(si.mandate as string);
    expect(mandate).toMatchObject({ type: "multi_use", customer_acceptance: { type: "online", online: { ip_address: "203.0.113.9", user_agent: "Mozilla/5.0" } } });
    const pi = await h.stripe.paymentIntents.create({ amount: 25_000, currency: "usd", customer: customer.id, payment_method: si.payment_method as string, off_session: true, confirm: true });
    expect(pi.status).toBe("processing");
    expect(pi.latest_charge).toMatch(/^py_/);
    await h.control("settle", { payment_intent: pi.id });
    expect((await h.stripe.paymentIntents.retrieve(pi.id)).status).toBe("succeeded");
  });

  it("refuses an ACH confirm without any mandate", async () => {
    await expect(
      h.stripe.paymentIntents.create({ amount: 1_000, currency: "usd", payment_method: "pm_usBankAccount_success", confirm: true, allowed_payment_method_types: ["us_bank_account"] }),
    ).rejects.toMatchObject({ statusCode: 400, param: "mandate_data" });
  });
});

describe("payment methods", () => {
  it("clones a fresh pm_ from a test id on every use", async () => {
    const a = await h.stripe.paymentMethods.retrieve("pm_card_visa");
    const b = await h.stripe.paymentMethods.retrieve("pm_card_visa");
    expect(a.id).toMatch(/^pm_/);
    expect(a.id).not.toBe("pm_card_visa");
    expect(a.id).not.toBe(b.id);
    expect(a.card).toMatchObject({ brand: "visa", last4: "4242", funding: "credit" });
    const bank = await h.stripe.paymentMethods.retrieve("pm_usBankAccount_accountClosed");
    expect(bank.us_bank_account).toMatchObject({ last4: "1113", routing_number: "110000000", bank_name: "STRIPE TEST BANK" });
  });

  it("decline cards cannot be attached; 0341 can; detach and list work", async () => {
    const customer = await h.stripe.customers.create();
    const error = await cardError(h.stripe.paymentMethods.attach("pm_card_visa_chargeDeclined", { customer: customer.id }));
    expect(error.code).toBe("card_declined");
    const failLater = await h.stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: customer.id });
    const visa = await h.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const bank = await h.stripe.paymentMethods.attach("pm_usBankAccount_success", { customer: customer.id });
    const cards = await h.stripe.customers.listPaymentMethods(customer.id, { type: "card" });
    expect(cards.data.map((pm) => pm.id)).toEqual([visa.id, failLater.id]);
    expect((await h.stripe.paymentMethods.list({ customer: customer.id })).data.map((pm) => pm.id)).toEqual([bank.id, visa.id, failLater.id]);
    const detached = await h.stripe.paymentMethods.detach(visa.id);
    expect(detached.customer).toBeNull();
    expect((await h.stripe.customers.listPaymentMethods(customer.id)).data.map((pm) => pm.id)).toEqual([bank.id, failLater.id]);
    await expect(h.stripe.paymentMethods.detach(visa.id)).rejects.toMatchObject({ statusCode: 400 });
    const updated = await h.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: bank.id } });
    expect(updated.invoice_settings.default_payment_method).toBe(bank.id);
    await expect(h.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: visa.id } })).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe("payment intent lifecycle", () => {
  it("creates, updates metadata, lists by customer, confirms and cancels", async () => {
    const customer = await h.stripe.customers.create();
    const pi = await h.stripe.paymentIntents.create({ amount: 1_500, currency: "usd", customer: customer.id, metadata: { a: "1" } });
    expect(pi).toMatchObject({ status: "requires_payment_method", payment_method_types: ["card", "us_bank_account"], client_secret: expect.stringMatching(new RegExp(`^${pi.id}_secret_`)) });
    const updated = await h.stripe.paymentIntents.update(pi.id, { metadata: { b: "2" } });
    expect(updated.metadata).toEqual({ a: "1", b: "2" });
    const other = await h.stripe.paymentIntents.create({ amount: 1_600, currency: "usd" });
    const listed = await h.stripe.paymentIntents.list({ customer: customer.id });
    expect(listed.data.map((p) => p.id)).toEqual([pi.id]);
    const canceled = await h.stripe.paymentIntents.cancel(other.id, { cancellation_reason: "requested_by_customer" });
    expect(canceled).toMatchObject({ status: "canceled", cancellation_reason: "requested_by_customer" });
    const confirmed = await h.stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" });
    expect(confirmed.status).toBe("succeeded");
    await expect(h.stripe.paymentIntents.cancel(pi.id)).rejects.toMatchObject({ statusCode: 400, code: "payment_intent_unexpected_state" });
    await expect(h.stripe.paymentIntents.update(pi.id, { amount: 99 })).rejects.toMatchObject({ statusCode: 400 });
    await expect(h.stripe.paymentIntents.create({ amount: 10, currency: "usd" })).rejects.toMatchObject({ statusCode: 400, code: "amount_too_small" });
  });

  it("refuses to reuse a method that was used once without a customer", async () => {
    const pm = await h.stripe.paymentMethods.retrieve("pm_card_visa");
    await h.stripe.paymentIntents.create({ amount: 1_000, currency: "usd", payment_method: pm.id, confirm: true });
    await expect(h.stripe.paymentIntents.create({ amount: 1_000, currency: "usd", payment_method: pm.id, confirm: true })).rejects.toMatchObject({ statusCode: 400, param: "payment_method" });
  });
});
