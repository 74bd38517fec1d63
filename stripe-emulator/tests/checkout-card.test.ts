/** Hosted Checkout with cards: success, declines and retry, 3-D Secure, disputes, expiry. */
import type Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cardForm, type Harness, paymentSession, startHarness, submit } from "./harness";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.stop());

describe("hosted checkout page", () => {
  it("creates an open session with the computed totals and a hosted URL", async () => {
    const customer = await h.stripe.customers.create({ email: "payer@example.com" });
    const session = await paymentSession(h.stripe, { customer: customer.id, client_reference_id: "pay_1", metadata: { payment_id: "pay_1" } });
    expect(session).toMatchObject({
      object: "checkout.session",
      mode: "payment",
      status: "open",
      payment_status: "unpaid",
      amount_subtotal: 17_500,
      amount_total: 17_500,
      currency: "usd",
      customer: customer.id,
      client_reference_id: "pay_1",
      metadata: { payment_id: "pay_1" },
      payment_intent: null,
      url: `${h.emulator.publicUrl}/checkout/${session.id}`,
    });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session.expires_at - session.created).toBe(86_400);
    const items = await h.stripe.checkout.sessions.listLineItems(session.id);
    expect(items.data.map((i) => [i.description, i.quantity, i.amount_total])).toEqual([
      ["Invoice INV-1001", 1, 12_500],
      ["Invoice INV-1002", 2, 5_000],
    ]);
  });

  it("renders an accessible page: lang, main, h1, a label for every field, the total and both methods", async () => {
    const session = await paymentSession(h.stripe);
    const res = await fetch(session.url!);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<html lang="en">/);
    expect(html).toMatch(/<main>/);
    expect(html).toMatch(/<h1>/);
    expect(html).toContain("$175.00");
    expect(html).toContain("Pay $175.00");
    expect(html).toMatch(/<label for="pm-card">Card<\/label>/);
    expect(html).toMatch(/<label for="pm-us_bank_account">US bank account<\/label>/);
    expect(html).toContain('href="http://portal.test/payments/canceled">Cancel and return</a>');
    expect(html).not.toMatch(/<script|\son[a-z]+=/i);
    const ids = [...html.matchAll(/<(?:input|select)[^>]*\sid="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids).toEqual(expect.arrayContaining(["card_number", "card_expiry", "card_cvc", "card_name", "account_holder_name", "routing_number", "account_number", "account_type", "mandate", "email"]));
    for (const id of ids) expect(html, `label for ${id}`).toContain(`<label for="${id}">`);
    expect(res.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
  });

  it("offers only the payment method types the session allows", async () => {
    const session = await paymentSession(h.stripe, { allowed_payment_method_types: ["card"] });
    const html = await (await fetch(session.url!)).text();
    expect(html).toContain('id="pm-card"');
    expect(html).not.toContain('id="pm-us_bank_account"');
    expect(html).not.toContain('id="routing_number"');
  });
});

describe("card payments", () => {
  it("4242: pays, redirects to success_url and sends the events in order, each correctly signed", async () => {
    const customer = await h.stripe.customers.create({ email: "payer@example.com" });
    const session = await paymentSession(h.stripe, {
      customer: customer.id,
      payment_intent_data: { metadata: { payment_id: "pay_1" }, description: "Payment pay_1", setup_future_usage: "off_session" },
    });
    const res = await submit(session.url!, cardForm("4242 4242 4242 4242"));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`http://portal.test/payments/done?session=${session.id}`);

    const done = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent.latest_charge", "payment_intent.payment_method"] });
    expect(done.status).toBe("complete");
    expect(done.payment_status).toBe("paid");
    const pi = done.payment_intent as Stripe.PaymentIntent;
    expect(pi).toMatchObject({ status: "succeeded", amount: 17_500, amount_received: 17_500, customer: customer.id, metadata: { payment_id: "pay_1" }, description: "Payment pay_1" });
    const charge = pi.latest_charge as Stripe.Charge;
    expect(charge.id).toMatch(/^ch_/);
    expect(charge.payment_method_details?.card).toMatchObject({ brand: "visa", last4: "4242", exp_month: 12, exp_year: 2034 });
    expect((pi.payment_method as Stripe.PaymentMethod).customer).toBe(customer.id);

    await h.receiver.waitForType("checkout.session.completed");
    expect(h.receiver.rejected).toEqual([]);
    expect(h.receiver.types((e) => e.type !== "customer.created")).toEqual([
      "payment_method.attached",
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
      "checkout.session.completed",
    ]);
    const completed = h.receiver.events.at(-1)!;
    expect(completed).toMatchObject({ object: "event", api_version: "2026-10-28.endive", livemode: false, pending_webhooks: 1 });
    expect((completed.data.object as Stripe.Checkout.Session).payment_status).toBe("paid");
    expect(completed.request).toEqual({ id: expect.stringMatching(/^req_/), idempotency_key: null });
    const stored = await h.stripe.events.retrieve(completed.id);
    expect(stored.type).toBe("checkout.session.completed");
  });

  it("a decline keeps the session open and shows the message; a retry with 4242 succeeds with the same PaymentIntent", async () => {
    const session = await paymentSession(h.stripe);
    const declined = await submit(session.url!, cardForm("4000000000009995"));
    expect([200, 402]).toContain(declined.status);
    const html = await declined.text();
    expect(html).toMatch(/role="alert"[^>]*>\s*<p>Your card has insufficient funds\.<\/p>/);
    expect(html).toContain('id="card_number" name="card_number" value=""');

    const open = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent"] });
    expect(open.status).toBe("open");
    const failedPi = open.payment_intent as Stripe.PaymentIntent;
    expect(failedPi.status).toBe("requires_payment_method");
    expect(failedPi.last_payment_error).toMatchObject({ type: "card_error", code: "card_declined", decline_code: "insufficient_funds", message: "Your card has insufficient funds." });

    const generic = await (await submit(session.url!, cardForm("4000000000000002"))).text();
    expect(generic).toContain("Your card was declined.");

    const ok = await submit(session.url!, cardForm("4242424242424242"));
    expect(ok.status).toBe(303);
    const done = await h.stripe.checkout.sessions.retrieve(session.id);
    expect(done.payment_intent).toBe(failedPi.id);
    expect(done.payment_status).toBe("paid");
    await h.receiver.waitForType("checkout.session.completed");
    expect(h.receiver.types()).toEqual([
      "payment_intent.created",
      "charge.failed",
      "payment_intent.payment_failed",
      "charge.failed",
      "payment_intent.payment_failed",
      "charge.succeeded",
      "payment_intent.succeeded",
      "checkout.session.completed",
    ]);
  });

  it.each([
    ["4000000000009987", "card_declined", "lost_card", "Your card was declined."],
    ["4000000000009979", "card_declined", "stolen_card", "Your card was declined."],
    ["4000000000000069", "expired_card", "expired_card", "Your card has expired."],
    ["4000000000000127", "incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."],
    ["4000000000000119", "processing_error", "processing_error", "An error occurred while processing your card. Try again in a little bit."],
  ])("%s declines with %s / %s", async (number, code, declineCode, message) => {
    const session = await paymentSession(h.stripe);
    const page = await (await submit(session.url!, cardForm(number))).text();
    expect(page).toContain(message.replace("'", "&#39;"));
    const pi = (await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent"] })).payment_intent as Stripe.PaymentIntent;
    expect(pi.last_payment_error).toMatchObject({ code, decline_code: declineCode, message });
  });

  it("an invalid card number is a field error and creates nothing", async () => {
    const session = await paymentSession(h.stripe);
    for (const number of ["4242424242424241", "424242424242", "abcd"]) {
      const res = await submit(session.url!, cardForm(number));
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain('<p class="field-error" id="card_number-error">Your card number is invalid.</p>');
      expect(html).toContain('aria-invalid="true" aria-describedby="card_number-error"');
    }
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).payment_intent).toBeNull();
    expect((await h.stripe.paymentIntents.list()).data).toHaveLength(0);
    expect((await h.stripe.events.list()).data).toHaveLength(0);
  });

  it("3-D Secure (4000002500003155): Complete succeeds, Fail reports payment_intent_authentication_failure", async () => {
    const session = await paymentSession(h.stripe);
    const challenge = await submit(session.url!, cardForm("4000002500003155"));
    expect(challenge.status).toBe(303);
    const authUrl = new URL(challenge.headers.get("location")!, h.emulator.publicUrl).toString();
    const page = await (await fetch(authUrl)).text();
    expect(page).toContain("Authenticate this payment");
    expect(page).toMatch(/<button type="submit" name="outcome" value="complete">Complete<\/button>/);

    const failed = await submit(authUrl, { outcome: "fail" });
    expect(failed.status).toBe(402);
    expect(await failed.text()).toContain("We are unable to authenticate your payment method");
    const pi = (await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent"] })).payment_intent as Stripe.PaymentIntent;
    expect(pi.status).toBe("requires_payment_method");
    expect(pi.last_payment_error?.code).toBe("payment_intent_authentication_failure");

    const again = await submit(session.url!, cardForm("4000002760003184"));
    const completed = await submit(new URL(again.headers.get("location")!, h.emulator.publicUrl).toString(), { outcome: "complete" });
    expect(completed.status).toBe(303);
    expect(completed.headers.get("location")).toContain(session.id);
    const done = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent.latest_charge"] });
    expect(done.payment_status).toBe("paid");
    const charge = (done.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge;
    expect(charge.payment_method_details?.card?.three_d_secure?.result).toBe("authenticated");
    await h.receiver.waitForType("checkout.session.completed");
    expect(h.receiver.types()).toEqual([
      "payment_intent.created",
      "payment_intent.requires_action",
      "payment_intent.payment_failed",
      "payment_intent.requires_action",
      "charge.succeeded",
      "payment_intent.succeeded",
      "checkout.session.completed",
    ]);
  });

  it("4000000000000259 succeeds, then a dispute opens", async () => {
    const session = await paymentSession(h.stripe);
    expect((await submit(session.url!, cardForm("4000000000000259"))).status).toBe(303);
    const event = await h.receiver.waitForType("charge.dispute.created");
    const dispute = event.data.object as Stripe.Dispute;
    expect(dispute.id).toMatch(/^dp_/);
    expect(dispute).toMatchObject({ amount: 17_500, reason: "fraudulent", status: "needs_response" });
    const charge = await h.stripe.charges.retrieve(dispute.charge as string);
    expect(charge.disputed).toBe(true);
    expect(charge.status).toBe("succeeded");
  });
});

describe("session lifecycle", () => {
  it("expires only an open session; the page then says so; complete sessions show no form", async () => {
    const session = await paymentSession(h.stripe);
    await submit(session.url!, cardForm("4000000000000002"));
    const expired = await h.stripe.checkout.sessions.expire(session.id);
    expect(expired.status).toBe("expired");
    expect(expired.url).toBeNull();
    const pi = await h.stripe.paymentIntents.retrieve(expired.payment_intent as string);
    expect(pi.status).toBe("canceled");
    expect(pi.cancellation_reason).toBe("abandoned");
    const again = h.stripe.checkout.sessions.expire(session.id);
    await expect(again).rejects.toMatchObject({ statusCode: 400 });
    const page = await fetch(session.url!);
    expect(page.status).toBe(410);
    const html = await page.text();
    expect(html).toContain("This checkout session has expired");
    expect(html).not.toContain("<form");
    await h.receiver.waitForType("checkout.session.expired");

    const paid = await paymentSession(h.stripe);
    await submit(paid.url!, cardForm("4242424242424242"));
    await expect(h.stripe.checkout.sessions.expire(paid.id)).rejects.toMatchObject({ statusCode: 400 });
    const completePage = await (await fetch(paid.url!)).text();
    expect(completePage).toContain("This checkout session is complete");
    expect(completePage).not.toContain("<form");
  });

  it("validates create: expires_at window, line items, customer, mode-specific data", async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(paymentSession(h.stripe, { expires_at: now + 600 })).rejects.toMatchObject({ statusCode: 400, param: "expires_at" });
    await expect(paymentSession(h.stripe, { expires_at: now + 2 * 86_400 })).rejects.toMatchObject({ statusCode: 400, param: "expires_at" });
    const inWindow = await paymentSession(h.stripe, { expires_at: now + 1800 });
    expect(inWindow.expires_at).toBe(now + 1800);
    await expect(h.stripe.checkout.sessions.create({ mode: "payment", success_url: "http://x.test/ok" })).rejects.toMatchObject({ statusCode: 400, param: "line_items" });
    await expect(paymentSession(h.stripe, { customer: "cus_missing" })).rejects.toMatchObject({ statusCode: 400, code: "resource_missing", param: "customer" });
    await expect(paymentSession(h.stripe, { setup_intent_data: { metadata: { a: "b" } } })).rejects.toMatchObject({ statusCode: 400, param: "setup_intent_data" });
    const list = await h.stripe.checkout.sessions.list({ status: "open" });
    expect(list.data.map((s) => s.id)).toEqual([inWindow.id]);
  });
});
