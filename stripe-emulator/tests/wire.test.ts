/** The wire format through the real SDK: errors, idempotency, expand, pagination, metadata. */
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, sdkFor, startHarness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ webhooks: false });
});
afterAll(() => h.stop());

async function caught(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    return error as Stripe.errors.StripeError;
  }
  throw new Error("expected the call to fail");
}

describe("errors", () => {
  it("answers each failure with the status the SDK maps to its error class", async () => {
    const missing = await caught(h.stripe.paymentIntents.create({ currency: "usd" } as Stripe.PaymentIntentCreateParams));
    expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(missing.statusCode).toBe(400);
    expect(missing.code).toBe("parameter_missing");
    expect(missing.param).toBe("amount");

    const notFound = await caught(h.stripe.customers.retrieve("cus_doesnotexist"));
    expect(notFound).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(notFound.statusCode).toBe(404);
    expect(notFound.code).toBe("resource_missing");
    expect(notFound.message).toBe("No such customer: 'cus_doesnotexist'");

    const unauthenticated = await caught(sdkFor(h.emulator.port, {}, "sk_live_wrongmode").customers.list());
    expect(unauthenticated).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(unauthenticated.statusCode).toBe(401);

    const declined = await caught(h.stripe.paymentIntents.create({ amount: 5000, currency: "usd", payment_method: "pm_card_visa_chargeDeclined", confirm: true }));
    expect(declined).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(declined.statusCode).toBe(402);
    expect(declined.payment_intent?.status).toBe("requires_payment_method");
  });

  it("rejects a request without a key, and accepts Basic auth like Stripe", async () => {
    const bare = await fetch(`${h.emulator.url}/v1/customers`);
    expect(bare.status).toBe(401);
    const body = (await bare.json()) as { error: { type: string; message: string } };
    expect(body.error.message).toMatch(/You did not provide an API key/);
    const basic = await fetch(`${h.emulator.url}/v1/customers`, { headers: { authorization: `Basic ${Buffer.from("sk_test_abc:").toString("base64")}` } });
    expect(basic.status).toBe(200);
    expect(basic.headers.get("request-id")).toMatch(/^req_/);
  });

  it("names unknown parameters and unknown URLs", async () => {
    const unknown = await caught(h.stripe.customers.create({ nmae: "typo" } as Stripe.CustomerCreateParams));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.message).toBe("Received unknown parameter: nmae");
    const res = await fetch(`${h.emulator.url}/v1/nothing_here`, { headers: { authorization: "Bearer sk_test_x" } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^Unrecognized request URL \(GET: \/v1\/nothing_here\)/);
  });

  it("injects rate limits and server errors on request (control endpoint faults)", async () => {
    const noRetry = sdkFor(h.emulator.port, { maxNetworkRetries: 0 });
    await h.control("faults", { status: "429", path: "/v1/customers" });
    const limited = await caught(noRetry.customers.list());
    expect(limited).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(limited.statusCode).toBe(429);
    await h.control("faults", { status: "500", path: "/v1/customers" });
    const broken = await caught(noRetry.customers.list());
    expect(broken).toBeInstanceOf(Stripe.errors.StripeAPIError);
    // The fault was used up: the next call works.
    await expect(noRetry.customers.list()).resolves.toMatchObject({ object: "list" });
  });
});

describe("idempotency", () => {
  it("replays the first response for the same key and parameters", async () => {
    const first = await h.stripe.customers.create({ email: "replay@example.com" }, { idempotencyKey: "key-replay" });
    const second = await h.stripe.customers.create({ email: "replay@example.com" }, { idempotencyKey: "key-replay" });
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers["idempotent-replayed"]).toBe("true");
    const all = await h.stripe.customers.list({ email: "replay@example.com" });
    expect(all.data).toHaveLength(1);
    const event = (await h.stripe.events.list({ type: "customer.created", limit: 1 })).data[0]!;
    expect(event.request).toEqual({ id: first.lastResponse.requestId, idempotency_key: "key-replay" });
  });

  it("replays a 402 too: a retried charge never charges twice", async () => {
    const params = { amount: 900, currency: "usd", payment_method: "pm_card_visa_chargeDeclinedInsufficientFunds", confirm: true };
    const a = await caught(h.stripe.paymentIntents.create(params, { idempotencyKey: "key-decline" }));
    const b = await caught(h.stripe.paymentIntents.create(params, { idempotencyKey: "key-decline" }));
    expect(b.payment_intent?.id).toBe(a.payment_intent?.id);
    expect(b.decline_code).toBe("insufficient_funds");
  });

  it("refuses the same key with different parameters", async () => {
    await h.stripe.customers.create({ name: "One" }, { idempotencyKey: "key-mismatch" });
    const error = await caught(h.stripe.customers.create({ name: "Two" }, { idempotencyKey: "key-mismatch" }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error.statusCode).toBe(400);
    expect(error.rawType).toBe("idempotency_error");
    const otherEndpoint = await caught(h.stripe.paymentIntents.create({ amount: 100, currency: "usd" }, { idempotencyKey: "key-mismatch" }));
    expect(otherEndpoint).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it("answers 409 while the first request with the key is still running, then the SDK's retry gets the replay", async () => {
    const noRetry = sdkFor(h.emulator.port, { maxNetworkRetries: 0 });
    await h.control("faults", { delay_ms: "300", path: "/v1/customers", method: "POST" });
    const first = noRetry.customers.create({ name: "Slow" }, { idempotencyKey: "key-concurrent" });
    await new Promise((r) => setTimeout(r, 50));
    const conflict = await caught(noRetry.customers.create({ name: "Slow" }, { idempotencyKey: "key-concurrent" }));
    expect(conflict.statusCode).toBe(409);
    expect(conflict.code).toBe("idempotency_key_in_use");
    const created = await first;

    await h.control("faults", { delay_ms: "300", path: "/v1/customers", method: "POST" });
    const slow = h.stripe.customers.create({ name: "Slow 2" }, { idempotencyKey: "key-concurrent-2" });
    await new Promise((r) => setTimeout(r, 50));
    // The default SDK retries 409 with the same key and ends up with the first request's result.
    const retried = await h.stripe.customers.create({ name: "Slow 2" }, { idempotencyKey: "key-concurrent-2" });
    expect(retried.id).toBe((await slow).id);
    expect(retried.id).not.toBe(created.id);
  });

  it("does not save a refused request: fixing it under the same key works", async () => {
    const refused = await caught(h.stripe.customers.create({ email: "not-an-email" }, { idempotencyKey: "key-refused" }));
    expect(refused.statusCode).toBe(400);
    const retry = await h.stripe.customers.create({ email: "fixed@example.com" }, { idempotencyKey: "key-refused" });
    expect(retry.email).toBe("fixed@example.com");
  });

  it("lets a retry after a lost response find the work already done", async () => {
    await h.control("faults", { drop: "after", path: "/v1/customers", method: "POST" });
    // The SDK sees a connection error, retries with the same key, and gets the saved answer.
    const customer = await h.stripe.customers.create({ email: "lost@example.com" });
    const all = await h.stripe.customers.list({ email: "lost@example.com" });
    expect(all.data.map((c) => c.id)).toEqual([customer.id]);
  });
});

describe("expand", () => {
  it("expands nested references on retrieve and on list items (data.)", async () => {
    const customer = await h.stripe.customers.create({ email: "expand@example.com" });
    const pi = await h.stripe.paymentIntents.create({ amount: 2000, currency: "usd", customer: customer.id, payment_method: "pm_card_visa", confirm: true });
    const expanded = await h.stripe.paymentIntents.retrieve(pi.id, { expand: ["latest_charge.balance_transaction", "customer", "payment_method"] });
    const charge = expanded.latest_charge as Stripe.Charge;
    expect(charge.object).toBe("charge");
    expect((charge.balance_transaction as Stripe.BalanceTransaction).object).toBe("balance_transaction");
    expect((charge.balance_transaction as Stripe.BalanceTransaction).fee).toBe(Math.round(2000 * 0.029) + 30);
    expect((expanded.customer as Stripe.Customer).email).toBe("expand@example.com");
    expect((expanded.payment_method as Stripe.PaymentMethod).card?.last4).toBe("4242");

    const list = await h.stripe.paymentIntents.list({ customer: customer.id, expand: ["data.latest_charge"] });
    expect((list.data[0]!.latest_charge as Stripe.Charge).id).toBe(charge.id);
  });

  it("accepts curl-style expand[]= and refuses what can't be expanded or is too deep", async () => {
    const customer = await h.stripe.customers.create({ metadata: { a: "b" } });
    const auth = { authorization: "Bearer sk_test_x" };
    const pi = await h.stripe.paymentIntents.create({ amount: 700, currency: "usd", customer: customer.id });
    const res = await fetch(`${h.emulator.url}/v1/payment_intents/${pi.id}?expand[]=customer`, { headers: auth });
    expect(((await res.json()) as { customer: { id: string } }).customer.id).toBe(customer.id);
    const notExpandable = await caught(h.stripe.customers.retrieve(customer.id, { expand: ["metadata"] }));
    expect(notExpandable.statusCode).toBe(400);
    expect(notExpandable.message).toBe("This property cannot be expanded (metadata).");
    const tooDeep = await caught(h.stripe.paymentIntents.retrieve(pi.id, { expand: ["a.b.c.d.e"] }));
    expect(tooDeep.message).toMatch(/more than 4 levels/);
  });

  it("refuses, as Stripe does, fields that are not expandable on that object even when they hold an id", async () => {
    const customer = await h.stripe.customers.create({ email: "strict@example.com" });
    const pi = await h.stripe.paymentIntents.create({ amount: 1500, currency: "usd", customer: customer.id, payment_method: "pm_card_visa", confirm: true });
    const refusals: [Promise<unknown>, string][] = [
      // Hold ids, but Stripe never expands them: an id field, a Charge's payment_method, an error's charge.
      [h.stripe.paymentIntents.retrieve(pi.id, { expand: ["id"] }), "This property cannot be expanded (id)."],
      [h.stripe.charges.retrieve(pi.latest_charge as string, { expand: ["payment_method"] }), "This property cannot be expanded (payment_method)."],
      // Nested: the path is named up to the segment Stripe refuses.
      [h.stripe.paymentIntents.retrieve(pi.id, { expand: ["latest_charge.payment_method"] }), "This property cannot be expanded (latest_charge.payment_method)."],
      [h.stripe.paymentIntents.retrieve(pi.id, { expand: ["customer.email.x"] }), "This property cannot be expanded (customer.email)."],
      // A plain sub-object is not a reference; only the reference inside it is.
      [h.stripe.paymentIntents.retrieve(pi.id, { expand: ["transfer_data"] }), "This property cannot be expanded (transfer_data)."],
      // Refused by the type, even where the reference is null here (no on_behalf_of, no invoice).
      [h.stripe.paymentIntents.retrieve(pi.id, { expand: ["invoice"] }), "This property cannot be expanded (invoice)."],
      [h.stripe.setupIntents.create({ customer: customer.id, expand: ["latest_charge"] }), "This property cannot be expanded (latest_charge)."],
      // Lists expand through data., with Stripe's hint.
      [h.stripe.paymentIntents.list({ customer: customer.id, expand: ["customer"] }), "This property cannot be expanded (customer). You may want to try expanding 'data.customer' instead."],
      [h.stripe.paymentIntents.list({ customer: customer.id, expand: ["data.metadata"] }), "This property cannot be expanded (data.metadata)."],
    ];
    for (const [call, message] of refusals) {
      const error = await caught(call);
      expect(error.statusCode).toBe(400);
      expect(error.type).toBe("StripeInvalidRequestError");
      expect(error.message).toBe(message);
    }
    // The refused create left nothing behind.
    expect((await h.stripe.setupIntents.list({ customer: customer.id })).data).toHaveLength(0);
  });

  it("expands every field Stripe allows, nested and through lists, and leaves null references null", async () => {
    const customer = await h.stripe.customers.create({ email: "legal@example.com" });
    const pi = await h.stripe.paymentIntents.create({ amount: 2500, currency: "usd", customer: customer.id, payment_method: "pm_card_visa", confirm: true });
    const refund = await h.stripe.refunds.create({ payment_intent: pi.id, amount: 500, expand: ["charge.balance_transaction", "payment_intent.customer"] });
    expect((refund.charge as Stripe.Charge).id).toBe(pi.latest_charge);
    expect(((refund.charge as Stripe.Charge).balance_transaction as Stripe.BalanceTransaction).object).toBe("balance_transaction");
    expect(((refund.payment_intent as Stripe.PaymentIntent).customer as Stripe.Customer).email).toBe("legal@example.com");

    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string, { expand: ["customer", "payment_intent.payment_method.customer", "refunds.data.balance_transaction", "review", "transfer_data.destination"] });
    expect((charge.customer as Stripe.Customer).id).toBe(customer.id);
    expect((((charge.payment_intent as Stripe.PaymentIntent).payment_method as Stripe.PaymentMethod).customer as Stripe.Customer | null)?.id ?? null).toBe(null);
    expect(charge.refunds!.data.map((r) => (r.balance_transaction as Stripe.BalanceTransaction).amount)).toEqual([-500]);
    expect(charge).toMatchObject({ review: null, transfer_data: null });

    const page = await h.stripe.paymentIntents.list({ customer: customer.id, expand: ["data.customer", "data.latest_charge.balance_transaction", "data.on_behalf_of"] });
    expect((page.data[0]!.customer as Stripe.Customer).id).toBe(customer.id);
    expect(((page.data[0]!.latest_charge as Stripe.Charge).balance_transaction as Stripe.BalanceTransaction).object).toBe("balance_transaction");

    const pm = await h.stripe.paymentMethods.attach("pm_card_mastercard", { customer: customer.id, expand: ["customer"] });
    expect((pm.customer as Stripe.Customer).id).toBe(customer.id);
    const withMandate = await h.stripe.paymentIntents.create({
      amount: 1200, currency: "usd", customer: customer.id, payment_method: "pm_usBankAccount_success", allowed_payment_method_types: ["us_bank_account"], confirm: true,
      mandate_data: { customer_acceptance: { type: "offline" } },
      expand: ["latest_charge.payment_method_details.us_bank_account.mandate"],
    });
    const mandate = (withMandate.latest_charge as Stripe.Charge).payment_method_details!.us_bank_account!.mandate as Stripe.Mandate;
    expect(mandate.object).toBe("mandate");
    const again = await h.stripe.mandates.retrieve(mandate.id, { expand: ["payment_method.customer"] });
    // Not saved on the customer (no setup_future_usage): a null reference expands to null.
    expect(again.payment_method).toMatchObject({ object: "payment_method", type: "us_bank_account", customer: null });
  });

  it("a refused write leaves nothing behind (no object, no event)", async () => {
    const events = (await h.stripe.events.list({ limit: 100 })).data.length;
    const refused = await caught(h.stripe.customers.create({ email: "rollback@example.com", expand: ["metadata"] }));
    expect(refused.statusCode).toBe(400);
    expect((await h.stripe.customers.list({ email: "rollback@example.com" })).data).toHaveLength(0);
    expect((await h.stripe.events.list({ limit: 100 })).data).toHaveLength(events);
  });
});

describe("lists", () => {
  it("pages newest first with limit, starting_after and ending_before", async () => {
    const tag = `page-${Date.now()}`;
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await h.stripe.customers.create({ email: `${tag}@example.com`, name: `n${i}` })).id);
    const newestFirst = [...created].reverse();
    const page1 = await h.stripe.customers.list({ email: `${tag}@example.com`, limit: 2 });
    expect(page1.object).toBe("list");
    expect(page1.url).toBe("/v1/customers");
    expect(page1.data.map((c) => c.id)).toEqual(newestFirst.slice(0, 2));
    expect(page1.has_more).toBe(true);
    const page2 = await h.stripe.customers.list({ email: `${tag}@example.com`, limit: 2, starting_after: page1.data[1]!.id });
    expect(page2.data.map((c) => c.id)).toEqual(newestFirst.slice(2, 4));
    const page3 = await h.stripe.customers.list({ email: `${tag}@example.com`, limit: 2, starting_after: page2.data[1]!.id });
    expect(page3.data.map((c) => c.id)).toEqual(newestFirst.slice(4));
    expect(page3.has_more).toBe(false);
    const back = await h.stripe.customers.list({ email: `${tag}@example.com`, limit: 2, ending_before: page3.data[0]!.id });
    expect(back.data.map((c) => c.id)).toEqual(newestFirst.slice(2, 4));
    const all: string[] = [];
    for await (const c of h.stripe.customers.list({ email: `${tag}@example.com`, limit: 2 })) all.push(c.id);
    expect(all).toEqual(newestFirst);
    expect((await h.stripe.customers.list({ email: `${tag}@example.com` })).data).toHaveLength(5);
    const tooMany = await caught(h.stripe.customers.list({ limit: 101 }));
    expect(tooMany.param).toBe("limit");
  });
});

describe("metadata", () => {
  it("enforces Stripe's limits and names the parameter", async () => {
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
    expect((await caught(h.stripe.customers.create({ metadata: tooMany }))).param).toBe("metadata");
    const longKey = await caught(h.stripe.customers.create({ metadata: { ["k".repeat(41)]: "v" } }));
    expect(longKey.statusCode).toBe(400);
    expect(longKey.param).toBe(`metadata[${"k".repeat(41)}]`);
    expect((await caught(h.stripe.customers.create({ metadata: { k: "v".repeat(501) } }))).param).toBe("metadata[k]");
    expect((await caught(h.stripe.customers.create({ metadata: { "a[b]": "v" } }))).message).toMatch(/\[ or \]|'\[' or '\]'/);
    await expect(h.stripe.customers.create({ metadata: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v".repeat(500)])) })).resolves.toBeTruthy();
  });

  it("merges on update; an empty value unsets a key and an empty metadata unsets all", async () => {
    const customer = await h.stripe.customers.create({ metadata: { keep: "1", drop: "2" } });
    const updated = await h.stripe.customers.update(customer.id, { metadata: { drop: "", add: "3" } });
    expect(updated.metadata).toEqual({ keep: "1", add: "3" });
    const cleared = await h.stripe.customers.update(customer.id, { metadata: "" });
    expect(cleared.metadata).toEqual({});
    const event = (await h.stripe.events.list({ type: "customer.updated", limit: 1 })).data[0]!;
    expect(event.data.previous_attributes).toEqual({ metadata: { keep: "1", add: "3" } });
  });
});
