/** Webhook signing and delivery, the control endpoints, and state persistence. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";
import { chaosSettings, computeSignature, signatureHeader, startStripeEmulator } from "../index";
import { type Harness, SECRET, sdkFor, startHarness } from "./harness";

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

interface DeliveryRow {
  event: string;
  type: string;
  state: string;
  attempts: number;
  duplicates: number;
  last_status: number | null;
  last_error: string | null;
}

async function deliveries(harness: Harness): Promise<DeliveryRow[]> {
  const res = await fetch(`${harness.emulator.url}/_emulator/deliveries`);
  return ((await res.json()) as { data: DeliveryRow[] }).data;
}

async function until(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("signing", () => {
  it("matches the vector in STRIPE.md", () => {
    expect(computeSignature('{"id":"evt_test","object":"event"}', "whsec_test_secret", 1700000000)).toBe("8042376f6ca064adbe037642a718227dfd59047137eb49497a54c49eb0cfb724");
  });

  it("produces headers the SDK verifies (and agrees with the SDK's own test header)", () => {
    const payload = JSON.stringify({ id: "evt_1", object: "event", type: "customer.created" });
    const now = Math.floor(Date.now() / 1000);
    const header = signatureHeader(payload, SECRET, now);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64},v0=[0-9a-f]{64}$/);
    const stripe = new Stripe("sk_test_x");
    expect(stripe.webhooks.constructEvent(payload, header, SECRET).id).toBe("evt_1");
    expect(() => stripe.webhooks.constructEvent(payload, header, "whsec_other")).toThrow(Stripe.errors.StripeSignatureVerificationError);
    const sdkHeader = stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: now });
    expect(sdkHeader.split(",")[1]).toBe(header.split(",")[1]);
  });
});

describe("delivery", () => {
  it("retries a delivery the endpoint answered 500, without holding up the next event", async () => {
    h = await startHarness();
    h.receiver.failNext = { count: 1, status: 500 };
    const first = await h.stripe.customers.create({ name: "First" });
    const second = await h.stripe.customers.create({ name: "Second" });
    await h.receiver.waitFor((events) => events.length === 2);
    const firstEvent = (await h.stripe.events.list({ type: "customer.created" })).data.find((e) => (e.data.object as Stripe.Customer).id === first.id)!;
    const secondEvent = h.receiver.events.find((e) => (e.data.object as Stripe.Customer).id === second.id)!;
    expect(h.receiver.requests).toEqual([
      { eventId: firstEvent.id, status: 500 },
      { eventId: secondEvent.id, status: 200 },
      { eventId: firstEvent.id, status: 200 },
    ]);
    const rows = await deliveries(h);
    expect(rows.find((d) => d.event === firstEvent.id)).toMatchObject({ type: "customer.created", state: "delivered", attempts: 2, last_status: 200 });
    expect((await h.stripe.events.retrieve(firstEvent.id)).pending_webhooks).toBe(0);
  });

  it("treats a redirect as a failure and gives up after the last retry", async () => {
    h = await startHarness({ webhookRetryDelaysMs: [30, 30] });
    h.receiver.failNext = { count: 10, status: 302 };
    await h.stripe.customers.create();
    await until(async () => (await deliveries(h!))[0]?.state === "failed");
    expect((await deliveries(h))[0]).toMatchObject({ attempts: 3, last_status: 302, state: "failed" });
    expect(h.receiver.events).toHaveLength(0);
  });

  it("retries after a network error", async () => {
    // A port nothing listens on: every attempt fails to connect.
    h = await startHarness({ webhooks: false, webhookUrl: "http://127.0.0.1:9/webhooks", webhookRetryDelaysMs: [20] });
    await h.stripe.customers.create();
    await until(async () => (await deliveries(h!))[0]?.state === "failed");
    const row = (await deliveries(h))[0]!;
    expect(row.attempts).toBe(2);
    expect(row.last_status).toBeNull();
    expect(row.last_error).toBeTruthy();
  });

  it("pause holds deliveries and resume sends the backlog in order", async () => {
    h = await startHarness();
    await h.control("webhooks/pause");
    await h.stripe.customers.create({ name: "A" });
    await h.stripe.customers.create({ name: "B" });
    await new Promise((r) => setTimeout(r, 150));
    expect(h.receiver.events).toHaveLength(0);
    expect((await deliveries(h)).map((d) => d.state)).toEqual(["held", "held"]);
    expect(await h.control("webhooks/resume")).toMatchObject({ resumed: 2 });
    await h.receiver.waitFor((events) => events.length === 2);
    expect(h.receiver.events.map((e) => (e.data.object as Stripe.Customer).name)).toEqual(["A", "B"]);
  });

  it("drop discards what was held: those events never arrive but stay in /v1/events", async () => {
    h = await startHarness();
    await h.control("webhooks/pause");
    const lost = await h.stripe.customers.create({ name: "Lost" });
    expect(await h.control("webhooks/drop")).toMatchObject({ dropped: 1 });
    await h.control("webhooks/resume");
    const kept = await h.stripe.customers.create({ name: "Kept" });
    await h.receiver.waitFor((events) => events.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.receiver.events.map((e) => (e.data.object as Stripe.Customer).id)).toEqual([kept.id]);
    const stored = await h.stripe.events.list({ type: "customer.created" });
    expect(stored.data.map((e) => (e.data.object as Stripe.Customer).id)).toEqual([kept.id, lost.id]);
    expect((await deliveries(h)).map((d) => d.state)).toEqual(["dropped", "delivered"]);
  });

  it("a refused (rolled back) request sends no webhook", async () => {
    h = await startHarness();
    await expect(h.stripe.customers.create({ name: "Refused", expand: ["metadata"] })).rejects.toMatchObject({ statusCode: 400 });
    const kept = await h.stripe.customers.create({ name: "Kept" });
    await h.receiver.waitFor((events) => events.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.receiver.requests).toHaveLength(1);
    expect((h.receiver.events[0]!.data.object as Stripe.Customer).id).toBe(kept.id);
  });

  it("every event reaches a final delivery state when refused writes are rolled back while deliveries are in flight", async () => {
    h = await startHarness();
    h.receiver.answerDelayMs = 15;
    // Deliveries are in flight (the endpoint is slow) while other requests are refused and undone.
    const writes = Array.from({ length: 90 }, (_, i) =>
      i % 3 === 2 ? h!.stripe.customers.create({ name: `Refused ${i}`, expand: ["metadata"] }).then(() => "accepted", () => "refused") : h!.stripe.customers.create({ name: `Kept ${i}` }).then(() => "accepted"),
    );
    const outcomes = await Promise.all(writes);
    expect(outcomes.filter((o) => o === "refused")).toHaveLength(30);
    await h.receiver.waitFor((events) => events.length === 60, 10_000);
    // Let any last attempt finish; nothing may be left pending (nor retried into a double delivery).
    await until(async () => (await deliveries(h!)).every((d) => d.state !== "pending"), 5000).catch(() => undefined);
    const rows = await deliveries(h);
    expect(rows.filter((d) => d.state === "pending")).toEqual([]);
    expect(rows.map((d) => d.state)).toEqual(Array(60).fill("delivered"));
    expect(rows.every((d) => d.attempts === 1)).toBe(true);
    const stored = await h.stripe.events.list({ limit: 100 });
    expect(stored.data.filter((e) => e.pending_webhooks !== 0)).toEqual([]);
  });

  it("without a webhook URL events are only stored", async () => {
    h = await startHarness({ webhooks: false });
    await h.stripe.customers.create();
    const events = await h.stripe.events.list();
    expect(events.data).toHaveLength(1);
    expect(events.data[0]!.pending_webhooks).toBe(0);
    expect(await deliveries(h)).toEqual([]);
  });
});

describe("chaos delivery", () => {
  /** Creates `n` customers one after another and waits until every delivery is final. */
  async function chaoticRun(seed: number, n = 30) {
    const harness = await startHarness({ webhookDelivery: "chaos", webhookChaos: { seed, maxDelayMs: 150, duplicateRate: 0.3, twinRate: 0 } });
    try {
      const created: string[] = [];
      for (let i = 0; i < n; i++) created.push((await harness.stripe.customers.create({ name: `Customer ${i}` })).id);
      await until(async () => (await deliveries(harness)).every((d) => d.state === "delivered"), 5000);
      await new Promise((r) => setTimeout(r, 200)); // late duplicates
      const rows = await deliveries(harness);
      const arrivals = harness.receiver.events.map((e) => created.indexOf((e.data.object as Stripe.Customer).id));
      return { rows, arrivals, chaos: harness.emulator.webhookChaos };
    } finally {
      await harness.stop();
    }
  }

  it("delivers every event, some late, out of order and twice, and the same seed repeats the run", async () => {
    const run = await chaoticRun(7);
    expect(run.chaos).toEqual({ seed: 7, maxDelayMs: 150, duplicateRate: 0.3, twinRate: 0 });
    // Every event arrived; none was left pending.
    expect(new Set(run.arrivals)).toEqual(new Set(Array.from({ length: 30 }, (_, i) => i)));
    expect(run.rows.every((d) => d.state === "delivered" && d.attempts === 1)).toBe(true);
    // Some twice …
    const twice = run.rows.map((d, i) => (d.duplicates > 0 ? i : -1)).filter((i) => i >= 0);
    expect(twice.length).toBeGreaterThan(0);
    expect(run.arrivals).toHaveLength(30 + twice.length);
    for (const i of twice) expect(run.arrivals.filter((a) => a === i)).toHaveLength(2);
    // … and not in creation order.
    const firstArrivals = run.arrivals.filter((a, k) => run.arrivals.indexOf(a) === k);
    expect(firstArrivals).not.toEqual([...firstArrivals].sort((a, b) => a - b));

    // The seed decides which events are doubled (and every delay): the same seed, the same run.
    const again = await chaoticRun(7);
    expect(again.rows.map((d) => d.duplicates)).toEqual(run.rows.map((d) => d.duplicates));
    const other = await chaoticRun(8);
    expect(other.rows.map((d) => d.duplicates)).not.toEqual(run.rows.map((d) => d.duplicates));
  });

  it("still retries a failed attempt, and a refused request's events never leave", async () => {
    h = await startHarness({ webhookDelivery: "chaos", webhookChaos: { seed: 3, maxDelayMs: 50, duplicateRate: 0, twinRate: 0 } });
    h.receiver.failNext = { count: 1, status: 500 };
    await expect(h.stripe.customers.create({ name: "Refused", expand: ["metadata"] })).rejects.toMatchObject({ statusCode: 400 });
    const kept = await h.stripe.customers.create({ name: "Kept" });
    await until(async () => (await deliveries(h!)).every((d) => d.state === "delivered"));
    expect(h.receiver.requests.map((r) => r.status)).toEqual([500, 200]);
    expect(h.receiver.events.map((e) => (e.data.object as Stripe.Customer).id)).toEqual([kept.id]);
    expect((await deliveries(h)).map((d) => d.attempts)).toEqual([2]);
  });

  it("twins some changes: a second event with its own id for the same change, as Stripe sometimes creates", async () => {
    h = await startHarness({ webhookDelivery: "chaos", webhookChaos: { seed: 11, maxDelayMs: 20, duplicateRate: 0, twinRate: 1 } });
    const customer = await h.stripe.customers.create({ name: "Twinned" });
    const stored = (await h.stripe.events.list()).data;
    expect(stored).toHaveLength(2);
    expect(new Set(stored.map((e) => e.id)).size).toBe(2);
    for (const e of stored) expect(e).toMatchObject({ type: "customer.created", data: { object: { id: customer.id } } });
    await h.receiver.waitFor((events) => events.length === 2);
    expect(new Set(h.receiver.events.map((e) => e.id))).toEqual(new Set(stored.map((e) => e.id)));
  });

  it("is chosen by STRIPE_EMULATOR_WEBHOOKS unless the option says otherwise, and refuses unknown modes", () => {
    expect(chaosSettings({}, { STRIPE_EMULATOR_WEBHOOKS: "chaos", STRIPE_EMULATOR_WEBHOOK_SEED: "42" })).toEqual({ seed: 42, maxDelayMs: 400, duplicateRate: 0.3, twinRate: 0.1 });
    expect(chaosSettings({ webhookDelivery: "ordered" }, { STRIPE_EMULATOR_WEBHOOKS: "chaos" })).toBeUndefined();
    expect(chaosSettings({}, {})).toBeUndefined();
    expect(() => chaosSettings({}, { STRIPE_EMULATOR_WEBHOOKS: "shuffle" })).toThrow(/ordered.*chaos/);
  });
});

describe("control endpoints and state", () => {
  it("health, reset, and event filters", async () => {
    h = await startHarness({ webhooks: false });
    const health = await fetch(`${h.emulator.url}/_emulator/health`);
    expect(await health.text()).toBe("ok");
    const customer = await h.stripe.customers.create();
    await h.stripe.customers.update(customer.id, { name: "Renamed" });
    expect((await h.stripe.events.list({ type: "customer.*" })).data.map((e) => e.type)).toEqual(["customer.updated", "customer.created"]);
    const created = (await h.stripe.events.list({ type: "customer.created" })).data[0]!.created;
    expect((await h.stripe.events.list({ created: { gte: created } })).data).toHaveLength(2);
    expect((await h.stripe.events.list({ created: { lt: created } })).data).toHaveLength(0);
    await h.control("reset");
    await expect(h.stripe.customers.retrieve(customer.id)).rejects.toMatchObject({ statusCode: 404 });
    expect((await h.stripe.events.list()).data).toHaveLength(0);
  });

  it("keeps state across restarts in the state file", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "stripe-emulator-"));
    const stateFile = path.join(dir, "state.json");
    try {
      const first = await startStripeEmulator({ port: 0, webhookSecret: SECRET, stateFile });
      const customer = await sdkFor(first.port).customers.create({ email: "kept@example.com" }, { idempotencyKey: "persisted-key" });
      await first.stop();
      const second = await startStripeEmulator({ port: 0, webhookSecret: SECRET, stateFile });
      try {
        const stripe = sdkFor(second.port);
        expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({ email: "kept@example.com" });
        const replay = await stripe.customers.create({ email: "kept@example.com" }, { idempotencyKey: "persisted-key" });
        expect(replay.id).toBe(customer.id);
        expect((await stripe.events.list()).data).toHaveLength(1);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
