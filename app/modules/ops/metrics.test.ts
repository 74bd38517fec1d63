import { AggregatorRegistry, type Histogram, register } from "prom-client";
import { describe, expect, it } from "vitest";
import { createSqlClient, sqlClient } from "~/db.server";
import { sample } from "../../../test/prometheus";
import { metricsText } from "./metrics.server";

describe("backlog metrics, read from the database at scrape time", () => {
  it("counts the job queue by task and state, the oldest runnable job's age, and the emails waiting", async () => {
    const sql = sqlClient();
    const before = await metricsText();
    expect(sample(before, "portal_database_reachable")).toBe(1);
    expect(sample(before, "portal_jobs", { task: "send_email", state: "runnable" })).toBeUndefined();
    expect(sample(before, "portal_emails_queued", { kind: "notification" })).toBe(0);

    // Three mails due for 90 s and more, one due tomorrow, a reminder batch of three accounts,
    // and a reconciliation job out of attempts. No worker runs in this file: they stay put.
    for (const ago of [90, 60, 30]) await sql`select graphile_worker.add_job('send_email', '{"sealed":"x"}'::json, run_at => now() - make_interval(secs => ${ago}))`;
    await sql`select graphile_worker.add_job('send_email', '{"sealed":"x"}'::json, run_at => now() + interval '1 day')`;
    await sql`select graphile_worker.add_job('send_reminder_emails', '{"runOn":"2026-11-24","accountIds":["a","b","c"]}'::json)`;
    await sql`select graphile_worker.add_job('send_sign_in_link', '{"sealed":"x"}'::json, max_attempts => 1)`;
    const [failed] = await sql<Array<{ id: string }>>`select id from graphile_worker.add_job('reconcile_payments', '{}'::json, max_attempts => 3)`;
    await sql`update graphile_worker._private_jobs set attempts = 3, last_error = 'boom' where id = ${failed!.id}`;
    // The sign-in link's only attempt failed: out of attempts, no longer an email on its way.
    await sql`update graphile_worker._private_jobs j set attempts = 1 from graphile_worker._private_tasks t where t.id = j.task_id and t.identifier = 'send_sign_in_link'`;

    const text = await metricsText();
    expect(sample(text, "portal_jobs", { task: "send_email", state: "runnable" })).toBe(3);
    expect(sample(text, "portal_jobs", { task: "send_email", state: "scheduled" })).toBe(1);
    expect(sample(text, "portal_jobs", { task: "send_email", state: "failed" })).toBe(0);
    expect(sample(text, "portal_jobs", { task: "reconcile_payments", state: "failed" })).toBe(1);
    expect(sample(text, "portal_jobs", { task: "reconcile_payments", state: "runnable" })).toBe(0);
    expect(sample(text, "portal_jobs", { task: "send_sign_in_link", state: "failed" })).toBe(1);
    const oldest = sample(text, "portal_jobs_oldest_runnable_age_seconds", { task: "send_email" })!;
    expect(oldest).toBeGreaterThanOrEqual(90);
    expect(oldest).toBeLessThan(150);
    expect(sample(text, "portal_jobs_oldest_runnable_age_seconds", { task: "reconcile_payments" })).toBe(0);
    // Four notification jobs (one not due yet), three reminders in one batch, no sign-in link.
    expect(sample(text, "portal_emails_queued", { kind: "notification" })).toBe(4);
    expect(sample(text, "portal_emails_queued", { kind: "reminder" })).toBe(3);
    expect(sample(text, "portal_emails_queued", { kind: "sign_in_link" })).toBe(0);
  });

  it("reports Stripe events waiting to be processed and how long the oldest has waited", async () => {
    const sql = sqlClient();
    const before = await metricsText();
    expect(sample(before, "portal_stripe_events_waiting")).toBe(0);
    expect(sample(before, "portal_stripe_events_oldest_waiting_age_seconds")).toBe(0);
    await sql`insert into stripe_events (id, type, received_at) values
      ('evt_waiting_old', 'checkout.session.completed', now() - interval '120 seconds'),
      ('evt_waiting_new', 'charge.refunded', now() - interval '5 seconds')`;
    await sql`insert into stripe_events (id, type, received_at, processed_at) values ('evt_done', 'charge.refunded', now() - interval '1 hour', now())`;
    await sql`insert into stripe_events (id, type, received_at, failed_at) values ('evt_given_up', 'charge.refunded', now() - interval '1 hour', now())`;
    const text = await metricsText();
    expect(sample(text, "portal_stripe_events_waiting")).toBe(2);
    const age = sample(text, "portal_stripe_events_oldest_waiting_age_seconds")!;
    expect(age).toBeGreaterThanOrEqual(120);
    expect(age).toBeLessThan(180);
  });

  it("reports outbound deliveries pending, retrying, given up, and the oldest pending one's age", async () => {
    const sql = sqlClient();
    const before = await metricsText();
    expect(sample(before, "portal_webhook_deliveries_pending")).toBe(0);
    expect(sample(before, "portal_webhook_deliveries_failed", { reason: "exhausted" })).toBe(0);
    const [endpoint] = await sql<Array<{ id: string }>>`insert into webhook_endpoints (id, url, secret) values ('we_metrics', 'https://erp.example/hooks', 'whsec_x') returning id`;
    const events = await sql<Array<{ id: string }>>`
      insert into events (id, type, subject_type, subject_id, data)
      select 'ev_metrics_' || n, 'invoice.paid', 'invoice', 'inv_' || n, '{}'::jsonb from generate_series(1, 5) n returning id`;
    const [a, b, c, d, e] = events.map((x) => x.id);
    await sql`insert into webhook_deliveries (id, endpoint_id, event_id, status, attempt_count, created_at, succeeded_at) values
      ('msg_pending_old', ${endpoint!.id}, ${a!}, 'pending', 0, now() - interval '300 seconds', null),
      ('msg_retrying', ${endpoint!.id}, ${b!}, 'pending', 2, now() - interval '60 seconds', null),
      ('msg_exhausted', ${endpoint!.id}, ${c!}, 'exhausted', 8, now() - interval '2 days', null),
      ('msg_gone', ${endpoint!.id}, ${d!}, 'failed', 1, now() - interval '1 day', null),
      ('msg_done', ${endpoint!.id}, ${e!}, 'succeeded', 1, now() - interval '1 hour', now())`;
    const text = await metricsText();
    expect(sample(text, "portal_webhook_deliveries_pending")).toBe(2);
    expect(sample(text, "portal_webhook_deliveries_retrying")).toBe(1);
    expect(sample(text, "portal_webhook_deliveries_failed", { reason: "exhausted" })).toBe(1);
    expect(sample(text, "portal_webhook_deliveries_failed", { reason: "gone" })).toBe(1);
    const age = sample(text, "portal_webhook_deliveries_oldest_pending_age_seconds")!;
    expect(age).toBeGreaterThanOrEqual(300);
    expect(age).toBeLessThan(360);
  });

  it("keeps database-read numbers whole when a cluster adds up its workers' metrics, and sums the requests", async () => {
    const latency = register.getSingleMetric("http_request_duration_seconds") as Histogram;
    latency.observe({ route: "healthz", method: "GET", status: "2xx" }, 0.003);
    const one = await register.getMetricsAsJSON();
    // Two workers of one cluster report the same database, and one request each.
    const both = await AggregatorRegistry.aggregate([one, one]).metrics();
    expect(sample(both, "portal_stripe_events_waiting")).toBe(2);
    expect(sample(both, "portal_webhook_deliveries_pending")).toBe(2);
    expect(sample(both, "portal_jobs", { task: "send_email", state: "runnable" })).toBe(3);
    expect(sample(both, "portal_database_reachable")).toBe(1);
    expect(sample(both, "http_request_duration_seconds_count", { route: "healthz", method: "GET", status: "2xx" })).toBe(2);
  });
  it("says the database did not answer instead of reporting empty backlogs", async () => {
    // The pool's seam (db.server.ts keeps it on globalThis; the bench installs its own there too).
    const holder = globalThis as unknown as { __portalDb?: { client: unknown; db: unknown } };
    const saved = holder.__portalDb;
    const unreachable = createSqlClient("postgres://postgres:postgres@127.0.0.1:1/none");
    holder.__portalDb = { client: unreachable, db: null };
    try {
      const text = await metricsText();
      expect(sample(text, "portal_database_reachable")).toBe(0);
      expect(sample(text, "portal_stripe_events_waiting")).toBeNaN();
      expect(sample(text, "portal_webhook_deliveries_pending")).toBeNaN();
      expect(sample(text, "portal_jobs", { task: "send_email", state: "runnable" })).toBeUndefined();
      expect(text).toContain("process_cpu_user_seconds_total");
    } finally {
      holder.__portalDb = saved;
      await unreachable.end({ timeout: 0 });
    }
    expect(sample(await metricsText(), "portal_database_reachable")).toBe(1);
  });
});
