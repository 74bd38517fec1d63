/** Every object carries the fields of Stripe's own example objects (../fixtures/stripe-fixtures.json). */
import { readFileSync } from "node:fs";
import type Stripe from "stripe";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bankForm, cardForm, type Harness, paymentSession, startHarness, submit } from "./harness";

const fixtures = (JSON.parse(readFileSync(new URL("../fixtures/stripe-fixtures.json", import.meta.url), "utf8")) as { resources: Record<string, Record<string, unknown>> }).resources;

/** Fields Stripe only includes when expanded (the fixtures list every possible field). */
const INCLUDABLE: Record<string, string[]> = { charge: ["refunds"] };

let h: Harness;
const objects: Record<string, object> = {};

beforeAll(async () => {
  h = await startHarness({ webhooks: false });
  const customer = await h.stripe.customers.create({ email: "shape@example.com" });
  const session = await paymentSession(h.stripe, { customer: customer.id });
  await submit(session.url!, cardForm("4000000000000259"));
  const done = await h.stripe.checkout.sessions.retrieve(session.id);
  const pi = await h.stripe.paymentIntents.retrieve(done.payment_intent as string);
  const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
  // Refund another payment: 0259's dispute may land before a refund of its own charge would.
  const refundable = await paymentSession(h.stripe, { customer: customer.id });
  await submit(refundable.url!, cardForm("4242424242424242"));
  const refundablePi = (await h.stripe.checkout.sessions.retrieve(refundable.id)).payment_intent as string;
  const refund = await h.stripe.refunds.create({ payment_intent: refundablePi, amount: 100 });
  const setup = await h.stripe.checkout.sessions.create({ mode: "setup", currency: "usd", customer: customer.id, success_url: "http://portal.test/ok" });
  await submit(setup.url!, bankForm("000123456789"));
  const si = await h.stripe.setupIntents.retrieve((await h.stripe.checkout.sessions.retrieve(setup.id)).setup_intent as string);
  await h.control("settle");
  const disputes = await h.stripe.disputes.list({ charge: charge.id });
  Object.assign(objects, {
    customer: await h.stripe.customers.retrieve(customer.id),
    "checkout.session": done,
    payment_intent: pi,
    payment_method: await h.stripe.paymentMethods.retrieve(pi.payment_method as string),
    charge,
    refund,
    setup_intent: si,
    mandate: await h.stripe.mandates.retrieve(si.mandate as string),
    event: (await h.stripe.events.list({ limit: 1 })).data[0]!,
    dispute: disputes.data[0]!,
  });
});
afterAll(() => h.stop());

it.each(Object.keys(fixtures))("%s has every field of Stripe's fixture", (name) => {
  const object = objects[name] as Record<string, unknown> | undefined;
  expect(object, `no emulator object for ${name}`).toBeDefined();
  const missing = Object.keys(fixtures[name]!).filter((key) => !(key in object!) && !(INCLUDABLE[name] ?? []).includes(key));
  expect(missing).toEqual([]);
  expect(object!.object).toBe(fixtures[name]!.object);
  if ("livemode" in fixtures[name]!) expect(object!.livemode).toBe(false);
});

it("uses Stripe's id prefixes", () => {
  const ids = Object.fromEntries(Object.entries(objects).map(([k, v]) => [k, (v as { id: string }).id]));
  expect(ids).toMatchObject({
    customer: expect.stringMatching(/^cus_/),
    "checkout.session": expect.stringMatching(/^cs_test_/),
    payment_intent: expect.stringMatching(/^pi_/),
    payment_method: expect.stringMatching(/^pm_/),
    charge: expect.stringMatching(/^ch_/),
    refund: expect.stringMatching(/^re_/),
    setup_intent: expect.stringMatching(/^seti_/),
    mandate: expect.stringMatching(/^mandate_/),
    event: expect.stringMatching(/^evt_/),
    dispute: expect.stringMatching(/^dp_/),
  });
  expect((objects.dispute as Stripe.Dispute).charge).toBe((objects.charge as Stripe.Charge).id);
});
