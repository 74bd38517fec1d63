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
 * The accounts owing most past due at `asOf`, from the dated ledger (so a past date shows what was
 * overdue then): the `ar` rows in effect by `asOf` whose due date is before it, summed by account.
 * One statement; the names are joined after the sums, on the ten accounts kept.
 */
export async function topOverdueAccounts(scope: ReceivablesScope, asOf: string, limit = 10): Promise<OverdueAccount[]> {
  const rows = await db.execute<{ accountId: string; number: string; name: string; overdue: string }>(sql`
    with overdue as (
      select e.account_id, sum(e.amount) as overdue from receivable_entries e
      where e.currency = ${scope.currency} and e.measure = 'ar' and e.effective_on <= ${asOf}::date and e.bucket_on < ${asOf}::date
        and ${scopedAccounts(scope, sql`e.account_id`)}
      group by e.account_id
      having sum(e.amount) > 0
      order by sum(e.amount) desc, e.account_id
      limit ${limit}
    )
    select o.account_id as "accountId", a.number, a.name, o.overdue::text as overdue
    from overdue o join accounts a on a.id = o.account_id
    order by o.overdue desc, a.number`);
  return rows.map((r) => ({ accountId: r.accountId, number: r.number, name: r.name, overdue: Number(r.overdue) }));
}
