/** Setup-mode Checkout (saving a card or bank account for a payment plan). */
import type Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bankForm, cardForm, type Harness, startHarness, submit } from "./harness";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.stop());

async function setupSession(customer: string, types: ("card" | "us_bank_account")[] = ["card", "us_bank_account"]): Promise<Stripe.Checkout.Session> {
  return h.stripe.checkout.sessions.create({
    mode: "setup",
    currency: "usd",
    customer,
    allowed_payment_method_types: types,
    setup_intent_data: { metadata: { plan_id: "plan_1" } },
    success_url: "http://portal.test/plans/plan_1?session={CHECKOUT_SESSION_ID}",
    cancel_url: "http://portal.test/plans/plan_1",
  });
}

const flow = () => h.receiver.types((e) => e.type !== "customer.created");

describe("setup mode", () => {
  it("saves a card: SetupIntent succeeded, method attached, events in order", async () => {
    const customer = await h.stripe.customers.create({ email: "plan@example.com" });
    const session = await setupSession(customer.id);
    expect(session).toMatchObject({ mode: "setup", payment_status: "no_payment_required", amount_total: null, status: "open" });
    const page = await (await fetch(session.url!)).text();
    expect(page).toContain("Save payment method");
    expect(page).toContain("You can revoke this authorization at any time by contacting us");

    const res = await submit(session.url!, cardForm("4242424242424242"));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`http://portal.test/plans/plan_1?session=${session.id}`);
    const done = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["setup_intent.payment_method"] });
    expect(done).toMatchObject({ status: "complete", payment_status: "no_payment_required", payment_intent: null });
    const si = done.setup_intent as Stripe.SetupIntent;
    expect(si.id).toMatch(/^seti_/);
    expect(si).toMatchObject({ status: "succeeded", usage: "off_session", customer: customer.id, metadata: { plan_id: "plan_1" }, mandate: null });
    expect((si.payment_method as Stripe.PaymentMethod).customer).toBe(customer.id);
    await h.receiver.waitForType("checkout.session.completed");
    expect(flow()).toEqual(["payment_method.attached", "setup_intent.created", "setup_intent.succeeded", "checkout.session.completed"]);
    expect((await h.stripe.setupIntents.list({ customer: customer.id })).data.map((s) => s.id)).toEqual([si.id]);
  });

  it("saves a bank account with a multi-use mandate that can be retrieved", async () => {
    const customer = await h.stripe.customers.create({ email: "plan@example.com" });
    const session = await setupSession(customer.id, ["us_bank_account"]);
    const res = await fetch(session.url!, {
      method: "POST",
      body: new URLSearchParams(bankForm("000123456789", { account_type: "savings" })),
      redirect: "manual",
      headers: { "user-agent": "PortalTest/1.0" },
    });
    expect(res.status).toBe(303);
    const si = (await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["setup_intent"] })).setup_intent as Stripe.SetupIntent;
    expect(si.status).toBe("succeeded");
    expect(si.mandate).toMatch(/^mandate_/);
    const mandate = await h.stripe.mandates.retrieve(si.mandate as string);
    expect(mandate).toMatchObject({
      type: "multi_use",
      status: "active",
      payment_method: si.payment_method,
      payment_method_details: { type: "us_bank_account", us_bank_account: {} },
      customer_acceptance: { type: "online", online: { user_agent: "PortalTest/1.0", ip_address: expect.stringMatching(/127\.0\.0\.1/) } },
    });
    expect(Math.abs(mandate.customer_acceptance.accepted_at! - Date.now() / 1000)).toBeLessThan(5);
    const pm = await h.stripe.paymentMethods.retrieve(si.payment_method as string);
    expect(pm.us_bank_account).toMatchObject({ account_type: "savings", last4: "6789" });
    await h.receiver.waitForType("checkout.session.completed");
    expect(flow()).toEqual(["payment_method.attached", "setup_intent.created", "setup_intent.succeeded", "checkout.session.completed"]);
  });

  it("refuses a declining card (like Stripe's attach) but accepts 0341", async () => {
    const customer = await h.stripe.customers.create();
    const session = await setupSession(customer.id, ["card"]);
    const refused = await submit(session.url!, cardForm("4000000000000002"));
    expect([200, 402]).toContain(refused.status);
    expect(await refused.text()).toMatch(/role="alert"[^>]*>\s*<p>Your card was declined\.<\/p>/);
    expect((await h.stripe.customers.listPaymentMethods(customer.id)).data).toHaveLength(0);
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");

    const accepted = await submit(session.url!, cardForm("4000000000000341"));
    expect(accepted.status).toBe(303);
    const saved = await h.stripe.customers.listPaymentMethods(customer.id);
    expect(saved.data.map((pm) => pm.card?.last4)).toEqual(["0341"]);
    // …and every later charge on it fails.
    await expect(
      h.stripe.paymentIntents.create({ amount: 2_000, currency: "usd", customer: customer.id, payment_method: saved.data[0]!.id, off_session: true, confirm: true }),
    ).rejects.toMatchObject({ statusCode: 402, code: "card_declined" });
    await h.receiver.waitForType("checkout.session.completed");
    expect(flow().slice(0, 2)).toEqual(["setup_intent.created", "setup_intent.setup_failed"]);
  });

  it("creates a customer when the session has none", async () => {
    const session = await h.stripe.checkout.sessions.create({ mode: "setup", currency: "usd", success_url: "http://portal.test/ok" });
    const res = await submit(session.url!, cardForm("4242424242424242", { email: "new@example.com" }));
    expect(res.status).toBe(303);
    const done = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["customer"] });
    expect((done.customer as Stripe.Customer).email).toBe("new@example.com");
    expect(done.customer_details?.email).toBe("new@example.com");
  });
});
