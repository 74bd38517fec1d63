import path from "node:path";
import postgres from "postgres";
import { startEmbeddedPostgres } from "../db/embedded-postgres";
const pg = await startEmbeddedPostgres({ dataDir: path.resolve(".data/bench/pg"), port: 54359, database: "bench" });
const url = pg.url.replace(/\/[^/]*$/, "/bench");
Object.assign(process.env, { NODE_ENV: "production", PORT: "3300", DATABASE_URL: url, APP_URL: "http://127.0.0.1:3300", SESSION_SECRET: "bench-session-secret-0123456789abcdef0123456789", SMTP_URL: "smtp://127.0.0.1:2599", MAIL_FROM: "Bench <bench@acme.example>", STRIPE_SECRET_KEY: "sk_test_bench", STRIPE_WEBHOOK_SECRET: "whsec_x", STRIPE_API_BASE: "http://127.0.0.1:9", LOG_LEVEL: "warn", REMINDER_SCHEDULE: "off" });
const { SMTPServer } = await import("smtp-server");
let n = 0; let first = 0;
const server = new SMTPServer({ authOptional: true, disabledCommands: ["STARTTLS"], disableReverseLookup: true, logger: false, onData: (s, _x, cb) => s.on("end", () => { n++; if (n === 1) first = performance.now(); cb(); }).resume() });
await new Promise<void>((r) => server.listen(2599, "127.0.0.1", r));
const sql = postgres(url, { max: 2, onnotice: () => {} });
const [{ on }] = await sql`select max(run_on)::text as on from reminder_decisions`;
const queued = await sql`select graphile_worker.add_job('send_reminder_email', json_build_object('accountId', account_id, 'runOn', ${on}::text), max_attempts => 10, job_key => 'probe:' || account_id) from (select distinct account_id from reminder_decisions where run_on = ${on}::date and action='send' and channel='email') a`;
console.log("queued", queued.length);
const { sendReminderEmail, reminderEmailFacts } = await import("~/modules/collections/send-reminder-email.server");
const { reminderEmail } = await import("~/modules/collections/reminder-email");
const { deliverEmail } = await import("~/modules/notifications/mailer.server");
const t = { facts: 0, render: 0, deliver: 0, jobs: 0 };
const { run, Logger } = await import("graphile-worker");
const conc = Number(process.argv[2] ?? 4);
const mode = process.argv[3] ?? "split";
const t0 = performance.now();
const lq = Number(process.argv[4] ?? 0); const runner = await run({ ...(lq ? { preset: { worker: { localQueue: { size: lq }, completeJobBatchDelay: 0 } } } : {}), connectionString: url, concurrency: conc, noHandleSignals: true, pollInterval: 1000, logger: new Logger(() => (level, msg) => { if (level === "error") console.log(msg.slice(0, 300)); }), taskList: {
  send_reminder_email: async (payload: any) => {
    if (mode === "real") { await sendReminderEmail(payload); t.jobs++; return; }
    const a = performance.now(); const f = await reminderEmailFacts(payload.accountId, payload.runOn); const b = performance.now();
    const m = reminderEmail(f!); const c = performance.now(); await deliverEmail(m); const d = performance.now();
    t.facts += b - a; t.render += c - b; t.deliver += d - c; t.jobs++;
  } } });
const until = Date.now() + 30000; while (n < queued.length && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
const secs = (performance.now() - first) / 1000;
console.log(`conc ${conc} ${mode}: ${n} in ${secs.toFixed(2)} s = ${Math.round(n / secs)}/s; per job ms facts ${(t.facts / t.jobs).toFixed(2)} render ${(t.render / t.jobs).toFixed(2)} deliver ${(t.deliver / t.jobs).toFixed(2)}`);
await runner.stop(); await sql.end(); server.close(); await pg.stop(); process.exit(0);
