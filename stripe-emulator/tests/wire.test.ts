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
