import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import cluster from "node:cluster";
import { AggregatorRegistry, Gauge, collectDefaultMetrics, register } from "prom-client";
import type postgres from "postgres";
import { sqlClient } from "~/db.server";
import { env } from "~/env.server";
import { log } from "~/utils/log.server";
import { within } from "~/utils/within";
import { freshMetric, labelRoute } from "./http-metrics.server";

/**
 * What /metrics reports besides request latency: the backlogs an operator alerts on, read from
 * the database when Prometheus scrapes (two small queries per scrape, none per request), and
 * Node's process metrics. Every number read from the database is the same whichever process
 * answers, so they aggregate across cluster workers with "max", not summed.
 * See docs/decisions/ (health and metrics) for each metric.
 */

// Process metrics (CPU, memory, event-loop lag, GC): once per process, not once per rebuild.
const holder = globalThis as unknown as { __portalDefaultMetrics?: boolean };
if (!holder.__portalDefaultMetrics) {
  holder.__portalDefaultMetrics = true;
  collectDefaultMetrics();
  // An app process of `npm start` answers the primary's requests for its metrics: prom-client
  // listens for them only once an AggregatorRegistry exists in the process (server/cluster.ts).
  if (cluster.isWorker) new AggregatorRegistry();
}

const SCRAPE_TIMEOUT_MS = 2000;
const EMAIL_TASKS: Record<string, string> = { send_email: "notification", send_sign_in_link: "sign_in_link", send_reminder_email: "reminder", send_reminder_emails: "reminder" };

interface JobRow {
  task: string;
  runnable: number;
  scheduled: number;
  running: number;
  failed: number;
  oldest_runnable_seconds: number | null;
  emails: number;
}
interface BacklogRow {
  stripe_waiting: number;
  stripe_oldest_seconds: number | null;
  deliveries_pending: number;
  deliveries_retrying: number;
  deliveries_oldest_seconds: number | null;
  deliveries_failed: number;
  deliveries_exhausted: number;
}
type Snapshot = { jobs: JobRow[]; backlog: BacklogRow } | null;

type Sql = postgres.Sql<Record<string, never>>;

/**
 * One read of every backlog. graphile-worker 0.17's tables are read directly (its `jobs` view
 * has no payload, and a reminder batch's size is in its payload); ages use the database's clock.
 */
export async function readBacklogs(sql: Sql): Promise<NonNullable<Snapshot>> {
  const [jobs, [backlog]] = await Promise.all([
    sql<JobRow[]>`
      select t.identifier as task,
        count(*) filter (where j.locked_at is null and j.attempts < j.max_attempts and j.run_at <= now())::int as runnable,
        count(*) filter (where j.locked_at is null and j.attempts < j.max_attempts and j.run_at > now())::int as scheduled,
        count(*) filter (where j.locked_at is not null)::int as running,
        count(*) filter (where j.locked_at is null and j.attempts >= j.max_attempts)::int as failed,
        extract(epoch from now() - min(j.run_at) filter (where j.locked_at is null and j.attempts < j.max_attempts and j.run_at <= now()))::float8 as oldest_runnable_seconds,
        coalesce(sum(case when t.identifier = 'send_reminder_emails' then coalesce(json_array_length(j.payload -> 'accountIds'), 0) else 1 end)
          filter (where j.attempts < j.max_attempts or j.locked_at is not null), 0)::int as emails
      from graphile_worker._private_jobs j
      join graphile_worker._private_tasks t on t.id = j.task_id
      group by t.identifier`,
    sql<BacklogRow[]>`
      select
        (select count(*)::int from stripe_events where processed_at is null and failed_at is null) as stripe_waiting,
        (select extract(epoch from now() - min(received_at))::float8 from stripe_events where processed_at is null and failed_at is null) as stripe_oldest_seconds,
        (select count(*)::int from webhook_deliveries where status = 'pending') as deliveries_pending,
        (select count(*)::int from webhook_deliveries where status = 'pending' and attempt_count > 0) as deliveries_retrying,
        (select extract(epoch from now() - min(created_at))::float8 from webhook_deliveries where status = 'pending') as deliveries_oldest_seconds,
        (select count(*)::int from webhook_deliveries where status = 'failed') as deliveries_failed,
        (select count(*)::int from webhook_deliveries where status = 'exhausted') as deliveries_exhausted`,
  ]);
  return { jobs, backlog: backlog! };
}

// A scrape collects every gauge at once (prom-client starts each collect() before awaiting
// any): they share the read in flight, and the next scrape reads afresh.
let inFlight: Promise<Snapshot> | undefined;
function snapshot(): Promise<Snapshot> {
  inFlight ??= (async (): Promise<Snapshot> => {
    try {
      return await within(readBacklogs(sqlClient()), SCRAPE_TIMEOUT_MS);
    } catch (error) {
      log("warn", "metrics: the backlogs could not be read", { error: String(error) });
      return null;
    } finally {
      inFlight = undefined;
    }
  })();
  return inFlight;
}

/** A gauge read from the database at scrape time; NaN when the database did not answer. */
function backlogGauge<L extends string>(name: string, help: string, labelNames: readonly L[], fill: (gauge: Gauge<L>, snap: NonNullable<Snapshot>) => void) {
  return freshMetric(
    name,
    () =>
      new Gauge<L>({
        name,
        help,
        labelNames,
        aggregator: "max",
        async collect() {
          const snap = await snapshot();
          this.reset();
          if (snap) fill(this, snap);
          else if (labelNames.length === 0) (this as Gauge<string>).set(Number.NaN);
        },
      }),
  );
}

const age = (seconds: number | null) => (seconds === null ? 0 : Math.max(0, seconds));

freshMetric(
  "portal_database_reachable",
  () =>
    new Gauge({
      name: "portal_database_reachable",
      help: "1 when this scrape could read the backlogs from the database, 0 when it could not (the backlog gauges are then absent or NaN).",
      aggregator: "max",
      async collect() {
        this.set((await snapshot()) ? 1 : 0);
      },
    }),
);

backlogGauge("portal_jobs", "Jobs in the queue by task and state: runnable (due, waiting for a worker), scheduled (due later, or backing off after a failure), running, failed (out of attempts; kept until removed).", ["task", "state"], (g, s) => {
  for (const row of s.jobs) for (const state of ["runnable", "scheduled", "running", "failed"] as const) g.set({ task: row.task, state }, row[state]);
});
backlogGauge("portal_jobs_oldest_runnable_age_seconds", "How long the oldest runnable job of each task has been due (0 when none is waiting).", ["task"], (g, s) => {
  for (const row of s.jobs) g.set({ task: row.task }, age(row.oldest_runnable_seconds));
});
backlogGauge("portal_emails_queued", "Emails waiting in the job queue to be sent (not out of attempts), by kind: notification, sign_in_link, reminder (a reminder batch counts each of its emails).", ["kind"], (g, s) => {
  for (const kind of new Set(Object.values(EMAIL_TASKS))) g.set({ kind }, 0);
  for (const row of s.jobs) if (EMAIL_TASKS[row.task]) g.inc({ kind: EMAIL_TASKS[row.task]! }, row.emails);
});
backlogGauge("portal_stripe_events_waiting", "Stripe events received and recorded but not processed yet (neither processed nor given up).", [], (g, s) => g.set(s.backlog.stripe_waiting));
backlogGauge("portal_stripe_events_oldest_waiting_age_seconds", "How long ago the oldest waiting Stripe event was received (0 when none waits).", [], (g, s) => g.set(age(s.backlog.stripe_oldest_seconds)));
backlogGauge("portal_webhook_deliveries_pending", "Outbound webhook deliveries not delivered yet, including those retrying after a failed attempt.", [], (g, s) => g.set(s.backlog.deliveries_pending));
backlogGauge("portal_webhook_deliveries_retrying", "Pending outbound webhook deliveries that have failed at least once (the receiver is failing now).", [], (g, s) => g.set(s.backlog.deliveries_retrying));
backlogGauge("portal_webhook_deliveries_oldest_pending_age_seconds", "How long ago the oldest pending outbound delivery was created (0 when none is pending).", [], (g, s) => g.set(age(s.backlog.deliveries_oldest_seconds)));
backlogGauge("portal_webhook_deliveries_failed", "Outbound deliveries that will not be retried, by reason: gone (the receiver answered 410) or exhausted (every attempt failed). Grows until staff replay them.", ["reason"], (g, s) => {
  g.set({ reason: "gone" }, s.backlog.deliveries_failed);
  g.set({ reason: "exhausted" }, s.backlog.deliveries_exhausted);
});

/** The Prometheus text of every metric of this process. */
export const metricsText = () => register.metrics();

/** Constant time in the token's length too: both sides are hashed first. */
function sameToken(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * GET /metrics, for Prometheus: only with `Authorization: Bearer <METRICS_TOKEN>`. Without a
 * configured token the endpoint does not exist (`next()`: the portal's own 404). `render` lets a
 * cluster answer with every worker's metrics; `token` is METRICS_TOKEN unless given.
 */
export async function answerMetrics(req: IncomingMessage, res: ServerResponse, next: () => void, options: { token?: string; render?: () => Promise<string> } = {}) {
  const { token = env().METRICS_TOKEN, render = metricsText } = options;
  if (!token) return next();
  labelRoute(res, "metrics");
  res.setHeader("Cache-Control", "no-store");
  const header = req.headers.authorization ?? "";
  const given = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (!given || !sameToken(given, token)) {
    res.statusCode = 401;
    res.setHeader("WWW-Authenticate", 'Bearer realm="metrics"');
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    res.end("A bearer token (METRICS_TOKEN) is required.");
    return;
  }
  try {
    const text = await render();
    res.statusCode = 200;
    res.setHeader("Content-Type", register.contentType);
    res.end(text);
  } catch (error) {
    log("error", "metrics: rendering failed", { error: String(error) });
    res.statusCode = 500;
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    res.end("The metrics could not be rendered.");
  }
}
