/**
 * Two app servers on one PostgreSQL behind the balancer, a mixed load (sign-ins, card payments
 * through the Stripe emulator and its webhooks, disputes with files, API imports, outbound
 * webhooks to a receiver), and one server killed with SIGKILL in the middle, then replaced.
 * Afterwards the database, the emulator and the receivers must agree: nothing lost, nothing
 * done twice (beyond what the at-least-once contracts allow, which is counted and printed).
 */
import { afterAll, expect, it } from "vitest";
import { createApiKey, sleep, startStack, waitFor, type Stack } from "./harness";
import { followSignInLink, getPage, importInvoice, openDisputeWithFile, payByCard, postForm, requestSignInLink, signIn, signInLinkFor } from "./portal-client";

const LOAD_MS = 24_000;
const KILL_AT_MS = 9_000;

let stack: Stack | undefined;
afterAll(async () => {
  await stack?.stop();
});

interface StripeList<T> {
  data: T[];
  has_more: boolean;
}

/** Every object of a Stripe list endpoint of the emulator (all pages). */
async function listAll<T extends { id: string }>(s: Stack, path: string): Promise<T[]> {
  const all: T[] = [];
  for (let after: string | undefined; ; ) {
    const res = await fetch(`${s.stripe.url}${path}?limit=100${after ? `&starting_after=${after}` : ""}`, { headers: { Authorization: `Bearer ${s.stripeKey}` } });
    const page = (await res.json()) as StripeList<T>;
    all.push(...page.data);
    if (!page.has_more || page.data.length === 0) return all;
    after = page.data[page.data.length - 1]!.id;
  }
}

const countBy = <T>(items: T[], key: (t: T) => string) => items.reduce((m, t) => m.set(key(t), (m.get(key(t)) ?? 0) + 1), new Map<string, number>());
const repeated = (m: Map<string, number>) => [...m].filter(([, n]) => n > 1);

it("two servers, one killed mid-load: no payment, Stripe event, domain event, email or delivery lost or doubled; sessions and rate limits shared", { timeout: 300_000 }, async () => {
  stack = await startStack();
  const s = stack;
  const [a, b] = await Promise.all([s.start("A"), s.start("B")]);
  const key = createApiKey(s.env, ["invoices:write", "invoices:read"]);

  // The back office's endpoint, added by an AR admin signed in through an emailed link.
  const admin = await s.db.data.staff("ar_admin");
  const adminCookie = await signIn(s, admin.email);
  const added = await postForm(s, s.proxy.url, "/admin/webhooks", { url: s.receiver.url, description: "processes test back office" }, adminCookie);
  expect(added.status).toBe(200);
  const [endpoint] = await s.db.sql<{ id: string; created_at: Date }[]>`select id, created_at from webhook_endpoints`;
  expect(endpoint).toBeDefined();

  // Payers: each signs in through the balancer (sign-in emails go through the job queue).
  const payers = await Promise.all([0, 1, 2, 3].map(() => s.db.data.payer()));
  const cookies = await Promise.all(payers.map((p) => signIn(s, p.user.email)));

  // A session made on one server is honoured by the other.
  const crossEmail = payers[0]!.user.email;
  expect((await requestSignInLink(s, crossEmail, a.url)).status).toBe(302);
  const crossCookie = await followSignInLink(s, await signInLinkFor(s, crossEmail, 1), a.url);
  expect((await getPage(b.url, "/invoices", crossCookie)).status).toBe(200);
  expect((await getPage(a.url, "/invoices", cookies[1])).status).toBe(200);
  expect((await getPage(b.url, "/invoices", cookies[1])).status).toBe(200);
  expect((await getPage(b.url, "/invoices")).status).toBe(302); // no cookie: to the sign-in page

  // The sign-in rate limit (5 links per address per 15 minutes) counts on both servers together.
  const limited = (await s.db.data.payer()).user.email;
  const limitStatuses: number[] = [];
  for (let i = 0; i < 6; i++) limitStatuses.push((await requestSignInLink(s, limited, i % 2 ? b.url : a.url)).status);
  expect(limitStatuses.slice(0, 5)).toEqual([302, 302, 302, 302, 302]);
  expect(limitStatuses[5]).not.toBe(302);

  // The load.
  const started = Date.now();
  let running = true;
  const failures: string[] = [];
  const done = { payments: 0, disputes: 0, imports: 0, pages: 0 };
  let seq = 0;
  const newInvoice = async (payer: (typeof payers)[number], amount: number) => {
    const externalId = `LOAD-${seq++}-${payer.accounts[0]!.number}`;
    const res = await importInvoice(s, key, { customer: payer.accounts[0]!.externalId!, externalId, amount });
    if (res.status >= 300) throw new Error(`import ${externalId} answered ${res.status}`);
    const [row] = await s.db.sql<{ id: string; total: number }[]>`select id, total::int as total from invoices where external_id = ${externalId}`;
    return row!;
  };
  const lane = async (name: string, step: (i: number) => Promise<void>) => {
    for (let i = 0; running; i++) {
      try {
        await step(i);
      } catch (error) {
        failures.push(`${name}: ${String(error).slice(0, 200)}`);
        await sleep(100);
      }
    }
  };
  const lanes = [
    lane("payments", async (i) => {
      const who = i % payers.length;
      const invoice = await newInvoice(payers[who]!, 50_00 + i);
      await payByCard(s, cookies[who]!, invoice);
      done.payments++;
    }),
    lane("disputes", async (i) => {
      const who = (i + 1) % payers.length;
      const invoice = await newInvoice(payers[who]!, 80_00);
      const res = await openDisputeWithFile(s, cookies[who]!, invoice.id);
      if (res.status !== 302) throw new Error(`dispute answered ${res.status}`);
      done.disputes++;
    }),
    lane("imports", async (i) => {
      await newInvoice(payers[i % payers.length]!, 10_00 + i);
      done.imports++;
    }),
    lane("pages", async (i) => {
      const res = await getPage(s.proxy.url, i % 2 ? "/invoices" : "/payments", cookies[i % payers.length]);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`page answered ${res.status}`);
      done.pages++;
    }),
    (async () => {
      // A sign-in in the middle of the load, across the kill.
      for (const p of [payers[2]!, payers[3]!]) {
        await sleep(KILL_AT_MS - 2000);
        await signIn(s, p.user.email).catch((e: unknown) => failures.push(`sign-in: ${String(e)}`));
      }
    })(),
  ];

  await sleep(KILL_AT_MS);
  const killedAt = Date.now();
  b.child.kill("SIGKILL");
  await b.exited;
  const c = await s.start("C"); // the replacement joins the balancer
  await sleep(Math.max(0, LOAD_MS - (Date.now() - started)));
  running = false;
  await Promise.all(lanes);
  const loadMs = Date.now() - started;

  // What the balancer saw fail: only requests that were on B when it died (or went there before
  // the kill and were cut off).
  const cut = s.proxy.log.filter((r) => r.error !== null);
  expect(cut.every((r) => r.backend === "B" && r.at <= killedAt + 1000)).toBe(true);
  expect(done.payments).toBeGreaterThan(3);
  expect(done.disputes).toBeGreaterThan(3);

  // --- Convergence: Stripe retries what B never answered; jobs run on A and C. ---
  const sql = s.db.sql;
  const stripeEvents = await waitFor("every Stripe event recorded and processed", async (): Promise<Array<{ id: string; type: string }> | undefined> => {
    const emitted = await listAll<{ id: string; type: string }>(s, "/v1/events");
    const [pending] = await sql<{ n: number }[]>`select count(*)::int as n from stripe_events where processed_at is null`;
    const recorded = await sql<{ id: string }[]>`select id from stripe_events`;
    return pending!.n === 0 && emitted.every((e) => recorded.some((r) => r.id === e.id)) ? emitted : undefined;
  }, 90_000, 1000);

  const since = endpoint!.created_at;
  await waitFor("the job queue to hold no due work and every delivery made", async () => {
    const [jobs] = await sql<{ n: number }[]>`select count(*)::int as n from graphile_worker.jobs where locked_at is null and run_at <= now() and attempts < max_attempts`;
    const [deliveries] = await sql<{ n: number }[]>`select count(*)::int as n from webhook_deliveries where status <> 'succeeded'`;
    const [missing] = await sql<{ n: number }[]>`
      select count(*)::int as n from events e where e.created_at >= ${since} and e.type <> 'webhook.test'
        and not exists (select 1 from webhook_deliveries d where d.event_id = e.id)`;
    return jobs!.n === 0 && deliveries!.n === 0 && missing!.n === 0;
  }, 120_000, 1000);

  // Payments: every PaymentIntent the emulator says succeeded is one succeeded payment, once.
  const intents = await listAll<{ id: string; status: string; amount: number; metadata: Record<string, string> }>(s, "/v1/payment_intents");
  const succeeded = intents.filter((pi) => pi.status === "succeeded");
  expect(succeeded.length).toBeGreaterThanOrEqual(done.payments);
  const payments = await sql<{ id: string; status: string; amount: number; pi: string | null }[]>`select id, status, amount::int as amount, stripe_payment_intent_id as pi from payments`;
  for (const pi of succeeded) {
    const rows = payments.filter((p) => p.pi === pi.id);
    expect(rows, `payment of ${pi.id}`).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "succeeded", amount: pi.amount });
  }
  expect(payments.filter((p) => p.status === "succeeded")).toHaveLength(succeeded.length);
  // Their invoices settled once: paid, and paid exactly their total (no second allocation).
  const settled = await sql<{ id: string; status: string; total: number; amount_paid: number; allocated: number }[]>`
    select i.id, i.status, i.total::int as total, i.amount_paid::int as amount_paid, sum(a.amount)::int as allocated
    from invoices i join payment_allocations a on a.invoice_id = i.id join payments p on p.id = a.payment_id and p.status = 'succeeded'
    group by i.id`;
  expect(settled).toHaveLength(succeeded.length);
  for (const inv of settled) expect(inv).toMatchObject({ status: "paid", amount_paid: inv.total, allocated: inv.total });

  // Stripe events: each recorded once (the primary key) and processed; the emulator's retries were absorbed.
  const deliveries = (await (await fetch(`${s.stripe.url}/_emulator/deliveries`)).json()) as { data: Array<{ state: string; attempts: number }> };
  const retried = deliveries.data.filter((d) => d.attempts > 1).length;
  expect(deliveries.data.every((d) => d.state === "delivered")).toBe(true);
  const [stripeRows] = await sql<{ n: number }[]>`select count(*)::int as n from stripe_events`;
  expect(stripeRows!.n).toBe(stripeEvents.length);

  // Domain events: one per fact, none missing, none doubled.
  const events = await sql<{ id: string; type: string; subject_id: string }[]>`select id, type, subject_id from events`;
  const ofType = (type: string) => countBy(events.filter((e) => e.type === type), (e) => e.subject_id);
  const paymentSucceeded = ofType("payment.succeeded");
  expect(repeated(paymentSucceeded)).toEqual([]);
  expect(new Set(paymentSucceeded.keys())).toEqual(new Set(payments.filter((p) => p.status === "succeeded").map((p) => p.id)));
  const disputes = await sql<{ id: string; files: number }[]>`select d.id, (select count(*)::int from attachments f where f.dispute_id = d.id) as files from disputes d`;
  const disputeOpened = ofType("dispute.opened");
  expect(repeated(disputeOpened)).toEqual([]);
  expect(new Set(disputeOpened.keys())).toEqual(new Set(disputes.map((d) => d.id)));
  expect(disputes.filter((d) => d.files !== 1)).toEqual([]);
  const invoices = await sql<{ id: string }[]>`select id from invoices where external_id like 'LOAD-%'`;
  const upserted = ofType("invoice.upserted");
  expect(invoices.filter((i) => upserted.get(i.id) !== 1)).toEqual([]);
  const paidEvents = ofType("invoice.paid");
  expect(repeated(paidEvents)).toEqual([]);
  expect(new Set(paidEvents.keys())).toEqual(new Set(settled.map((i) => i.id)));

  // Outbound webhooks: every event since the endpoint was added has one delivery, succeeded and
  // logged; the receiver got each at least once (at-least-once: a repeat carries the same webhook-id).
  const outbound = await sql<{ event_id: string; attempts: number; logged: number }[]>`
    select d.event_id, d.attempt_count as attempts, jsonb_array_length(d.attempts) as logged from webhook_deliveries d where d.endpoint_id = ${endpoint!.id}`;
  const eventsSince = await sql<{ id: string }[]>`select id from events where created_at >= ${since} and type <> 'webhook.test'`;
  expect(repeated(countBy(outbound, (d) => d.event_id))).toEqual([]);
  expect(new Set(outbound.map((d) => d.event_id))).toEqual(new Set(eventsSince.map((e) => e.id)));
  expect(outbound.filter((d) => d.attempts < 1 || d.logged !== d.attempts)).toEqual([]);
  const receipts = countBy(s.receiver.received, (r) => r.webhookId);
  expect(new Set(receipts.keys())).toEqual(new Set(eventsSince.map((e) => e.id)));
  const duplicateReceipts = repeated(receipts);

  // Email: sent once each. A job killed between the SMTP server's accept and its completion would
  // be sent again when retried (at-least-once); one still locked by the dead server is not retried
  // before graphile-worker's 4-hour lock expiry: both are counted below.
  const mails = countBy(s.mail.messages, (m) => `${m.to.join(",")}\n${m.subject}\n${m.text}`);
  const duplicateMails = repeated(mails);
  expect(s.mail.for(limited)).toHaveLength(5);
  const stranded = await sql<{ task_identifier: string; locked_at: Date }[]>`select task_identifier, locked_at from graphile_worker.jobs where locked_at is not null`;
  expect(stranded.every((j) => j.locked_at.getTime() <= killedAt)).toBe(true);
  const failedJobs = await sql<{ task_identifier: string; last_error: string | null }[]>`select task_identifier, last_error from graphile_worker.jobs where attempts >= max_attempts and locked_at is null`;
  expect(failedJobs).toEqual([]);
  expect(duplicateMails).toEqual([]);

  for (const p of [a, c]) expect(p.errors()).toEqual([]);

  console.log(
    [
      `two servers, B killed at ${killedAt - started} ms of ${loadMs} ms: payments ${done.payments}, disputes ${done.disputes}, imports ${done.imports}, pages ${done.pages}; ` +
        `${s.proxy.log.length} requests through the balancer, ${cut.length} cut off by the kill (${cut.map((r) => `${r.method} ${r.path.split("?")[0]}`).join(", ") || "none"})`,
      `client-side failures (requests cut off by the kill): ${failures.length ? failures.join(" | ") : "none"}`,
      `Stripe: ${succeeded.length} succeeded PaymentIntents = ${succeeded.length} succeeded payments; ${stripeEvents.length} events, each recorded once; ${retried} delivered more than once by the emulator`,
      `outbound: ${outbound.length} deliveries for ${eventsSince.length} events; ${s.receiver.received.length} receipts, ${duplicateReceipts.length} event(s) received more than once (at-least-once)`,
      `email: ${s.mail.messages.length} messages, ${duplicateMails.length} duplicated; jobs left locked by the killed server: ${stranded.map((j) => j.task_identifier).join(", ") || "none"}`,
    ].join("\n"),
  );
});
