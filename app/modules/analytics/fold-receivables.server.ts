import { sql } from "drizzle-orm";
import { db } from "~/db.server";

/** Rows added into the rollup per transaction: a bulk import's rows fold in a few short steps. */
const FOLD_BATCH = 100_000;

/**
 * One fold step as SQL (the bench runs it too): marks up to `batch` unfolded rows folded and adds
 * their sums into the rollup and the accounts' totals, returning how many rows it folded. `not e.folded` is checked again
 * by the update itself, so a row locked by a concurrent folder is never added twice. The batch's
 * ids are one array looked up by primary key: as `in (subquery)` the planner, with statistics
 * from before a bulk import, joined against a sequential scan of the whole ledger — a fold that
 * ran for minutes during the bench's growth to a million invoices.
 */
export function foldStatement(batch: number): string {
  return `
    with batch as (
      update receivable_entries e set folded = true
      where e.id = any(array(select id from receivable_entries where not folded order by id limit ${Math.trunc(batch)})) and not e.folded
      returning e.currency, e.account_id, e.measure, e.effective_on, e.bucket_on, e.amount
    ), sums as (
      select currency, measure, effective_on, bucket_on, sum(amount)::bigint as amount, count(*) as n from batch group by 1, 2, 3, 4
    ), added as (
      insert into receivable_rollup (currency, measure, effective_on, bucket_on, amount)
      select currency, measure, effective_on, bucket_on, amount from sums
      on conflict (currency, measure, effective_on, bucket_on) do update set amount = receivable_rollup.amount + excluded.amount
    ), by_account as (
      insert into receivable_accounts (currency, account_id, amount)
      select currency, account_id, sum(amount)::bigint from batch where measure = 'ar' group by 1, 2 order by 1, 2
      on conflict (currency, account_id) do update set amount = receivable_accounts.amount + excluded.amount
    )
    select coalesce(sum(n), 0)::text as n from sums`;
}

/**
 * Adds ledger rows not folded yet into `receivable_rollup` and marks them folded, in one
 * transaction per batch, so a reader (rollup + unfolded rows) never counts a row twice or misses
 * one. One folder at a time (advisory lock): writers only insert ledger rows, so they never wait
 * on the rollup's hot rows. Returns the rows folded.
 */
export async function foldReceivables(): Promise<number> {
  let folded = 0;
  for (;;) {
    const done = await db.transaction(async (tx) => {
      const [lock] = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(hashtext('fold_receivables')) as locked`);
      if (!lock?.locked) return -1;
      const [result] = await tx.execute<{ n: string }>(sql.raw(foldStatement(FOLD_BATCH)));
      return Number(result?.n ?? 0);
    });
    if (done <= 0) return folded;
    folded += done;
    if (done < FOLD_BATCH) return folded;
  }
}
