/** Disputes: the 0259 card's chargeback, evidence, accept, won/lost decisions, ACH unauthorized returns; refund failures. */
import type Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.stop());

async function paid(pm: string, amount = 10_000): Promise<Stripe.PaymentIntent> {
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

const disputeEvents = (id: string) => h.receiver.types((e) => e.type.startsWith("charge.dispute.") && (e.data.object as Stripe.Dispute).id === id);
const netWithdrawn = (d: Stripe.Dispute) => 0 - d.balance_transactions.reduce((s, t) => s + t.amount, 0);

describe("card disputes", () => {
  it("4000000000000259 is charged back: needs_response, funds withdrawn, evidence due in 7 days", async () => {
    const pi = await paid("pm_card_createDispute");
    const created = await h.receiver.waitForType("charge.dispute.created");
    await h.receiver.waitForType("charge.dispute.funds_withdrawn");
    const dispute = await h.stripe.disputes.retrieve((created.data.object as Stripe.Dispute).id);
    expect(dispute).toMatchObject({ object: "dispute", amount: 10_000, charge: pi.latest_charge, payment_intent: pi.id, status: "needs_response", reason: "fraudulent", livemode: false });
    expect(dispute.evidence_details.due_by! - dispute.created).toBe(7 * 86_400);
    expect(netWithdrawn(dispute)).toBe(10_000);
    expect(dispute.balance_transactions[0]).toMatchObject({ object: "balance_transaction", type: "adjustment", fee: 1500, reporting_category: "dispute" });
    expect((await h.stripe.charges.retrieve(pi.latest_charge as string)).disputed).toBe(true);
    expect((await h.stripe.disputes.list({ payment_intent: pi.id })).data.map((d) => d.id)).toEqual([dispute.id]);
    // A charged-back charge cannot also be refunded.
    await expect(h.stripe.refunds.create({ payment_intent: pi.id })).rejects.toMatchObject({ statusCode: 400, code: "charge_disputed" });
  });

  it("takes evidence, stages it with submit=false, submits it, and is won: funds reinstated then closed", async () => {
    const pi = await paid("pm_card_visa");
    const opened = (await h.control("disputes", { payment_intent: pi.id, amount: "4000" })) as unknown as Stripe.Dispute;
    expect(opened).toMatchObject({ amount: 4_000, status: "needs_response" });

    const staged = await h.stripe.disputes.update(opened.id, { evidence: { uncategorized_text: "Signed delivery note", customer_name: "Jenny Rosen" }, submit: false });
    expect(staged).toMatchObject({ status: "needs_response", evidence: { uncategorized_text: "Signed delivery note", customer_name: "Jenny Rosen" }, evidence_details: { has_evidence: true, submission_count: 0 } });
    const submitted = await h.stripe.disputes.update(opened.id, { evidence: { product_description: "Invoice INV-1001" } });
    expect(submitted).toMatchObject({ status: "under_review", evidence: { uncategorized_text: "Signed delivery note", product_description: "Invoice INV-1001" }, evidence_details: { submission_count: 1 } });
    await expect(h.stripe.disputes.update(opened.id, { evidence: { customer_name: "x" } })).rejects.toMatchObject({ statusCode: 400 });
    await expect(h.stripe.disputes.update(opened.id, { evidence: { not_a_field: "x" } as Stripe.DisputeUpdateParams.Evidence })).rejects.toMatchObject({ statusCode: 400 });

    const won = (await h.control(`disputes/${opened.id}/won`)) as unknown as Stripe.Dispute;
    expect(won.status).toBe("won");
    expect(netWithdrawn(won)).toBe(0);
    await h.receiver.waitForType("charge.dispute.closed");
    expect(disputeEvents(opened.id)).toEqual(["charge.dispute.created", "charge.dispute.funds_withdrawn", "charge.dispute.updated", "charge.dispute.updated", "charge.dispute.funds_reinstated", "charge.dispute.closed"]);
    const closed = h.receiver.events.find((e) => e.type === "charge.dispute.closed")!;
    expect(closed.data.previous_attributes).toMatchObject({ status: "under_review" });
    // Decided once.
    await expect(h.control(`disputes/${opened.id}/lost`)).rejects.toThrow(/already closed/);
  });

  it("accepting (close) loses the dispute; the funds stay withdrawn", async () => {
    const pi = await paid("pm_card_visa");
    const opened = (await h.control("disputes", { charge: pi.latest_charge as string })) as unknown as Stripe.Dispute;
    const closed = await h.stripe.disputes.close(opened.id);
    expect(closed.status).toBe("lost");
    expect(netWithdrawn(closed)).toBe(10_000);
    await h.receiver.waitForType("charge.dispute.closed");
    await expect(h.stripe.disputes.close(opened.id)).rejects.toMatchObject({ statusCode: 400 });
    await expect(h.control("disputes", { charge: pi.latest_charge as string })).rejects.toThrow(/already disputed/);
  });

  it("the control refuses a dispute larger than the unrefunded amount, and unknown charges", async () => {
    const pi = await paid("pm_card_visa");
    await h.stripe.refunds.create({ payment_intent: pi.id, amount: 7_000 });
    await expect(h.control("disputes", { payment_intent: pi.id, amount: "3001" })).rejects.toThrow(/400/);
    await expect(h.control("disputes", { charge: "ch_missing" })).rejects.toThrow(/404/);
    const opened = (await h.control("disputes", { payment_intent: pi.id })) as unknown as Stripe.Dispute;
    expect(opened.amount).toBe(3_000);
  });
});

describe("ACH disputes (unauthorized returns)", () => {
  it("000555555559 settles, then an unauthorized return arrives already lost", async () => {
    const pi = await paid("pm_usBankAccount_dispute");
    expect(pi.status).toBe("succeeded");
    await h.control("settle"); // opens due test disputes now
    const created = await h.receiver.waitForType("charge.dispute.created");
    const dispute = created.data.object as Stripe.Dispute;
    expect(dispute).toMatchObject({ charge: pi.latest_charge, status: "lost", reason: "debit_not_authorized", payment_method_details: { type: "us_bank_account" }, evidence_details: { due_by: null } });
    await h.receiver.waitForType("charge.dispute.funds_withdrawn");
    await expect(h.stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: "x" } })).rejects.toMatchObject({ statusCode: 400 });
  });

  it("the control opens an unauthorized return on any settled bank debit", async () => {
    const pi = await paid("pm_usBankAccount_success");
    const opened = (await h.control("disputes", { payment_intent: pi.id })) as unknown as Stripe.Dispute;
    expect(opened).toMatchObject({ status: "lost", reason: "debit_not_authorized", amount: 10_000 });
    expect(opened.charge).toMatch(/^py_/);
  });
});

describe("refund failures", () => {
  it("a refund of 4000000000005126 reports succeeded, then fails: refund.failed and the charge is unrefunded", async () => {
    const pi = await paid("pm_card_refundFail");
    const refund = await h.stripe.refunds.create({ payment_intent: pi.id, amount: 2_500 });
    expect(refund.status).toBe("succeeded");
    expect((await h.stripe.charges.retrieve(pi.latest_charge as string)).amount_refunded).toBe(2_500);
    const settled = await h.control("settle");
    expect(settled.refunds).toEqual([{ id: refund.id, status: "failed" }]);
    const failed = await h.stripe.refunds.retrieve(refund.id);
    expect(failed).toMatchObject({ status: "failed", failure_reason: "expired_or_canceled_card" });
    expect(failed.failure_balance_transaction).toMatch(/^txn_/);
    expect((await h.stripe.charges.retrieve(pi.latest_charge as string)).amount_refunded).toBe(0);
    const event = await h.receiver.waitForType("refund.failed");
    expect(event.data.previous_attributes).toMatchObject({ status: "succeeded" });
  });

  it("an ACH refund to 000444444440 stays pending, then fails", async () => {
    const pi = await paid("pm_usBankAccount_refundFail");
    expect(pi.status).toBe("succeeded");
    const refund = await h.stripe.refunds.create({ payment_intent: pi.id });
    expect(refund.status).toBe("pending");
    await h.control("settle", { refund: refund.id });
    expect(await h.stripe.refunds.retrieve(refund.id)).toMatchObject({ status: "failed", failure_reason: "declined" });
    await h.receiver.waitForType("refund.failed");
    expect(h.receiver.types((e) => e.type.startsWith("refund."))).toEqual(["refund.created", "refund.failed", "refund.updated"]);
  });
});
