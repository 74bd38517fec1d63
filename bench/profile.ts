/**
 * `tsx bench/profile.ts [path…]`: after a bench run, explains every query a page runs on the
 * bench database left in .data/bench (slowest first), to find what dominates.
 */
import { randomBytes, createHash } from "node:crypto";
import path from "node:path";
import postgres from "postgres";
import { startEmbeddedPostgres } from "../db/embedded-postgres";
import { pageCapturer } from "./capture";

const pg = await startEmbeddedPostgres({ dataDir: path.resolve(".data/bench/pg"), port: 54359, database: "bench" });
const url = pg.url.replace(/\/[^/]*$/, "/bench");
Object.assign(process.env, { NODE_ENV: "production", DATABASE_URL: url, APP_URL: "http://127.0.0.1:3300", PORT: "3300", SESSION_SECRET: "bench-session-secret-0123456789abcdef0123456789", SMTP_URL: "smtp://127.0.0.1:2599", MAIL_FROM: "b <b@b.example>", STRIPE_SECRET_KEY: "sk_test_x", STRIPE_WEBHOOK_SECRET: "whsec_x", STRIPE_API_BASE: "http://127.0.0.1:9" });
const sql = postgres(url, { max: 2, onnotice: () => {} });
try {
  const [payer] = await sql<{ id: string }[]>`select u.id from users u join account_contacts c on c.user_id = u.id join accounts a on a.id = c.account_id where a.number = 'C-BIG' limit 1`;
  const [staff] = await sql<{ id: string }[]>`select id from users where role = 'ar_admin' limit 1`;
  const cookie = async (userId: string) => {
    const raw = randomBytes(32).toString("base64url");
    await sql`insert into sessions (id_hash, user_id, expires_at) values (${createHash("sha256").update(raw).digest("hex")}, ${userId}, now() + interval '1 hour')`;
    return `portal_session=${Buffer.from(JSON.stringify(raw)).toString("base64")}`;
  };
  const capturer = await pageCapturer(url);
  const paths = process.argv.slice(2).length ? process.argv.slice(2) : ["/invoices?filter=all", "/statement", "/admin/disputes", "/admin/invoices?q=C-BIG"];
  for (const p of paths) {
    const c = await cookie(p.startsWith("/admin") ? staff!.id : payer!.id);
    const { queries, status } = await capturer.capture(`http://127.0.0.1:3300${p}`, c);
    console.log(`\n=== ${p} (${status}, ${queries.length} queries)`);
    const timed = [];
    for (const q of queries) {
      if (!/^\s*select/i.test(q.text)) {
        timed.push({ ms: -1, text: q.text, plan: "" });
        continue;
      }
      const rows = await sql.unsafe(`explain (analyze, buffers) ${q.text}`, q.params as never[]);
      const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
      const ms = Number(/Execution Time: ([\d.]+)/.exec(plan)?.[1] ?? 0);
      timed.push({ ms, text: q.text, plan });
    }
    timed.sort((a, b) => b.ms - a.ms);
    for (const t of timed) console.log(`  ${t.ms} ms  ${t.text.replace(/\s+/g, " ").slice(0, 160)}`);
    for (const t of timed.slice(0, Number(process.env.PLANS ?? 0))) console.log(`--- ${t.ms} ms: ${t.text.slice(0, 300)}\n${t.plan.split("\n").slice(0, 14).join("\n")}`);
  }
  await capturer.close();
} finally {
  await sql.end();
  await pg.stop();
}
