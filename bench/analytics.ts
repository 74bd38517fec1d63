/**
 * The analytics figures at a million invoices (issue 15: the dashboard under 300 ms at p50 on one
 * connection, the API for one customer under 50 ms), each beside the same SQL replayed bare on
 * postgres.js (captured from a real in-process request), so the difference is the portal's own.
 */
import { createHash, randomBytes } from "node:crypto";
import type postgres from "postgres";
import { foldStatement } from "~/modules/analytics/fold-receivables.server";
import type { pageCapturer } from "./capture";
import { bareSqlLimit, loadUrl, round, type Measurement } from "./measure";

export interface AnalyticsResult {
  ledgerRows: number;
  rollupRows: number;
  foldSeconds: number;
  rows: Array<{ name: string; url: string; queries: number; measured: Measurement; bareSql: Measurement }>;
}

/**
 * Folds every ledger row the seed's COPY wrote into the rollup (what the fold job would do over
 * its first minutes) and vacuums, right after the database grows: otherwise the job folds 2.6
 * million rows while the pages are measured, and every figure of that part measures the fold.
 * Returns the seconds it took.
 */
export async function foldLedger(sql: postgres.Sql): Promise<number> {
  const started = performance.now();
  for (;;) {
    const [row] = await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext('fold_receivables'))`;
      return tx.unsafe<{ n: string }[]>(foldStatement(200_000));
    });
    if (Number(row?.n ?? 0) === 0) break;
  }
  await sql`vacuum analyze receivable_entries`;
  await sql`vacuum analyze receivable_rollup`;
  await sql`vacuum analyze receivable_accounts`;
  return round((performance.now() - started) / 1000, 1);
}

export async function analyticsBench(options: {
  sql: postgres.Sql;
  bare: postgres.Sql;
  capturer: Awaited<ReturnType<typeof pageCapturer>>;
  appUrl: string;
  staffCookie: string;
  bigAccountId: string;
  today: string;
  seconds: number;
  /** How long `foldLedger` took after the database grew. */
  foldSeconds: number;
  log: (message: string) => void;
}): Promise<AnalyticsResult> {
  const { sql, bare, capturer, appUrl, staffCookie, log, today, seconds, foldSeconds } = options;

  const [{ ledger, rollup } = { ledger: "0", rollup: "0" }] = await sql<{ ledger: string; rollup: string }[]>`select (select count(*) from receivable_entries) as ledger, (select count(*) from receivable_rollup) as rollup`;
  log(`  ledger ${Number(ledger).toLocaleString("en-US")} rows folded into ${Number(rollup).toLocaleString("en-US")} rollup rows in ${foldSeconds} s`);

  const key = `eipp_${randomBytes(30).toString("base64url")}`;
  await sql`insert into api_keys (id, name, prefix, key_hash, scopes) values (${`key_bench_${randomBytes(6).toString("hex")}`}, 'bench metrics', ${key.slice(0, 12)}, ${createHash("sha256").update(key).digest("hex")}, ${["metrics:read"]})`;
  const [{ external_id: customer } = { external_id: "" }] = await sql<{ external_id: string }[]>`select external_id from accounts where id = ${options.bigAccountId}`;
  const [{ currency } = { currency: "USD" }] = await sql<{ currency: string }[]>`select currency from accounts group by currency order by count(*) desc limit 1`;
  const api = { authorization: `Bearer ${key}` };
  const staff = { cookie: staffCookie };
  const targets: Array<{ name: string; url: string; headers: Record<string, string> }> = [
    { name: "Dashboard /admin (whole book, quarter)", url: `/admin?currency=${currency}&period=quarter&as_of=${today}`, headers: staff },
    { name: "Dashboard /admin (whole book, 12 months)", url: `/admin?currency=${currency}&period=year&as_of=${today}`, headers: staff },
    { name: "Dashboard /admin (one customer, quarter)", url: `/admin?currency=${currency}&period=quarter&as_of=${today}&customer=${encodeURIComponent(customer)}`, headers: staff },
    { name: "API metrics (one 5,000-invoice customer, 3 months)", url: `/api/v1/metrics/receivables?as_of=${today}&months=3&currency=${currency}&customer=${encodeURIComponent(customer)}`, headers: api },
    { name: "API metrics (whole book, 12 months)", url: `/api/v1/metrics/receivables?as_of=${today}&months=12&currency=${currency}`, headers: api },
  ];
  const rows: AnalyticsResult["rows"] = [];
  for (const target of targets) {
    const captured = await capturer.capture(appUrl + target.url, target.headers);
    if (captured.status !== 200) throw new Error(`${target.url} answered ${captured.status} in-process: ${captured.html.slice(0, 300)}`);
    await loadUrl({ url: appUrl + target.url, headers: target.headers, connections: 1, seconds: 1 });
    const measured = await loadUrl({ url: appUrl + target.url, headers: target.headers, connections: 1, seconds });
    if (measured.non2xx > 0 || measured.errors > 0) throw new Error(`${target.url}: ${measured.non2xx} non-2xx answers, ${measured.errors} errors`);
    const bareSql = await bareSqlLimit(bare, captured.queries, 1, seconds);
    log(`  ${target.name}: p50 ${measured.p50} ms, p99 ${measured.p99} ms (${Math.round(measured.requestsPerSecond)}/s) | bare SQL p50 ${bareSql.p50} ms (${captured.queries.length} queries)`);
    rows.push({ name: target.name, url: target.url, queries: captured.queries.length, measured, bareSql });
  }
  return { ledgerRows: Number(ledger), rollupRows: Number(rollup), foldSeconds, rows };
}
