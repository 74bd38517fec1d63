/** Refunds: partial, full, over-refund, and ACH refunds that settle later. */
import type Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.stop());

async function paid(pm = "pm_card_visa", amount = 10_000): Promise<Stripe.PaymentIntent> {
  const customer = await h.stripe.customers.create();
  const pi = await h.stripe.paymentIntents.create({
    amount,
    currency: "usd",
    customer: customer.id,
    payment_method: pm,
    confirm: true,
    ...(pm.startsWith("pm_us")
      ? { allowed_payment_method_types: ["us_bank_account"], mandate_data: { customer_acceptance: { type: "online" as const, online: { ip_address: "203.0.113.1", user_agent: "test" } } } }
      : {}),
  });
  if (pi.status === "processing") await h.control("settle", { payment_intent: pi.id });
  return h.stripe.paymentIntents.retrieve(pi.id);
}

describe("refunds", () => {
  it("partial then full card refunds update the charge; refunding more is a 400", async () => {
    const pi = await paid();
    const partial = await h.stripe.refunds.create({ payment_intent: pi.id, amount: 3_000, reason: "requested_by_customer", metadata: { refund_id: "r1" } });
    expect(partial.id).toMatch(/^re_/);
    expect(partial).toMatchObject({ status: "succeeded", amount: 3_000, charge: pi.latest_charge, payment_intent: pi.id, reason: "requested_by_customer", metadata: { refund_id: "r1" } });
    let charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ amount_refunded: 3_000, refunded: false });

    const over = h.stripe.refunds.create({ payment_intent: pi.id, amount: 7_001 });
    await expect(over).rejects.toMatchObject({ statusCode: 400, code: "amount_too_large", param: "amount" });

    const rest = await h.stripe.refunds.create({ charge: charge.id });
    expect(rest.amount).toBe(7_000);
    charge = await h.stripe.charges.retrieve(charge.id, { expand: ["refunds"] });
    expect(charge).toMatchObject({ amount_refunded: 10_000, refunded: true });
    expect(charge.refunds?.data.map((r) => r.id)).toEqual([rest.id, partial.id]);
    await expect(h.stripe.refunds.create({ payment_intent: pi.id })).rejects.toMatchObject({ statusCode: 400, code: "charge_already_refunded" });

    const listed = await h.stripe.refunds.list({ payment_intent: pi.id });
    expect(listed.data.map((r) => r.id)).toEqual([rest.id, partial.id]);
    expect((await h.stripe.refunds.retrieve(partial.id)).amount).toBe(3_000);

    await h.receiver.waitFor((events) => events.filter((e) => e.type === "charge.refunded").length === 2);
    const refundedEvents = h.receiver.events.filter((e) => e.type === "charge.refunded");
    expect(refundedEvents[1]!.data.previous_attributes).toEqual({ amount_refunded: 3_000, refunded: false });
    expect(h.receiver.types((e) => e.type.startsWith("refund.") || e.type === "charge.refunded")).toEqual(["refund.created", "charge.refunded", "refund.created", "charge.refunded"]);
  });

  it("cannot refund a payment that has not succeeded", async () => {
    const pi = await h.stripe.paymentIntents.create({ amount: 5_000, currency: "usd" });
    await expect(h.stripe.refunds.create({ payment_intent: pi.id })).rejects.toMatchObject({ statusCode: 400, code: "charge_not_refundable" });
    await expect(h.stripe.refunds.create({ payment_intent: "pi_missing" })).rejects.toMatchObject({ statusCode: 400, code: "resource_missing" });
  });

  it("an ACH refund is pending until it settles, then refund.updated", async () => {
    const pi = await paid("pm_usBankAccount_success", 20_000);
    expect(pi.status).toBe("succeeded");
    const refund = await h.stripe.refunds.create({ payment_intent: pi.id, amount: 5_000 });
    expect(refund.status).toBe("pending");
    expect((await h.stripe.charges.retrieve(pi.latest_charge as string)).amount_refunded).toBe(5_000);
    const settled = await h.control("settle");
    expect(settled.refunds).toEqual([{ id: refund.id, status: "succeeded" }]);
    expect((await h.stripe.refunds.retrieve(refund.id)).status).toBe("succeeded");
    const updated = await h.receiver.waitForType("refund.updated");
    expect((updated.data.object as Stripe.Refund).status).toBe("succeeded");
    expect(updated.data.previous_attributes).toMatchObject({ status: "pending" });
  });

  it("an ACH refund settles by itself after achSettleDelayMs", async () => {
    await h.stop();
    h = await startHarness({ achSettleDelayMs: 100 });
    const customer = await h.stripe.customers.create();
    const pi = await h.stripe.paymentIntents.create({
      amount: 3_000,
      currency: "usd",
      customer: customer.id,
      payment_method: "pm_usBankAccount_success",
      confirm: true,
      mandate_data: { customer_acceptance: { type: "offline" } },
    });
    await h.receiver.waitForType("payment_intent.succeeded");
    const refund = await h.stripe.refunds.create({ payment_intent: pi.id });
    expect(refund.status).toBe("pending");
    await h.receiver.waitForType("refund.updated");
    expect((await h.stripe.refunds.retrieve(refund.id)).status).toBe("succeeded");
  });
});
