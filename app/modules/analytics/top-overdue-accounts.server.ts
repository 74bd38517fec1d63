import { sql } from "drizzle-orm";
import { db } from "~/db.server";
import { textArray } from "~/utils/sql-array.server";
import { scopedAccounts, type ReceivablesScope } from "./receivables-source.server";

export interface OverdueAccount {
  accountId: string;
  number: string;
  name: string;
  /** Past due at the as-of date (due before it), minor units. */
  overdue: number;
}

/**
 * The accounts owing most past due at `asOf`, as it was on that day. Summing every ledger row of
 * the book by account takes over a second at a million invoices, so it is read the other way
 * round, exactly: an invoice's `ar` rows sum to its balance (the ledger's invariant) and carry its
 * current due date, so what was past due at `asOf` is today's balances due before `asOf` minus
 * the rows dated after `asOf` (payments, credits, voids, invoices issued later) on those due
 * dates. The first part reads open balances, the second a range of `receivable_entries_effective_idx`
 * (or `receivable_entries_account_idx` for one customer) that is short for a recent date.
 * One statement; names are joined on the ten accounts kept.
 */
export async function topOverdueAccounts(scope: ReceivablesScope, asOf: string, limit = 10): Promise<OverdueAccount[]> {
  return (scope.accountId ? null : await largestFirst(scope, asOf, limit)) ?? (await everyAccount(scope, asOf, limit));
}

/** How many accounts are looked at, largest AR first, before summing every account. */
const ROUNDS = [100, 1_000];

/**
 * The same answer without summing every account, when nothing in the currency is dated after
 * `asOf` (today, in practice): then an account's overdue at `asOf` is at most what it owes in all
 * (`receivable_accounts` + its unfolded rows). The k largest (and any with unfolded rows) are
 * summed exactly; if the tenth of them owes more overdue than the k-th owes in all, no other
 * account can overtake it. A few customers owing most make the first round enough; a flat book
 * (the bench's: the tenth owes 78 % of the 100th's total) needs the second. Otherwise, or for a
 * past date, null: the caller sums every account.
 */
async function largestFirst(scope: ReceivablesScope, asOf: string, limit: number): Promise<OverdueAccount[] | null> {
  const [later] = await db.execute<{ later: boolean }>(
    sql`select exists (select 1 from receivable_entries where currency = ${scope.currency} and measure = 'ar' and effective_on > ${asOf}::date) as later`,
  );
  if (later?.later) return null;
  for (const k of ROUNDS) {
    const [head] = await db.execute<{ n: number; threshold: string | null; candidates: string[] }>(sql`
      with top as (
        select ra.account_id, ra.amount from receivable_accounts ra
        where ra.currency = ${scope.currency} and ${scopedAccounts(scope, sql`ra.account_id`)}
        order by ra.amount desc limit ${k}
      ), unfolded as (
        select distinct e.account_id from receivable_entries e
        where not e.folded and e.currency = ${scope.currency} and e.measure = 'ar' and ${scopedAccounts(scope, sql`e.account_id`)}
      )
      select (select count(*)::int from top) as n, (select min(amount)::text from top) as threshold,
        array(select account_id from top union select account_id from unfolded) as candidates`);
    if (!head) return null;
    const rows = await db.execute<{ accountId: string; number: string; name: string; overdue: string }>(sql`
      with overdue as (
        select i.account_id, sum(i.balance) as overdue from invoices i
        where i.account_id = any(${textArray(head.candidates)}) and i.currency = ${scope.currency} and i.status = 'open' and i.due_date < ${asOf}::date
        group by i.account_id
        having sum(i.balance) > 0
        order by sum(i.balance) desc, i.account_id
        limit ${limit}
      )
      select o.account_id as "accountId", a.number, a.name, o.overdue::text as overdue
      from overdue o join accounts a on a.id = o.account_id
      order by o.overdue desc, a.number`);
    const found = rows.map((r) => ({ accountId: r.accountId, number: r.number, name: r.name, overdue: Number(r.overdue) }));
    const everyoneLooked = head.n < k;
    const noneCanOvertake = found.length === limit && found[limit - 1]!.overdue > Number(head.threshold ?? 0);
    if (everyoneLooked || noneCanOvertake) return found;
  }
  return null;
}

/** Every account in the scope, summed: exact at any date. */
async function everyAccount(scope: ReceivablesScope, asOf: string, limit: number): Promise<OverdueAccount[]> {
  const rows = await db.execute<{ accountId: string; number: string; name: string; overdue: string }>(sql`
    with moves as (
      select i.account_id, i.balance as amount from invoices i
      where i.currency = ${scope.currency} and i.due_date < ${asOf}::date and i.balance <> 0 and ${scopedAccounts(scope, sql`i.account_id`)}
      union all
      select e.account_id, -e.amount from receivable_entries e
      where e.currency = ${scope.currency} and e.measure = 'ar' and e.effective_on > ${asOf}::date and e.bucket_on < ${asOf}::date
        and ${scopedAccounts(scope, sql`e.account_id`)}
    ), overdue as (
      select account_id, sum(amount) as overdue from moves
      group by account_id
      having sum(amount) > 0
      order by sum(amount) desc, account_id
      limit ${limit}
    )
    select o.account_id as "accountId", a.number, a.name, o.overdue::text as overdue
    from overdue o join accounts a on a.id = o.account_id
    order by o.overdue desc, a.number`);
  return rows.map((r) => ({ accountId: r.accountId, number: r.number, name: r.name, overdue: Number(r.overdue) }));
}
