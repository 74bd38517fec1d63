/**
 * The reminder engine at scale (issue 14): the daily run deciding every account of the bench
 * database, then its emails sent by the portal's worker to a local SMTP sink — each beside this
 * machine's limits measured in the same run: the same facts SQL replayed by bare postgres.js,
 * and nodemailer sending the same (pre-rendered) emails to the same sink.
 *
 * The seed has no reminder history, so a first run on the day before sends every step that has
 * fell due (the go-live run, measured too); the measured daily run then finds what a day's
 * due dates bring: the invoices reaching −3, 0, +7, +14 or +30 days that day.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "#db/schema/index";
import { round, type CapturedQuery } from "./measure";
import type { ReminderRunSummary } from "~/modules/collections/run-reminders.server";
import { textArrayLiteral } from "~/utils/sql-array.server";

export interface SmtpSink {
  accepted: () => number;
  firstAt: () => number | null;
  lastAt: () => number | null;
  reset: () => void;
}

interface Context {
  sql: postgres.Sql;
  databaseUrl: string;
  today: string;
  smtpUrl: string;
  sink: SmtpSink;
  log: (msg: string) => void;
  /** Starts the built portal (its worker sends the queued emails). */
  startApp: () => Promise<unknown>;
  waitForQuietDatabase: (db: postgres.Sql) => Promise<number>;
}

/** The worker's concurrency (startWorker's default), used for the SMTP limit too. */

export async function remindersBench(ctx: Context) {
  const { sql, log } = ctx;
  const { runReminders, REMINDER_BATCH } = await import("~/modules/collections/run-reminders.server");
  const { accountsToDecide, loadCadenceBook, loadReminderFacts } = await import("~/modules/collections/load-reminder-facts.server");
  const { decideReminders } = await import("~/modules/collections/decide-reminders");
  const { systemActor } = await import("~/modules/auth/actor");
  const { closeDb, db } = await import("~/db.server");
  const { addDays } = await import("~/utils/dates");
  const { isProblem } = await import("~/utils/problem");
  const actor = systemActor("job", "run_reminders");
  const run = async (on: string) => {
    const { value, seconds } = await timed(() => runReminders(actor, { on }));
    if (isProblem(value)) throw new Error(`runReminders: ${value.message}`);
    return { value, seconds };
  };
  const yesterday = addDays(ctx.today, -1);
  const [{ n: accountsInDatabase } = { n: 0 }] = await sql<{ n: number }[]>`select count(*)::int as n from accounts`;

  log(`reminders: first run (no history) on ${yesterday}`);
  const first = await run(yesterday);
  log(`  ${fmtRun(first.value, first.seconds)}`);
  // A day passes: autovacuum would have analyzed the new decisions by the next run. The first
  // run's emails are not sent here; the sending measured below is the daily run's.
  await sql`delete from graphile_worker._private_jobs j using graphile_worker._private_tasks t where t.id = j.task_id and t.identifier = 'send_reminder_emails'`;
  await sql.unsafe("vacuum (analyze) reminder_decisions, pay_links, events, collection_tasks");
  await sql.unsafe("checkpoint");
  await ctx.waitForQuietDatabase(sql);

  // Limits first (they only read): the engine's facts SQL on bare postgres.js, and the facts
  // loaded through the app plus the pure decision function, without writing anything.
  const book = await loadCadenceBook(db);
  const bareFacts = await bareFactsSql(ctx.databaseUrl, ctx.today, REMINDER_BATCH, book, accountsToDecide, loadReminderFacts);
  log(`  bare facts SQL: ${bareFacts.accounts} accounts in ${bareFacts.seconds} s (${Math.round(bareFacts.accountsPerSecond)}/s, ${bareFacts.queriesPerBatch} queries per batch of ${REMINDER_BATCH})`);
  const dry = await timed(async () => {
    const ids = await accountsToDecide(db, ctx.today, book);
    let loadMs = 0;
    let decideMs = 0;
    let decisions = 0;
    for (let i = 0; i < ids.length; i += REMINDER_BATCH) {
      const t0 = performance.now();
      const facts = await loadReminderFacts(db, ids.slice(i, i + REMINDER_BATCH), ctx.today, book);
      const t1 = performance.now();
      for (const account of facts) decisions += decideReminders(account, ctx.today).length;
      decideMs += performance.now() - t1;
      loadMs += t1 - t0;
    }
    return { accounts: ids.length, decisions, loadSeconds: round(loadMs / 1000), decideSeconds: round(decideMs / 1000) };
  });
  log(`  facts + decisions without writing: ${dry.value.accounts} accounts in ${round(dry.seconds)} s (load ${dry.value.loadSeconds} s, decide ${dry.value.decideSeconds} s)`);
  await ctx.waitForQuietDatabase(sql);

  log(`reminders: the daily run on ${ctx.today}`);
  const daily = await run(ctx.today);
  log(`  ${fmtRun(daily.value, daily.seconds)}`);

  const sending = await sendingBench(ctx, daily.value.emails);
  // The run's pool in this process: closed, or stopping PostgreSQL waits for it.
  await closeDb();

  return {
    accountsInDatabase,
    firstRun: runFigures(first.value, first.seconds),
    daily: runFigures(daily.value, daily.seconds),
    bareFacts,
    dryDecide: { ...dry.value, seconds: round(dry.seconds) },
    sending,
  };
}

type RunSummary = Pick<ReminderRunSummary, "on" | "accounts" | "emails" | "callTasks" | "sent" | "skipped">;

function runFigures(s: RunSummary, seconds: number) {
  return { on: s.on, accounts: s.accounts, emails: s.emails, callTasks: s.callTasks, sent: s.sent, skipped: s.skipped, decisions: s.sent + s.skipped, seconds: round(seconds), accountsPerSecond: round(s.accounts / seconds) };
}

const fmtRun = (s: RunSummary, seconds: number) =>
  `${s.accounts} accounts decided in ${round(seconds)} s (${Math.round(s.accounts / seconds)}/s): ${s.sent + s.skipped} decisions (${s.sent} sent, ${s.skipped} skipped), ${s.emails} emails, ${s.callTasks} call tasks`;

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

/**
 * The engine's read queries (the accounts to decide, then each batch's facts), captured from the
 * app's own functions and replayed for every batch on a bare postgres.js pool: the database's
 * share of the run, with no ORM, no decisions and no writes.
 */
async function bareFactsSql<B>(
  databaseUrl: string,
  on: string,
  batchSize: number,
  book: B,
  accountsToDecide: (exec: never, on: string, book: B) => Promise<string[]>,
  loadReminderFacts: (exec: never, ids: string[], on: string, book: B) => Promise<unknown[]>,
) {
  let recording: CapturedQuery[] | null = null;
  const recorder = postgres(databaseUrl, {
    max: 4,
    onnotice: () => {},
    debug: (_connection, text, params) => {
      if (!/pg_catalog\.pg_type/.test(text)) recording?.push({ text, params: params as unknown[] });
    },
  });
  const rdb = drizzle(recorder, { schema, casing: "snake_case" }) as never;
  recording = [];
  const ids = await accountsToDecide(rdb, on, book);
  const [listQuery] = recording;
  recording = [];
  const firstBatch = ids.slice(0, batchSize);
  await loadReminderFacts(rdb, firstBatch, on, book);
  const factQueries = recording;
  recording = null;
  await recorder.end({ timeout: 5 });
  if (!listQuery || factQueries.length === 0) throw new Error("bare facts SQL: nothing captured");
  const batchParam = textArrayLiteral(firstBatch);
  if (!factQueries.some((q) => q.params.includes(batchParam))) throw new Error("bare facts SQL: the batch's ids are not one parameter");

  const bare = postgres(databaseUrl, { max: 4, onnotice: () => {} });
  try {
    const t0 = performance.now();
    const rows = await bare.unsafe(listQuery.text, listQuery.params as never[]);
    const accountIds = rows.map((r) => r.account_id as string);
    for (let i = 0; i < accountIds.length; i += batchSize) {
      const param = textArrayLiteral(accountIds.slice(i, i + batchSize));
      await Promise.all(factQueries.map((q) => bare.unsafe(q.text, q.params.map((p) => (p === batchParam ? param : p)) as never[])));
    }
    const seconds = (performance.now() - t0) / 1000;
    return { accounts: accountIds.length, seconds: round(seconds), accountsPerSecond: round(accountIds.length / seconds), queriesPerBatch: factQueries.length };
  } finally {
    await bare.end({ timeout: 5 });
  }
}

/**
 * The daily run's emails, sent by the portal's worker (the real task list, SMTP_URL = the sink),
 * counted as the sink accepts them; beside it, what one email costs to gather and render, and
 * what nodemailer alone reaches sending those emails pre-rendered to the same sink.
 */
async function sendingBench(ctx: Context, emails: number) {
  const { sql, log } = ctx;
  const { reminderEmailFacts, REMINDER_SEND_CONCURRENCY } = await import("~/modules/collections/send-reminder-email.server");
  // The bare limit sends as many at a time as the portal's sender job does.
  const WORKER_CONCURRENCY = REMINDER_SEND_CONCURRENCY;
  const { reminderEmail } = await import("~/modules/collections/reminder-email");
  const { env } = await import("~/env.server");
  const jobs = await sql<{ payload: { accountIds: string[]; runOn: string } }[]>`
    select j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier = 'send_reminder_emails'`;
  const queued = jobs.flatMap((j) => j.payload.accountIds.map((accountId) => ({ payload: { accountId, runOn: j.payload.runOn } })));
  if (queued.length !== emails) throw new Error(`the run queued ${queued.length} reminder emails for ${emails} emails decided`);
  if (emails === 0) throw new Error("the daily run decided no email: nothing to measure");

  // One email's cost in the worker, without SMTP: its facts from the database, then the render.
  const sample = queued.slice(0, 300).map((q) => q.payload);
  let factsMs = 0;
  let renderMs = 0;
  const messages = [];
  for (const { accountId, runOn } of sample) {
    const t0 = performance.now();
    const facts = await reminderEmailFacts(accountId, runOn);
    const t1 = performance.now();
    if (!facts) throw new Error(`no reminder to send for ${accountId} on ${runOn}`);
    messages.push({ from: env().MAIL_FROM, ...reminderEmail(facts) });
    renderMs += performance.now() - t1;
    factsMs += t1 - t0;
  }
  const perEmail = { factsMs: round(factsMs / sample.length), renderMs: round(renderMs / sample.length), htmlBytes: Math.round(messages.reduce((s, m) => s + Buffer.byteLength(m.html ?? ""), 0) / messages.length) };
  log(`  one email: facts ${perEmail.factsMs} ms, render ${perEmail.renderMs} ms (${perEmail.htmlBytes} bytes of HTML)`);

  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-smtp-"));
  const file = path.join(dir, "messages.json");
  writeFileSync(file, JSON.stringify(messages));
  const smtpLimit: Record<string, { perSecond: number; seconds: number; messages: number; failed: number; accepted: number }> = {};
  const transports = [
    ["portal", "the portal's transport (pooled, no Nagle)", Math.max(2_000, Math.min(emails, 10_000))],
    ["pool", "nodemailer's pool as it comes", 500],
    ["unpooled", "a connection per email", 500],
  ] as const;
  for (const [mode, name, count] of transports) {
    ctx.sink.reset();
    const result = await smtpLimitProcess(file, count, WORKER_CONCURRENCY, mode, ctx.smtpUrl);
    smtpLimit[mode] = { ...result, perSecond: round(result.perSecond), seconds: round(result.seconds), accepted: ctx.sink.accepted() };
    log(`  bare nodemailer, ${name}, ${WORKER_CONCURRENCY} at a time: ${Math.round(result.perSecond)} emails/s (${ctx.sink.accepted()}/${count} accepted)`);
  }
  rmSync(dir, { recursive: true, force: true });

  log(`reminders: the portal's worker sends ${emails} emails`);
  ctx.sink.reset();
  const t0 = Date.now();
  await ctx.startApp();
  const startedAt = Date.now();
  const deadline = Date.now() + 600_000;
  for (;;) {
    if (ctx.sink.accepted() >= emails) break;
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'send_reminder_emails' and (j.locked_at is not null or (j.run_at <= now() and j.attempts < j.max_attempts))`;
    if ((row?.n ?? 0) === 0) break;
    if (Date.now() > deadline) throw new Error(`only ${ctx.sink.accepted()}/${emails} reminder emails arrived in 10 minutes`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const [failed] = await sql<{ n: number }[]>`
    select count(*)::int as n from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier = 'send_reminder_emails' and j.last_error is not null`;
  const accepted = ctx.sink.accepted();
  const first = ctx.sink.firstAt() ?? t0;
  const last = ctx.sink.lastAt() ?? Date.now();
  // From the first email accepted to the last: the worker's sending, not the portal's start.
  const seconds = Math.max(0.001, (last - first) / 1000);
  const sent = { emails, accepted, failedJobs: failed?.n ?? 0, seconds: round(seconds), perSecond: round(accepted / seconds), portalStartSeconds: round((startedAt - t0) / 1000), firstEmailAfterSeconds: round((first - t0) / 1000) };
  log(`  ${accepted}/${emails} accepted in ${sent.seconds} s: ${Math.round(sent.perSecond)} emails/s (${sent.failedJobs} jobs failed)`);
  return { perEmail, smtpLimit, sent, workerConcurrency: WORKER_CONCURRENCY };
}

function smtpLimitProcess(file: string, count: number, concurrency: number, mode: "portal" | "pool" | "unpooled", url: string) {
  return new Promise<{ messages: number; failed: number; seconds: number; perSecond: number }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/smtp-limit.ts", file, String(count), String(concurrency), mode, url], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`smtp-limit exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split("\n").pop()!));
      } catch (e) {
        reject(e);
      }
    });
  });
}
