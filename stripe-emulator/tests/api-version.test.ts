import Stripe from "stripe";
import { afterAll, beforeAll, expect, it } from "vitest";
import { API_VERSION } from "../context";
import { type Harness, startHarness } from "./harness";

// The emulator renders objects and events at one API version: it must be the one the installed
// SDK pins, or an SDK upgrade would quietly have the portal read shapes of another version.

it("emulates the API version the installed stripe SDK pins", () => {
  expect(API_VERSION).toBe(Stripe.API_VERSION);
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ webhooks: false });
});
afterAll(() => h.stop());

it("stamps events with the SDK's version", async () => {
  const customer = await h.stripe.customers.create({ email: "version@example.com" });
  const [event] = (await h.stripe.events.list({ type: "customer.created" })).data;
  expect(event?.data.object).toMatchObject({ id: customer.id });
  expect(event?.api_version).toBe(Stripe.API_VERSION);
});
