import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq, inArray, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "#db/schema/audit";
import { webhookDeliveries, webhookEndpoints } from "#db/schema/integrations";
import { db } from "~/db.server";
import { env, privateWebhookUrlsAllowed } from "~/env.server";
import { recordEvent, type EventType } from "~/modules/events/record-event.server";
import type { StaffActor } from "~/modules/auth/actor";
import { isProblem, type Problem } from "~/utils/problem";
import { drainJobs, testData } from "../../../test/helpers";
import { createEndpoint } from "./create-endpoint.server";
import { deleteEndpoint } from "./delete-endpoint.server";
import { deliverWebhook, MAX_IN_FLIGHT } from "./deliver.server";
import { deliverDueWebhooks, deliverWebhooksJob } from "./deliver-due.server";
import { fanOutEvents } from "./fan-out.server";
import { getEndpointWithDeliveries } from "./get-endpoint.server";
import { listEndpoints } from "./list-endpoints.server";
import { replayDelivery } from "./replay-delivery.server";
import { replaySince } from "./replay-since.server";
import { maxAttempts, retryDelaysMs } from "./retry-policy";
import { rotateSecret } from "./rotate-secret.server";
import { sendTestEvent } from "./send-test-event.server";
import { setEndpointEnabled } from "./set-endpoint-enabled.server";
import { CONNECTION_FAILED, postWebhook, REFUSED_PLAIN_HTTP, REFUSED_PRIVATE_ADDRESS } from "./post-webhook.server";
import { DELIVER_JOB_KEY, wakeUpKey } from "./schedule-delivery.server";
import { signPayload } from "./signing.server";
import { updateEndpoint } from "./update-endpoint.server";

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A back-office stand-in: answers with `respond`, and processes each webhook-id once. */
class Receiver {
  server: Server;
  port = 0;
  received: Received[] = [];
  processed = new Map<string, unknown>();
  respond: (req: Received) => { status: number; headers?: Record<string, string> } = () => ({ status: 200 });
  secret: string | null = null;

  constructor() {
    this.server = this.make();
  }

  private make() {
    return createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const r: Received = { headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body: Buffer.concat(chunks).toString("utf8") };
        this.received.push(r);
        if (this.secret) {
          const payload = new Webhook(this.secret).verify(r.body, r.headers);
          const id = r.headers["webhook-id"]!;
          if (!this.processed.has(id)) this.processed.set(id, payload);
        }
        const out = this.respond(r);
        res.writeHead(out.status, out.headers ?? {}).end("ok");
      });
    });
  }

  async start(port = 0) {
    this.server = this.make();
    await new Promise<void>((resolve) => this.server.listen(port, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get url() {
    return `http://127.0.0.1:${this.port}/hooks`;
  }
}

let staff: StaffActor;
let agent: StaffActor;
const receivers: Receiver[] = [];

async function receiver() {
  const r = await new Receiver().start();
  receivers.push(r);
  return r;
}

/** Data, or the test fails with the Problem's message. */
function ok<T>(value: T | Problem): T {
  if (isProblem(value)) throw new Error(`${value.kind}: ${value.message}`);
  return value;
}

async function endpointFor(r: Receiver, eventTypes: string[] = []) {
  const created = ok(await createEndpoint(staff, { url: r.url, description: "Back office", eventTypes }));
  r.secret = created.secret;
  return created;
}

async function emit(type: EventType, subjectId: string) {
  await db.transaction(async (tx) => {
    await recordEvent(tx, { type, accountId: "acct_test", subjectType: type.split(".")[0]!, subjectId, data: { amount: 1234 } });
  });
}

/** Moves time: every pending delivery and queued job becomes due now. */
async function makeDue() {
  await db.execute(sql`update webhook_deliveries set next_attempt_at = now() where status = 'pending'`);
  await db.execute(sql`update graphile_worker._private_jobs set run_at = now() where locked_at is null`);
}

/** The queued batch-deliverer jobs (and any legacy per-delivery ones). */
async function deliverJobs() {
  const rows = await db.execute<{ identifier: string; key: string | null; run_at: string; locked_at: string | null }>(sql`
    select t.identifier, j.key, j.run_at, j.locked_at
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier in ('deliver_webhooks', 'deliver_webhook')`);
  return [...rows];
}

/** `n` events in one statement, as a bulk writer would append them. */
async function emitMany(n: number, type: EventType = "invoice.upserted") {
  const prefix = `ev_bulk_${Math.random().toString(36).slice(2, 10)}_`;
  await db.execute(sql`
    insert into events (id, type, account_id, subject_type, subject_id, data)
    select ${prefix} || g, ${type}, 'acct_test', 'invoice', 'inv_bulk_' || g, jsonb_build_object('n', g) from generate_series(1, ${n}::int) g`);
}

async function deliveriesOf(endpointId: string) {
  return db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId)).orderBy(webhookDeliveries.createdAt, webhookDeliveries.id);
}

beforeAll(async () => {
  const data = await testData();
  const [admin, arAgent] = await Promise.all([data.staff("ar_admin"), data.staff("ar_agent")]);
  staff = { kind: "staff", userId: admin.id, role: "ar_admin", ip: "203.0.113.9" };
  agent = { kind: "staff", userId: arAgent.id, role: "ar_agent", ip: "203.0.113.10" };
});

afterEach(async () => {
  // Keep tests apart: endpoints of a finished test receive nothing more.
  await db.update(webhookEndpoints).set({ enabled: false });
  await drainJobs();
  for (const r of receivers.splice(0)) await r.stop().catch(() => {});
});

describe("signing", () => {
  it("matches the Standard Webhooks test vector", () => {
    expect(signPayload("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", new Date(1614265330 * 1000), '{"test": 2432232314}')).toBe(
      "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    );
  });
});

describe("endpoints", () => {
  it("validates the URL and event types, returns the secret once, and audits", async () => {
    const bad = await createEndpoint(staff, { url: "ftp://example.com/x", eventTypes: ["nope.nope"] });
    expect(bad).toMatchObject({ kind: "invalid", fields: { url: expect.stringMatching(/https/), eventTypes: expect.stringMatching(/nope\.nope/) } });
    expect(await createEndpoint(staff, { url: "not a url" })).toMatchObject({ kind: "invalid", fields: { url: "Enter a full URL, like https://backoffice.example/webhooks." } });
    const created = ok(await createEndpoint(staff, { url: "https://backoffice.example/hooks", eventTypes: ["invoice.paid"] }));
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(created.secret.slice(6), "base64")).toHaveLength(32);
    const listed = ok(await listEndpoints(staff)).find((e) => e.id === created.endpointId)!;
    expect(listed).toMatchObject({ url: "https://backoffice.example/hooks", eventTypes: ["invoice.paid"], enabled: true });
    expect(JSON.stringify(listed)).not.toContain(created.secret.slice(6));
    const detail = ok(await getEndpointWithDeliveries(staff, created.endpointId));
    expect(JSON.stringify(detail)).not.toContain(created.secret.slice(6));
    // A description that would read differently than it is stored (bidi override) is refused.
    const bidi = await updateEndpoint(staff, { endpointId: created.endpointId, url: "https://backoffice.example/v2", description: "Back office \u202Eevil", eventTypes: [] });
    expect(bidi).toMatchObject({ kind: "invalid", fields: { description: expect.stringMatching(/control characters/) } });
    expect(await updateEndpoint(staff, { endpointId: created.endpointId, url: "https://backoffice.example/v2", description: "v2", eventTypes: [] })).toEqual({ endpointId: created.endpointId });
    const audits = await db.select().from(auditLog).where(eq(auditLog.subjectId, created.endpointId));
    expect(audits.map((a) => a.action).sort()).toEqual(["webhook_endpoint.created", "webhook_endpoint.updated"]);
    expect(JSON.stringify(audits)).not.toContain(created.secret.slice(6));
  });
});

describe("delivery", () => {
  it("delivers events as signed webhooks the official library verifies", async () => {
    const r = await receiver();
    const ep = await endpointFor(r);
    await emit("invoice.paid", "inv_1");
    await emit("payment.succeeded", "pay_1");
    expect((await fanOutEvents()).created).toBe(2);
    expect((await fanOutEvents()).created).toBe(0);
    await drainJobs();
    expect(r.received).toHaveLength(2);
    // Deliveries go out side by side, in no guaranteed order (the contract): find the invoice's.
    const verified = r.received.map((w) => ({ w, payload: new Webhook(ep.secret).verify(w.body, w.headers) as { id: string; type: string; timestamp: string; data: Record<string, unknown> } }));
    expect(verified.map((v) => v.payload.type).sort()).toEqual(["invoice.paid", "payment.succeeded"]);
    const { w: first, payload } = verified.find((v) => v.payload.type === "invoice.paid")!;
    expect(payload).toMatchObject({ type: "invoice.paid", data: { amount: 1234, accountId: "acct_test", subjectType: "invoice", subjectId: "inv_1" } });
    expect(payload.id).toMatch(/^ev_/);
    expect(first!.headers["webhook-id"]).toBe(payload.id);
    expect(first!.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(first!.headers["content-type"]).toBe("application/json");
    const rows = await deliveriesOf(ep.endpointId);
    expect(rows.map((d) => d.status)).toEqual(["succeeded", "succeeded"]);
    expect(rows[0]!.attempts).toHaveLength(1);
    expect(rows[0]!.attempts[0]).toMatchObject({ statusCode: 200, error: null });
    expect(rows[0]!.attempts[0]!.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("retries through 500s and a receiver that is down, and the consumer processes each event once", async () => {
    const r = await receiver();
    const ep = await endpointFor(r);
    const port = r.port;
    // Processes the event but answers 500: the retry carries the same webhook-id.
    r.respond = () => ({ status: 500 });
    for (const n of [1, 2, 3]) await emit("payment.created", `pay_down_${n}`);
    await fanOutEvents();
    await drainJobs();
    let rows = await deliveriesOf(ep.endpointId);
    expect(rows.map((d) => [d.status, d.attemptCount, d.lastStatusCode])).toEqual(Array(3).fill(["pending", 1, 500]));
    // Second attempt after 5 s.
    for (const d of rows) expect(d.nextAttemptAt!.getTime() - Date.parse(d.attempts[0]!.at)).toBe(retryDelaysMs[0]);

    await r.stop();
    await makeDue();
    await drainJobs();
    rows = await deliveriesOf(ep.endpointId);
    for (const d of rows) {
      expect(d).toMatchObject({ status: "pending", attemptCount: 2, lastStatusCode: null });
      expect(d.lastError).toBe(CONNECTION_FAILED);
      expect(d.nextAttemptAt!.getTime() - Date.parse(d.attempts[1]!.at)).toBe(retryDelaysMs[1]);
    }

    await r.start(port);
    r.respond = () => ({ status: 204 });
    await makeDue();
    await drainJobs();
    rows = await deliveriesOf(ep.endpointId);
    expect(rows.map((d) => [d.status, d.attemptCount])).toEqual(Array(3).fill(["succeeded", 3]));
    expect(r.received.length).toBe(6);
    expect(r.processed.size).toBe(3);
    expect(new Set(r.received.map((x) => x.headers["webhook-id"])).size).toBe(3);
  });

  it("deletes an endpoint: an agent is refused; it leaves the list, gets nothing more, cannot be re-enabled, and its delivery log is kept", async () => {
    const r = await receiver();
    const ep = await endpointFor(r);
    r.respond = () => ({ status: 500 });
    await emit("invoice.paid", "inv_del_1");
    await emit("invoice.paid", "inv_del_2");
    await fanOutEvents();
    await drainJobs();
    expect((await deliveriesOf(ep.endpointId)).map((d) => d.status)).toEqual(["pending", "pending"]);

    expect(await deleteEndpoint(agent, { endpointId: ep.endpointId })).toMatchObject({ kind: "forbidden" });
    expect(ok(await listEndpoints(staff)).map((e) => e.id)).toContain(ep.endpointId);
    // The readers are for staff: a payer learns nothing, not even that endpoints exist.
    const payer = { kind: "payer" as const, userId: agent.userId, ip: null };
    expect(await listEndpoints(payer)).toMatchObject({ kind: "not_found" });
    expect(await getEndpointWithDeliveries(payer, ep.endpointId)).toMatchObject({ kind: "not_found" });

    expect(await deleteEndpoint(staff, { endpointId: ep.endpointId })).toEqual({ endpointId: ep.endpointId });
    expect(await deleteEndpoint(staff, { endpointId: ep.endpointId })).toMatchObject({ kind: "not_found" });
    expect(ok(await listEndpoints(staff)).map((e) => e.id)).not.toContain(ep.endpointId);
    expect(await getEndpointWithDeliveries(staff, ep.endpointId)).toMatchObject({ kind: "not_found" });
    expect(await setEndpointEnabled(staff, { endpointId: ep.endpointId, enabled: true })).toMatchObject({ kind: "not_found" });

    // Its history stays (the waiting retries are skipped, not sent); new events never reach it.
    r.respond = () => ({ status: 200 });
    const before = r.received.length;
    await emit("invoice.paid", "inv_del_3");
    await fanOutEvents();
    await makeDue();
    await drainJobs();
    const rows = await deliveriesOf(ep.endpointId);
    expect(rows.map((d) => [d.status, d.attemptCount])).toEqual([
      ["skipped", 1],
      ["skipped", 1],
    ]);
    expect(rows[0]!.attempts[0]).toMatchObject({ statusCode: 500 });
    expect(r.received.length).toBe(before);
    const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, ep.endpointId));
    expect(row).toMatchObject({ enabled: false });
    expect(row!.deletedAt).toBeInstanceOf(Date);
    const audits = await db.select().from(auditLog).where(eq(auditLog.subjectId, ep.endpointId));
    expect(audits.map((a) => a.action)).toContain("webhook_endpoint.deleted");
  });

  it("disables the endpoint on 410", async () => {
    const r = await receiver();
    const ep = await endpointFor(r);
    r.respond = () => ({ status: 410 });
    await emit("dispute.opened", "dsp_gone");
    await fanOutEvents();
    await drainJobs();
    const [row] = await deliveriesOf(ep.endpointId);
    expect(row).toMatchObject({ status: "failed", lastStatusCode: 410, attemptCount: 1 });
    const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, ep.endpointId));
    expect(endpoint).toMatchObject({ enabled: false });
    expect(endpoint!.disabledReason).toMatch(/410/);
    await emit("dispute.opened", "dsp_after");
    await fanOutEvents();
    expect(await deliveriesOf(ep.endpointId)).toHaveLength(1);
  });

  it("honours Retry-After on 429", async () => {
    const r = await receiver();
    const ep = await endpointFor(r);
    r.respond = () => ({ status: 429, headers: { "Retry-After": "3600" } });
    await emit("payment.failed", "pay_slow");
    await fanOutEvents();
    await drainJobs();
    const [row] = await deliveriesOf(ep.endpointId);
    expect(row).toMatchObject({ status: "pending", lastStatusCode: 429, attemptCount: 1 });
    expect(row!.nextAttemptAt!.getTime() - Date.parse(row!.attempts[0]!.at)).toBe(3600_000);
    // A wake-up job for the batch deliverer is queued for the retry's second (rounded up).
    const [wakeUp] = (await deliverJobs()).filter((j) => j.key === wakeUpKey(row!.nextAttemptAt!));
    expect(wakeUp).toBeDefined();
    const late = new Date(wakeUp!.run_at).getTime() - row!.nextAttemptAt!.getTime();
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(1000);
    // Not due yet: a direct call does nothing.
    expect((await deliverWebhook(row!.id)).outcome).toBe("not_due");
    // 502 with a short Retry-After keeps the longer backoff.
    r.respond = () => ({ status: 502, headers: { "Retry-After": "1" } });
    await makeDue();
    await drainJobs();
    const [again] = await deliveriesOf(ep.endpointId);
    expect(again!.nextAttemptAt!.getTime() - Date.parse(again!.attempts[1]!.at)).toBe(retryDelaysMs[1]);
  });

  it("delivers only the subscribed event types", async () => {
    const r = await receiver();
    const ep = await endpointFor(r, ["invoice.paid"]);
    await emit("payment.created", "pay_filtered");
    await emit("invoice.paid", "inv_filtered");
    await fanOutEvents();
    await drainJobs();
    expect(r.received.map((x) => (JSON.parse(x.body) as { type: string }).type)).toEqual(["invoice.paid"]);
    expect(await deliveriesOf(ep.endpointId)).toHaveLength(1);
  });

  it("signs with both secrets during a rotation, and both verify", async () => {
    const r = await receiver();
    const ep = await endpointFor(r);
    const rotated = ok(await rotateSecret(staff, { endpointId: ep.endpointId }));
    expect(rotated.secret).not.toBe(ep.secret);
    r.secret = rotated.secret;
    await emit("credit_memo.created", "cm_rot");
    await fanOutEvents();
    await drainJobs();
    const got = r.received[0]!;
    expect(got.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(() => new Webhook(ep.secret).verify(got.body, got.headers)).not.toThrow();
    expect(() => new Webhook(rotated.secret).verify(got.body, got.headers)).not.toThrow();
    // After the 24 h overlap only the new secret signs.
    expect(rotated.previousExpiresAt.getTime() - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    await db.update(webhookEndpoints).set({ previousSecretExpiresAt: new Date(Date.now() - 1000) }).where(eq(webhookEndpoints.id, ep.endpointId));
    await emit("credit_memo.created", "cm_rot2");
    await fanOutEvents();
    await drainJobs();
    const later = r.received[1]!;
    expect(later.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(() => new Webhook(ep.secret).verify(later.body, later.headers)).toThrow();
    expect(() => new Webhook(rotated.secret).verify(later.body, later.headers)).not.toThrow();
  });

  it("exhausts after the last attempt, keeps it listed, and a replay delivers it", async () => {
    const r = await receiver();
    const ep = await endpointFor(r);
    r.respond = () => ({ status: 503 });
    await emit("payment.refunded", "pay_exhaust");
    await fanOutEvents();
    for (let i = 0; i < maxAttempts; i++) {
      await makeDue();
      await drainJobs();
    }
    const [row] = await deliveriesOf(ep.endpointId);
    expect(row).toMatchObject({ status: "exhausted", attemptCount: 10, nextAttemptAt: null, lastStatusCode: 503 });
    expect(row!.attempts).toHaveLength(10);
    const page = ok(await getEndpointWithDeliveries(staff, ep.endpointId));
    expect(page.deliveries.map((d) => d.status)).toEqual(["exhausted"]);

    r.respond = () => ({ status: 200 });
    expect(await replayDelivery(staff, { endpointId: ep.endpointId, deliveryId: row!.id })).toEqual({ deliveryId: row!.id });
    await drainJobs();
    const [replayed] = await deliveriesOf(ep.endpointId);
    expect(replayed).toMatchObject({ status: "succeeded", attemptCount: 1 });
    expect(replayed!.attempts).toHaveLength(11);
    expect(r.received.at(-1)!.headers["webhook-id"]).toBe(row!.eventId);
  });

  it("replays every delivery since a time", async () => {
    const r = await receiver();
    const ep = await endpointFor(r);
    await emit("invoice.reopened", "inv_old");
    await fanOutEvents();
    await drainJobs();
    await db.update(webhookDeliveries).set({ createdAt: new Date(Date.now() - 3 * 3600_000) }).where(eq(webhookDeliveries.endpointId, ep.endpointId));
    const since = new Date(Date.now() - 3600_000);
    await emit("invoice.reopened", "inv_new_1");
    await emit("invoice.reopened", "inv_new_2");
    await fanOutEvents();
    await drainJobs();
    expect(r.received).toHaveLength(3);
    const result = await replaySince(staff, { endpointId: ep.endpointId, since });
    expect(result).toEqual({ count: 2, truncated: false });
    await drainJobs();
    expect(r.received).toHaveLength(5);
    expect(r.received.slice(3).map((x) => (JSON.parse(x.body) as { data: { subjectId: string } }).data.subjectId).sort()).toEqual(["inv_new_1", "inv_new_2"]);
    expect(r.processed.size).toBe(3);
    expect(await replaySince(staff, { endpointId: ep.endpointId, since: new Date(Date.now() + 60_000) })).toMatchObject({ kind: "invalid", fields: { since: "Choose a time in the past." } });
  });

  it("sends a test event to that endpoint only", async () => {
    const r = await receiver();
    const other = await receiver();
    const ep = await endpointFor(r);
    const otherEp = await endpointFor(other);
    ok(await sendTestEvent(staff, { endpointId: ep.endpointId }));
    await fanOutEvents();
    await drainJobs();
    expect(r.received).toHaveLength(1);
    expect(JSON.parse(r.received[0]!.body)).toMatchObject({ type: "webhook.test", data: { subjectType: "webhook_endpoint", subjectId: ep.endpointId } });
    expect(other.received).toHaveLength(0);
    expect(await deliveriesOf(otherEp.endpointId)).toHaveLength(0);
  });

  it("skips pending deliveries of a disabled endpoint and re-enabling resumes the fan-out", async () => {
    const r = await receiver();
    const ep = await endpointFor(r);
    r.respond = () => ({ status: 500 });
    await emit("dispute.resolved", "dsp_skip");
    await fanOutEvents();
    await drainJobs();
    await setEndpointEnabled(staff, { endpointId: ep.endpointId, enabled: false });
    await emit("dispute.resolved", "dsp_while_off");
    await makeDue();
    await drainJobs();
    expect((await deliveriesOf(ep.endpointId)).map((d) => d.status)).toEqual(["skipped"]);
    r.respond = () => ({ status: 200 });
    await setEndpointEnabled(staff, { endpointId: ep.endpointId, enabled: true });
    await drainJobs();
    expect((await deliveriesOf(ep.endpointId)).map((d) => d.status).sort()).toEqual(["skipped", "succeeded"]);
  });
});

describe("batch delivery", () => {
  it("delivers a burst of 300 events from one queued job, recording every attempt and retrying the failures", async () => {
    const r = await receiver();
    const ep = await endpointFor(r);
    const firstTry = new Set<string>();
    // Every 10th event fails its first attempt: one batch records mixed outcomes.
    r.respond = (req) => {
      const n = (JSON.parse(req.body) as { data: { n: number } }).data.n;
      const id = req.headers["webhook-id"]!;
      if (n % 10 === 0 && !firstTry.has(id)) {
        firstTry.add(id);
        return { status: 500 };
      }
      return { status: 204 };
    };
    await emitMany(300);
    expect((await fanOutEvents()).created).toBe(300);
    // One nudge for the whole burst, not a job per delivery.
    const queued = (await deliverJobs()).filter((j) => !j.key?.startsWith(`${DELIVER_JOB_KEY}@`));
    expect(queued.map((j) => [j.identifier, j.key])).toEqual([["deliver_webhooks", DELIVER_JOB_KEY]]);
    await drainJobs();

    let rows = await deliveriesOf(ep.endpointId);
    expect(rows).toHaveLength(300);
    expect(r.received).toHaveLength(300);
    expect(r.processed.size).toBe(300);
    const failed = rows.filter((d) => d.status === "pending");
    expect(failed).toHaveLength(30);
    for (const d of failed) {
      expect(d).toMatchObject({ attemptCount: 1, lastStatusCode: 500, lastError: "HTTP 500" });
      expect(d.attempts).toHaveLength(1);
      expect(d.nextAttemptAt!.getTime() - Date.parse(d.attempts[0]!.at)).toBe(retryDelaysMs[0]);
    }
    for (const d of rows.filter((x) => x.status !== "pending")) {
      expect(d).toMatchObject({ status: "succeeded", attemptCount: 1, lastStatusCode: 204, lastError: null, nextAttemptAt: null });
      expect(d.attempts).toEqual([expect.objectContaining({ statusCode: 204, error: null })]);
      expect(d.succeededAt).not.toBeNull();
    }

    await makeDue();
    await drainJobs();
    rows = await deliveriesOf(ep.endpointId);
    expect(rows.every((d) => d.status === "succeeded")).toBe(true);
    expect(rows.filter((d) => d.attemptCount === 2).map((d) => d.attempts.map((a) => a.statusCode))).toEqual(Array(30).fill([500, 204]));
    expect(r.received).toHaveLength(330);
    expect(r.processed.size).toBe(300);
  });

  it("runs side by side without sending any delivery twice", async () => {
    const r = await receiver();
    const ep = await endpointFor(r);
    await emitMany(300);
    await fanOutEvents();
    const runs = await Promise.all([deliverDueWebhooks({ batchSize: 40 }), deliverDueWebhooks({ batchSize: 40 }), deliverDueWebhooks({ batchSize: 40, lanes: 1 })]);
    expect(runs.reduce((n, x) => n + x.claimed, 0)).toBe(300);
    expect(r.received).toHaveLength(300);
    expect(new Set(r.received.map((x) => x.headers["webhook-id"])).size).toBe(300);
    const rows = await deliveriesOf(ep.endpointId);
    expect(rows.every((d) => d.status === "succeeded" && d.attempts.length === 1)).toBe(true);
    await drainJobs();
    expect(r.received).toHaveLength(300);
  });

  it("runs one job per process: a job arriving during a run makes that run go round again", async () => {
    const r = await receiver();
    const ep = await endpointFor(r);
    await emitMany(50);
    await fanOutEvents();
    const first = deliverWebhooksJob();
    await deliverWebhooksJob(); // returns at once: the first run takes this round too
    expect(r.received.length).toBeLessThan(50);
    await emitMany(30);
    await fanOutEvents();
    await deliverWebhooksJob();
    await first;
    expect(r.received).toHaveLength(80);
    expect((await deliveriesOf(ep.endpointId)).every((d) => d.status === "succeeded")).toBe(true);
  });

  it("stops sending to an endpoint as soon as it answers 410 and skips the rest of the batch", async () => {
    const r = await receiver();
    const ep = await endpointFor(r);
    r.respond = () => ({ status: 410 });
    await emitMany(150);
    await fanOutEvents();
    await deliverDueWebhooks({ lanes: 1 });
    const rows = await deliveriesOf(ep.endpointId);
    const failed = rows.filter((d) => d.status === "failed");
    const skipped = rows.filter((d) => d.status === "skipped");
    // Only the requests already in flight when the first 410 came back were sent.
    expect(r.received.length).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    expect(failed).toHaveLength(r.received.length);
    expect(skipped).toHaveLength(150 - r.received.length);
    for (const d of skipped) expect(d).toMatchObject({ attemptCount: 0, attempts: [], lastError: "Endpoint disabled" });
    const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, ep.endpointId));
    expect(endpoint).toMatchObject({ enabled: false });
  });

  it("queues a wake-up for the earliest future retry, and continues in a new job when out of time", async () => {
    const r = await receiver();
    const ep = await endpointFor(r);
    await emit("invoice.voided", "inv_later");
    await fanOutEvents();
    const later = new Date(Date.now() + 2 * 3600_000 + 300);
    await db.update(webhookDeliveries).set({ nextAttemptAt: later }).where(eq(webhookDeliveries.endpointId, ep.endpointId));
    await db.execute(sql`delete from graphile_worker._private_jobs where task_id in (select id from graphile_worker._private_tasks where identifier = 'deliver_webhooks') and locked_at is null`);

    expect(await deliverDueWebhooks()).toEqual({ claimed: 0, continued: false });
    const jobs = await deliverJobs();
    expect(jobs.map((j) => j.key)).toEqual([wakeUpKey(later)]);
    expect(new Date(jobs[0]!.run_at).getTime()).toBe(Math.ceil(later.getTime() / 1000) * 1000);
    expect(r.received).toHaveLength(0);

    // Out of time before the first claim: nothing is sent, and a run is queued to carry on now.
    await db.update(webhookDeliveries).set({ nextAttemptAt: new Date() }).where(eq(webhookDeliveries.endpointId, ep.endpointId));
    expect(await deliverDueWebhooks({ budgetMs: 0 })).toEqual({ claimed: 0, continued: true });
    expect((await deliverJobs()).some((j) => j.key === DELIVER_JOB_KEY && new Date(j.run_at).getTime() <= Date.now())).toBe(true);
    await drainJobs();
    expect(r.received).toHaveLength(1);
    expect((await deliveriesOf(ep.endpointId))[0]).toMatchObject({ status: "succeeded", attemptCount: 1 });
  });

  it("delivers one given delivery now through the same path, and not while another run holds it", async () => {
    const r = await receiver();
    const ep = await endpointFor(r);
    await emit("invoice.voided", "inv_one");
    await fanOutEvents();
    const [row] = await deliveriesOf(ep.endpointId);
    // Another transaction holds the row (as a run in progress would).
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked: () => void = () => {};
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = db.transaction(async (tx) => {
      await tx.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, row!.id)).for("update");
      locked();
      await held;
    });
    await isLocked;
    expect(await deliverWebhook(row!.id)).toEqual({ outcome: "busy" });
    release();
    await holder;
    expect(await deliverWebhook(row!.id)).toEqual({ outcome: "succeeded" });
    expect(await deliverWebhook(row!.id)).toEqual({ outcome: "not_pending" });
    expect(r.received).toHaveLength(1);
    await setEndpointEnabled(staff, { endpointId: ep.endpointId, enabled: false });
    expect(await replayDelivery(staff, { endpointId: ep.endpointId, deliveryId: row!.id })).toMatchObject({ kind: "conflict", message: "Enable the endpoint before replaying deliveries." });
    await db.update(webhookDeliveries).set({ status: "pending", nextAttemptAt: new Date() }).where(eq(webhookDeliveries.id, row!.id));
    expect(await deliverWebhook(row!.id)).toEqual({ outcome: "skipped" });
    const [after] = await deliveriesOf(ep.endpointId);
    expect(after).toMatchObject({ status: "skipped", attemptCount: 1, lastError: "Endpoint disabled" });
    expect(after!.attempts).toHaveLength(1);
  });
});

describe("posting", () => {
  async function server(handler: Parameters<typeof createServer>[1]) {
    const srv = createServer(handler);
    await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hooks`, close: () => { srv.closeAllConnections(); return new Promise<void>((resolve) => srv.close(() => resolve())); } };
  }

  it("gives up on a receiver that never answers after the timeout", async () => {
    const silent = await server(() => {});
    const started = Date.now();
    expect(await postWebhook(silent.url, {}, "{}", { timeoutMs: 300 })).toEqual({ statusCode: null, retryAfter: null, error: "Timed out after 0.3 s" });
    expect(Date.now() - started).toBeLessThan(3000);
    await silent.close();
  });

  it("does not follow redirects, and stops reading an endless response body", async () => {
    let followed = 0;
    const target = await server((_req, res) => {
      followed++;
      res.writeHead(204).end();
    });
    const redirecting = await server((_req, res) => res.writeHead(307, { location: target.url }).end());
    expect(await postWebhook(redirecting.url, {}, "{}")).toEqual({ statusCode: 307, retryAfter: null, error: "HTTP 307" });
    expect(followed).toBe(0);
    const endless = await server((_req, res) => {
      res.writeHead(200, { "retry-after": "5" });
      const chunk = Buffer.alloc(16 * 1024, 120);
      const timer = setInterval(() => res.write(chunk), 5);
      res.on("close", () => clearInterval(timer));
    });
    expect(await postWebhook(endless.url, {}, "{}", { timeoutMs: 5000 })).toEqual({ statusCode: 200, retryAfter: "5", error: null });
    await Promise.all([target.close(), redirecting.close(), endless.close()]);
  });

  it("reports a closed port and an open one that hangs up alike: the log does not map ports", async () => {
    const gone = await server(() => {});
    await gone.close();
    expect(await postWebhook(gone.url, {}, "{}")).toEqual({ statusCode: null, retryAfter: null, error: CONNECTION_FAILED });
    const hangsUp = await server((req) => req.socket.destroy());
    expect(await postWebhook(hangsUp.url, {}, "{}")).toEqual({ statusCode: null, retryAfter: null, error: CONNECTION_FAILED });
    await hangsUp.close();
  });
});

describe("private addresses", () => {
  // The setting as production has it by default; the code reads it on every call.
  const config = env();
  const allowing = config.WEBHOOK_ALLOW_PRIVATE_URLS;
  const allowPrivate = (allowed: boolean) => {
    config.WEBHOOK_ALLOW_PRIVATE_URLS = allowed ? "true" : "false";
  };
  afterEach(() => {
    config.WEBHOOK_ALLOW_PRIVATE_URLS = allowing;
  });

  const endpointCount = async () => (await db.select({ id: webhookEndpoints.id }).from(webhookEndpoints)).length;
  const PUBLIC_ONLY = /the portal only delivers to public https URLs\.$/;

  it("is refused by default in production only", () => {
    expect(privateWebhookUrlsAllowed({ ...config, NODE_ENV: "production", WEBHOOK_ALLOW_PRIVATE_URLS: undefined })).toBe(false);
    expect(privateWebhookUrlsAllowed({ ...config, NODE_ENV: "production", WEBHOOK_ALLOW_PRIVATE_URLS: "true" })).toBe(true);
    expect(privateWebhookUrlsAllowed({ ...config, NODE_ENV: "development", WEBHOOK_ALLOW_PRIVATE_URLS: undefined })).toBe(true);
    expect(privateWebhookUrlsAllowed({ ...config, NODE_ENV: "test", WEBHOOK_ALLOW_PRIVATE_URLS: "false" })).toBe(false);
  });

  it.each([
    ["https://127.0.0.1/hooks", "127.0.0.1 is a private address; "],
    ["https://127.0.0.1:5432/", "127.0.0.1 is a private address; "],
    ["https://localhost/hooks", "localhost resolves to a private address (127.0.0.1); "],
    ["https://localhost./hooks", "localhost. resolves to a private address (127.0.0.1); "],
    ["https://LOCALHOST:8443/hooks", "localhost resolves to a private address (127.0.0.1); "],
    ["https://api.localhost/hooks", "api.localhost resolves to a private address (127.0.0.1); "],
    ["https://[::1]/hooks", "::1 is a private address; "],
    ["https://127.1/hooks", "127.0.0.1 is a private address; "],
    ["https://2130706433/hooks", "127.0.0.1 is a private address; "],
    ["https://0x7f.1/hooks", "127.0.0.1 is a private address; "],
    ["https://0177.0.0.1/hooks", "127.0.0.1 is a private address; "],
    ["https://0.0.0.0/hooks", "0.0.0.0 is a private address; "],
    ["https://127.0.0.1./hooks", "127.0.0.1 is a private address; "],
    ["https://[::ffff:127.0.0.1]/hooks", "::ffff:7f00:1 is a private address; "],
    ["https://169.254.169.254/latest/meta-data/", "169.254.169.254 is a private address; "],
    ["https://[fd00::1]/hooks", "fd00::1 is a private address; "],
    ["https://[fe80::1]/hooks", "fe80::1 is a private address; "],
    ["https://10.0.0.8/hooks", "10.0.0.8 is a private address; "],
    ["https://172.16.3.4/hooks", "172.16.3.4 is a private address; "],
    ["https://192.168.1.20/hooks", "192.168.1.20 is a private address; "],
    ["https://100.64.0.1/hooks", "100.64.0.1 is a private address; "],
    ["https://224.0.0.251/hooks", "224.0.0.251 is a private address; "],
    ["https://[ff02::1]/hooks", "ff02::1 is a private address; "],
    ["http://93.184.215.14/hooks", "The URL must start with https://: "],
    ["http://localhost:3000/dev/webhook-receiver", "The URL must start with https://: "],
  ])("refuses to register %s, saving nothing", async (url, message) => {
    allowPrivate(false);
    const before = await endpointCount();
    const result = await createEndpoint(staff, { url });
    expect(result).toMatchObject({ kind: "invalid", fields: { url: expect.stringMatching(PUBLIC_ONLY) } });
    expect(isProblem(result) && result.fields.url!.startsWith(message)).toBe(true);
    expect(await endpointCount()).toBe(before);
  });

  it("refuses user info that hides the real host, and accepts a public https address", async () => {
    allowPrivate(false);
    const hidden = await createEndpoint(staff, { url: "https://public.example@127.0.0.1/hooks" });
    expect(hidden).toMatchObject({ kind: "invalid", fields: { url: expect.stringMatching(/Leave user names and passwords out/) } });
    const created = ok(await createEndpoint(staff, { url: "https://93.184.215.14/hooks" }));
    // Moving a saved endpoint onto a private address is refused too, and the saved URL stays.
    const moved = await updateEndpoint(staff, { endpointId: created.endpointId, url: "https://[::ffff:a9fe:a9fe]/latest", description: "", eventTypes: [] });
    expect(moved).toMatchObject({ kind: "invalid", fields: { url: `::ffff:a9fe:a9fe is a private address; the portal only delivers to public https URLs.` } });
    const [saved] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, created.endpointId));
    expect(saved!.url).toBe("https://93.184.215.14/hooks");
  });

  it("checks again at connect time: a host that resolves to loopback is never connected to, and the log says why without detail", async () => {
    const r = await receiver();
    let connections = 0;
    r.server.on("connection", () => connections++);
    // Saved while private URLs were allowed (or before DNS pointed the name at loopback).
    allowPrivate(true);
    const named = ok(await createEndpoint(staff, { url: `https://localhost:${r.port}/hooks` }));
    const literal = ok(await createEndpoint(staff, { url: `https://127.0.0.1:${r.port}/hooks` }));
    const plain = ok(await createEndpoint(staff, { url: `http://localhost:${r.port}/hooks` }));

    allowPrivate(false);
    for (const ep of [named, literal, plain]) ok(await sendTestEvent(staff, { endpointId: ep.endpointId }));
    await drainJobs();
    expect(connections).toBe(0);
    expect(r.received).toHaveLength(0);
    const [viaDns] = await deliveriesOf(named.endpointId);
    expect(viaDns).toMatchObject({ status: "pending", attemptCount: 1, lastStatusCode: null, lastError: REFUSED_PRIVATE_ADDRESS });
    expect(viaDns!.attempts[0]).toMatchObject({ statusCode: null, error: REFUSED_PRIVATE_ADDRESS });
    expect((await deliveriesOf(literal.endpointId))[0]).toMatchObject({ lastError: REFUSED_PRIVATE_ADDRESS });
    expect((await deliveriesOf(plain.endpointId))[0]).toMatchObject({ lastError: REFUSED_PLAIN_HTTP });
    // What staff see on the endpoint page.
    const page = ok(await getEndpointWithDeliveries(staff, named.endpointId));
    expect(page.deliveries[0]!.lastError).toBe("Refused: private address");

    // Allowed again (development), the same name is delivered to.
    await db.update(webhookEndpoints).set({ enabled: false }).where(inArray(webhookEndpoints.id, [literal.endpointId, plain.endpointId]));
    allowPrivate(true);
    r.respond = () => ({ status: 200 });
    await db.update(webhookEndpoints).set({ url: `http://localhost:${r.port}/hooks` }).where(eq(webhookEndpoints.id, named.endpointId));
    await makeDue();
    await drainJobs();
    expect(connections).toBeGreaterThan(0);
    expect((await deliveriesOf(named.endpointId))[0]).toMatchObject({ status: "succeeded" });
  });

  it("refuses a private address in postWebhook itself, before any connection", async () => {
    const r = await receiver();
    let connections = 0;
    r.server.on("connection", () => connections++);
    for (const url of [`https://localhost:${r.port}/x`, `https://127.1:${r.port}/x`, `https://[::ffff:127.0.0.1]:${r.port}/x`]) {
      expect(await postWebhook(url, {}, "{}", { allowPrivate: false })).toEqual({ statusCode: null, retryAfter: null, error: REFUSED_PRIVATE_ADDRESS });
    }
    expect(connections).toBe(0);
    expect(await postWebhook(r.url, {}, "{}", { allowPrivate: true })).toMatchObject({ statusCode: 200 });
  });
});

describe("who manages endpoints", () => {
  it("lets an agent do nothing to an endpoint: no create, edit, test, enable, rotate or replay", async () => {
    const r = await receiver();
    const ep = await endpointFor(r);
    await sendTestEvent(staff, { endpointId: ep.endpointId });
    await drainJobs();
    const [delivery] = await deliveriesOf(ep.endpointId);
    const before = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, ep.endpointId));
    const endpointsBefore = (await db.select({ id: webhookEndpoints.id }).from(webhookEndpoints)).length;
    const refused = expect.objectContaining({ kind: "forbidden", message: "Only an AR admin can manage webhook endpoints." });

    expect(await createEndpoint(agent, { url: "https://backoffice.example/agent" })).toEqual(refused);
    expect(await updateEndpoint(agent, { endpointId: ep.endpointId, url: "https://attacker.example/x", description: "", eventTypes: [] })).toEqual(refused);
    expect(await sendTestEvent(agent, { endpointId: ep.endpointId })).toEqual(refused);
    expect(await setEndpointEnabled(agent, { endpointId: ep.endpointId, enabled: false })).toEqual(refused);
    expect(await rotateSecret(agent, { endpointId: ep.endpointId })).toEqual(refused);
    expect(await replayDelivery(agent, { endpointId: ep.endpointId, deliveryId: delivery!.id })).toEqual(refused);
    expect(await replaySince(agent, { endpointId: ep.endpointId, since: new Date(Date.now() - 3600_000) })).toEqual(refused);

    await drainJobs();
    expect(await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, ep.endpointId))).toEqual(before);
    expect((await db.select({ id: webhookEndpoints.id }).from(webhookEndpoints)).length).toBe(endpointsBefore);
    expect(await deliveriesOf(ep.endpointId)).toHaveLength(1);
    expect(r.received).toHaveLength(1);
    const agentAudits = await db.select().from(auditLog).where(eq(auditLog.actorUserId, agent.userId));
    expect(agentAudits.filter((a) => a.action.startsWith("webhook_"))).toEqual([]);
  });
});
