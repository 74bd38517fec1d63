/** Hosted Checkout with US bank accounts: mandate, processing, settlement success and failure. */
import type Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";
import { bankForm, type Harness, paymentSession, startHarness, submit } from "./harness";

let h: Harness;
afterEach(() => h.stop());

/** Event types the payment produced (the test's own customer.created left out). */
const flow = () => h.receiver.types((e) => e.type !== "customer.created");

async function payByBank(account: string): Promise<{ session: Stripe.Checkout.Session; pi: Stripe.PaymentIntent }> {
  const customer = await h.stripe.customers.create({ email: "ach@example.com" });
  const session = await paymentSession(h.stripe, { customer: customer.id, payment_method_options: { us_bank_account: { verification_method: "instant" } } });
  const res = await submit(session.url!, bankForm(account));
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe(`http://portal.test/payments/done?session=${session.id}`);
  const done = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent"] });
  return { session: done, pi: done.payment_intent as Stripe.PaymentIntent };
}

describe("ACH Direct Debit through Checkout", () => {
  it("completes unpaid and processing, with a mandate; settles to succeeded via the control endpoint", async () => {
    h = await startHarness();
    const { session, pi } = await payByBank("000123456789");
    expect(session.status).toBe("complete");
    expect(session.payment_status).toBe("unpaid");
    expect(pi.status).toBe("processing");
    expect(pi.amount_received).toBe(0);
    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge.id).toMatch(/^py_/);
    expect(charge.status).toBe("pending");
    const bank = charge.payment_method_details!.us_bank_account!;
    expect(bank).toMatchObject({ bank_name: "STRIPE TEST BANK", last4: "6789", routing_number: "110000000", account_type: "checking" });
    const mandate = await h.stripe.mandates.retrieve(bank.mandate as string);
    expect(mandate).toMatchObject({ object: "mandate", status: "active", type: "single_use", payment_method: pi.payment_method });
    expect(mandate.customer_acceptance).toMatchObject({ type: "online", online: { ip_address: expect.any(String), user_agent: expect.any(String) } });

    await h.receiver.waitForType("checkout.session.completed");
    expect(flow()).toEqual(["payment_intent.created", "payment_intent.processing", "checkout.session.completed"]);

    const settled = await h.control("settle", { payment_intent: pi.id });
    expect(settled.payment_intents).toEqual([{ id: pi.id, status: "succeeded" }]);
    const after = await h.stripe.paymentIntents.retrieve(pi.id);
    expect(after.status).toBe("succeeded");
    expect(after.amount_received).toBe(17_500);
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe("paid");
    expect((await h.stripe.charges.retrieve(charge.id)).paid).toBe(true);
    await h.receiver.waitForType("checkout.session.async_payment_succeeded");
    expect(flow().slice(3)).toEqual(["payment_intent.succeeded", "charge.succeeded", "checkout.session.async_payment_succeeded"]);
  });

  it.each([
    ["000111111113", "account_closed", "The customer's bank account has been closed."],
    ["000111111116", "no_account", "The customer's bank account could not be located."],
    ["000222222227", "insufficient_funds", "The customer's account has insufficient funds to cover this payment."],
    ["000333333335", "debit_not_authorized", "The customer has notified their bank that this payment was unauthorized."],
  ])("%s fails at settlement with %s", async (account, code, message) => {
    h = await startHarness();
    const { session, pi } = await payByBank(account);
    await h.control("settle");
    const failed = await h.stripe.paymentIntents.retrieve(pi.id);
    expect(failed.status).toBe("requires_payment_method");
    expect(failed.last_payment_error).toMatchObject({ code, message });
    expect((failed.last_payment_error?.payment_method as Stripe.PaymentMethod).id).toBe(pi.payment_method);
    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ status: "failed", failure_code: code, failure_message: message });
    const stillComplete = await h.stripe.checkout.sessions.retrieve(session.id);
    expect(stillComplete).toMatchObject({ status: "complete", payment_status: "unpaid" });
    await h.receiver.waitForType("checkout.session.async_payment_failed");
    expect(flow().slice(3)).toEqual(["charge.failed", "payment_intent.payment_failed", "checkout.session.async_payment_failed"]);
  });

  it("settles automatically after achSettleDelayMs", async () => {
    h = await startHarness({ achSettleDelayMs: 150 });
    const { pi } = await payByBank("000123456789");
    expect(pi.status).toBe("processing");
    const event = await h.receiver.waitForType("checkout.session.async_payment_succeeded", 3000);
    expect((event.data.object as Stripe.Checkout.Session).payment_status).toBe("paid");
    expect((await h.stripe.paymentIntents.retrieve(pi.id)).status).toBe("succeeded");
  });

  it("000000000009 stays processing; 000555555559 settles then gets disputed", async () => {
    h = await startHarness();
    const stuck = await payByBank("000000000009");
    const result = await h.control("settle", { payment_intent: stuck.pi.id });
    expect(result.payment_intents).toEqual([{ id: stuck.pi.id, status: "processing" }]);
    expect((await h.stripe.paymentIntents.retrieve(stuck.pi.id)).status).toBe("processing");

    const disputed = await payByBank("000555555559");
    await h.control("settle", { payment_intent: disputed.pi.id });
    expect((await h.stripe.paymentIntents.retrieve(disputed.pi.id)).status).toBe("succeeded");
    const event = await h.receiver.waitForType("charge.dispute.created");
    expect((event.data.object as Stripe.Dispute).payment_intent).toBe(disputed.pi.id);
  });

  it("requires the mandate checkbox and a known routing number (field errors, nothing created)", async () => {
    h = await startHarness();
    const session = await paymentSession(h.stripe);
    const noMandate = await submit(session.url!, bankForm("000123456789", { mandate: "" }));
    expect(noMandate.status).toBe(400);
    const html = await noMandate.text();
    expect(html).toContain('id="mandate-error"');
    expect(html).toContain("I authorize");
    const wrongRouting = await submit(session.url!, bankForm("000123456789", { routing_number: "021000021" }));
    expect(await wrongRouting.text()).toContain("Your routing number is invalid.");
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).payment_intent).toBeNull();
    expect((await h.stripe.events.list()).data).toHaveLength(0);
  });

  it("shows the single-debit mandate text with the total in payment mode", async () => {
    h = await startHarness();
    const session = await paymentSession(h.stripe);
    const html = await (await fetch(session.url!)).text();
    expect(html).toMatch(/single debit of \$175\.00/);
  });
});
