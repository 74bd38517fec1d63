import { sql } from "drizzle-orm";
import { db } from "~/db.server";
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
