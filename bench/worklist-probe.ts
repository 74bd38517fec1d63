/**
 * Times the collections worklist, an account's timeline and its facts at the benchmark's size
 * (100,000 accounts, 1,000,000 invoices, seeded by seed-large.ts into .data/h14-probe, plus
 * collection profiles for 40% of the accounts and ~2,000 call tasks), through the use cases.
 * `npx tsx bench/worklist-probe.ts` seeds (~4 min) and measures; `--reuse` measures the database
 * left by a previous run; `--explain` prints the worklist's plans first.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { startEmbeddedPostgres } from "../db/embedded-postgres";
import { migrateDatabase } from "../db/migrate";
import { seedLarge } from "./seed-large";

const today = new Date().toISOString().slice(0, 10);
const log = (m: string) => console.log(`[probe ${new Date().toISOString().slice(11, 19)}] ${m}`);
const dataDir = path.resolve(".data/h14-probe/pg");
const reuse = process.argv.includes("--reuse");
if (!reuse) rmSync(dataDir, { recursive: true, force: true });
const pg = await startEmbeddedPostgres({ dataDir, port: 54377, database: "bench" });
const url = pg.url.replace(/\/[^/]*$/, "/bench");
if (!reuse) await migrateDatabase(url);
const sql = postgres(url, { max: 4, onnotice: () => {} });
let bigId: string;
if (!reuse) {
  const seeded = await seedLarge(sql, { accounts: 100_000, invoices: 1_000_000, bigAccountInvoices: 5_000, otherLargeAccounts: 10, today, log });
  bigId = seeded.bigAccount.id;
  log("collection data");
  await sql`insert into users (id, email, name, role) select 'usr_probe_' || g, 'probe' || g || '@acme.example', 'Collector ' || g, 'ar_agent' from generate_series(1, 5) g`;
  await sql`insert into segments (name) values ('Gentle'), ('Risky'), ('Key accounts')`;
  await sql`insert into collection_profiles (account_id, segment, collector_id)
            select id, (array['Gentle','Risky','Key accounts'])[1 + (abs(hashtext(id)) % 3)], 'usr_probe_' || (1 + abs(hashtext(id || 'c')) % 5)
              from accounts where abs(hashtext(id)) % 10 < 4`;
  await sql`insert into collection_tasks (id, account_id, kind, due_on, assignee_id, title)
            select 'ctk_probe_' || id, id, 'call', ${today}::date - (abs(hashtext(id)) % 5), 'usr_probe_' || (1 + abs(hashtext(id || 'c')) % 5), 'Call'
              from accounts where abs(hashtext(id || 't')) % 50 = 0`;
  await sql`analyze`;
} else {
  bigId = (await sql<{ id: string }[]>`select id from accounts where number = 'C-BIG'`)[0]!.id;
}
const [counts] = await sql`select (select count(*) from accounts) as accounts, (select count(*) from invoices) as invoices,
  (select count(*) from invoices where status = 'open' and balance > 0 and due_date < ${today}::date) as overdue,
  (select count(*) from collection_tasks) as tasks, (select count(*) from disputes) as disputes, (select count(*) from payments) as payments, (select count(*) from events) as events`;
log(JSON.stringify(counts));

Object.assign(process.env, { DATABASE_URL: url, SESSION_SECRET: "probe-session-secret-0123456789abcdef0123456789", MAIL_FROM: "Probe <p@acme.example>", STRIPE_SECRET_KEY: "sk_test_probe", STRIPE_WEBHOOK_SECRET: "whsec_probe", APP_URL: "http://127.0.0.1:3999", SMTP_URL: "smtp://127.0.0.1:2599", SEED_DEMO_DATA: "false", LOG_LEVEL: "warn", PORT: "3999" });
const { getWorklist, worklistQuery } = await import("~/modules/collections/get-worklist.server");
const { getAccountTimeline } = await import("~/modules/collections/get-account-timeline.server");
const { getAccountFacts } = await import("~/modules/collections/get-account-facts.server");
const { worklistQuery: wq, worklistSql } = await import("~/modules/collections/get-worklist.server");
const { PgDialect } = await import("drizzle-orm/pg-core");
if (process.argv.includes("--explain")) {
  for (const q of [{}, { collector: "none", page: "40" }]) {
    const { sql: text, params } = new PgDialect({ casing: "snake_case" }).sqlToQuery(worklistSql({ userId: "usr_probe_1" }, wq.parse(q)));
    const plan = await sql.unsafe(`explain (analyze, buffers) ${text}`, params as never[]);
    console.log(plan.map((r) => r["QUERY PLAN"]).join("\n"));
  }
}
const actor = { kind: "staff" as const, userId: "usr_probe_1", role: "ar_agent" as const, ip: null };
async function time(name: string, fn: () => Promise<unknown>) {
  const ms: number[] = [];
  let last: unknown;
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    last = await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  log(`${name}: median ${ms[3]!.toFixed(1)} ms (min ${ms[0]!.toFixed(1)}, max ${ms[6]!.toFixed(1)})`);
  return last;
}
const any = (await time("worklist, anyone, page 1", () => getWorklist(actor, worklistQuery.parse({})))) as { total: number };
log(`  ${any.total} accounts on the worklist`);
await time("worklist, mine", () => getWorklist(actor, worklistQuery.parse({ collector: "mine" })));
await time("worklist, segment Risky", () => getWorklist(actor, worklistQuery.parse({ segment: "Risky" })));
await time("worklist, unassigned, page 40", () => getWorklist(actor, worklistQuery.parse({ collector: "none", page: "40" })));
await time("timeline of the 5,000-invoice account", () => getAccountTimeline(actor, { accountId: bigId }));
await time("facts of the 5,000-invoice account", () => getAccountFacts(actor, bigId));
await sql.end();
process.exit(0);
