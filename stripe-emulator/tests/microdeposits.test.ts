/** Bank accounts verified by microdeposits: Checkout in payment and setup mode, verify_microdeposits, attempts, window. */
import Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";
import { bankForm, type Harness, paymentSession, startHarness, submit } from "./harness";

let h: Harness;
afterEach(() => h.stop());

const flow = () => h.receiver.types((e) => e.type !== "customer.created");

async function payWithMicrodeposits(options: { verification?: "automatic" | "microdeposits"; account?: string; extra?: Record<string, string> } = {}) {
  const customer = await h.stripe.customers.create({ email: "ach@example.com" });
  const session = await paymentSession(h.stripe, { customer: customer.id, payment_method_options: { us_bank_account: { verification_method: options.verification ?? "microdeposits" } } });
  const res = await submit(session.url!, bankForm(options.account ?? "000123456789", options.extra));
  expect(res.status).toBe(303);
  const done = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent"] });
  return { session: done, pi: done.payment_intent as Stripe.PaymentIntent };
}

async function verifyError(call: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Stripe.errors.StripeError);
  return error as Stripe.errors.StripeError;
}

describe("microdeposits in payment mode", () => {
  it("completes the session unpaid with the intent awaiting verification; the amounts verify and the debit settles", async () => {
    h = await startHarness();
    const { session, pi } = await payWithMicrodeposits();
    expect(session).toMatchObject({ status: "complete", payment_status: "unpaid" });
    expect(pi.status).toBe("requires_action");
    expect(pi.latest_charge).toBeNull();
    expect(pi.next_action).toMatchObject({
      type: "verify_with_microdeposits",
      verify_with_microdeposits: { microdeposit_type: "amounts", hosted_verification_url: expect.stringMatching(new RegExp(`/microdeposit/${pi.id}$`)), arrival_date: expect.any(Number) },
    });
    await h.receiver.waitForType("checkout.session.completed");
    expect(flow()).toEqual(["payment_intent.created", "payment_intent.requires_action", "checkout.session.completed"]);

    const wrong = await verifyError(h.stripe.paymentIntents.verifyMicrodeposits(pi.id, { amounts: [12, 34] }));
    expect(wrong.code).toBe("payment_method_microdeposit_verification_amounts_mismatch");
    expect(wrong.message).toContain("You have 2 verification attempts remaining.");
    expect((await h.stripe.paymentIntents.retrieve(pi.id)).status).toBe("requires_action");

    const verified = await h.stripe.paymentIntents.verifyMicrodeposits(pi.id, { amounts: [32, 45] });
    expect(verified.status).toBe("processing");
    await h.receiver.waitForType("payment_intent.processing");
    await h.control("settle", { payment_intent: pi.id });
    expect((await h.stripe.paymentIntents.retrieve(pi.id)).status).toBe("succeeded");
    await h.receiver.waitForType("checkout.session.async_payment_succeeded");
  });

  it("accepts the descriptor code; the payer's choice on Checkout or an account that can't be verified instantly uses microdeposits under automatic", async () => {
    h = await startHarness();
    const chosen = await payWithMicrodeposits({ verification: "automatic", extra: { verification: "microdeposits" } });
    expect(chosen.pi.status).toBe("requires_action");
    expect((await h.stripe.paymentIntents.verifyMicrodeposits(chosen.pi.id, { descriptor_code: "SM11AA" })).status).toBe("processing");
    const fallback = await payWithMicrodeposits({ verification: "automatic", account: "000999999991" });
    expect(fallback.pi.status).toBe("requires_action");
    const instant = await payWithMicrodeposits({ verification: "automatic" });
    expect(instant.pi.status).toBe("processing");
    const wrong = await verifyError(h.stripe.paymentIntents.verifyMicrodeposits(fallback.pi.id, { descriptor_code: "SM99ZZ" }));
    expect(wrong.code).toBe("payment_method_microdeposit_verification_descriptor_code_mismatch");
  });

  it("fails the payment after the third wrong attempt, with the async failure events", async () => {
    h = await startHarness();
    const { pi } = await payWithMicrodeposits();
    for (const left of [2, 1]) {
      const error = await verifyError(h.stripe.paymentIntents.verifyMicrodeposits(pi.id, { amounts: [1, 2] }));
      expect(error.message).toContain(`${left} verification attempt`);
    }
    const last = await verifyError(h.stripe.paymentIntents.verifyMicrodeposits(pi.id, { amounts: [1, 2] }));
    expect(last.code).toBe("payment_method_microdeposit_verification_attempts_exceeded");
    const after = await h.stripe.paymentIntents.retrieve(pi.id);
    expect(after.status).toBe("requires_payment_method");
    expect(after.last_payment_error?.code).toBe("payment_method_microdeposit_verification_attempts_exceeded");
    await h.receiver.waitForType("checkout.session.async_payment_failed");
    expect(flow().slice(-2)).toEqual(["payment_intent.payment_failed", "checkout.session.async_payment_failed"]);
    const again = await verifyError(h.stripe.paymentIntents.verifyMicrodeposits(pi.id, { amounts: [32, 45] }));
    expect(again.code).toBe("payment_intent_unexpected_state");
  });

  it("times out after the window (control endpoint) and with Stripe's 40/41 test amounts", async () => {
    h = await startHarness();
    const first = await payWithMicrodeposits();
    expect(await h.control("microdeposits/timeout", { intent: first.pi.id })).toEqual({ timed_out: [first.pi.id] });
    const after = await h.stripe.paymentIntents.retrieve(first.pi.id);
    expect(after).toMatchObject({ status: "requires_payment_method", last_payment_error: { code: "payment_method_microdeposit_verification_timeout" } });
    const second = await payWithMicrodeposits();
    const error = await verifyError(h.stripe.paymentIntents.verifyMicrodeposits(second.pi.id, { amounts: [40, 41] }));
    expect(error.code).toBe("payment_method_microdeposit_verification_timeout");
    const third = await payWithMicrodeposits();
    const exceeded = await verifyError(h.stripe.paymentIntents.verifyMicrodeposits(third.pi.id, { descriptor_code: "SM33CC" }));
    expect(exceeded.code).toBe("payment_method_microdeposit_verification_attempts_exceeded");
  });

  it("verifies on the hosted page with amounts typed in dollars", async () => {
    h = await startHarness();
    const { pi } = await payWithMicrodeposits();
    const url = pi.next_action!.verify_with_microdeposits!.hosted_verification_url;
    expect(await (await fetch(url)).text()).toContain("sent two small deposits");
    const wrong = await submit(url, { amount_1: "0.11", amount_2: "0.22" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("2 verification attempts remaining");
    const right = await submit(url, { amount_1: "0.32", amount_2: "0.45" });
    expect(await right.text()).toContain("Your bank account is verified.");
    expect((await h.stripe.paymentIntents.retrieve(pi.id)).status).toBe("processing");
  });
});

describe("microdeposits in setup mode", () => {
  it("completes the session with the SetupIntent awaiting verification, then succeeds", async () => {
    h = await startHarness();
    const customer = await h.stripe.customers.create({ email: "plan@example.com" });
    const session = await h.stripe.checkout.sessions.create({
      mode: "setup",
      currency: "usd",
      customer: customer.id,
      allowed_payment_method_types: ["us_bank_account"],
      payment_method_options: { us_bank_account: { verification_method: "microdeposits" } },
      success_url: "http://portal.test/plans/1",
    });
    const page = await (await fetch(session.url!)).text();
    expect(page).toContain("(CCD)");
    const res = await submit(session.url!, bankForm("000123456789", { account_holder_type: "company" }));
    expect(res.status).toBe(303);
    const done = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["setup_intent.payment_method"] });
    expect(done.status).toBe("complete");
    const si = done.setup_intent as Stripe.SetupIntent;
    expect(si.status).toBe("requires_action");
    expect(si.next_action?.type).toBe("verify_with_microdeposits");
    expect((si.payment_method as Stripe.PaymentMethod).us_bank_account?.account_holder_type).toBe("company");
    await h.receiver.waitForType("setup_intent.requires_action");
    const verified = await h.stripe.setupIntents.verifyMicrodeposits(si.id, { amounts: [32, 45] });
    expect(verified.status).toBe("succeeded");
    await h.receiver.waitForType("setup_intent.succeeded");
  });

  it("a failed setup verification ends in setup_intent.setup_failed", async () => {
    h = await startHarness();
    const customer = await h.stripe.customers.create({ email: "plan@example.com" });
    const session = await h.stripe.checkout.sessions.create({
      mode: "setup",
      currency: "usd",
      customer: customer.id,
      allowed_payment_method_types: ["us_bank_account"],
      payment_method_options: { us_bank_account: { verification_method: "microdeposits" } },
      success_url: "http://portal.test/plans/1",
    });
    await submit(session.url!, bankForm("000123456789"));
    const si = (await h.stripe.checkout.sessions.retrieve(session.id)).setup_intent as string;
    const error = await verifyError(h.stripe.setupIntents.verifyMicrodeposits(si, { descriptor_code: "SM33CC" }));
    expect(error.code).toBe("payment_method_microdeposit_verification_attempts_exceeded");
    expect((await h.stripe.setupIntents.retrieve(si)).status).toBe("requires_payment_method");
    await h.receiver.waitForType("setup_intent.setup_failed");
  });
});
