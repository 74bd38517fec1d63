import type postgres from "postgres";

/**
 * Where the kept totals (account_invoice_totals, migration 0021) differ from a fresh count of the
 * invoices, key by key: empty when they agree. The recount spells out the buckets itself (not the
 * migration's functions), so a mistake there shows here. One statement, one snapshot: the triggers
 * write in the invoices' own transactions, so the two agree at every moment, even mid-test.
 */
export async function keptTotalsDrift(sql: postgres.Sql | postgres.TransactionSql): Promise<Record<string, unknown>[]> {
  return sql`
    with classified as (
      select account_id, currency, due_date, balance, payment_plan_id,
        case when status = 'open' and balance > 0 then 'open' when status = 'paid' then 'paid' else 'other' end as bucket
      from invoices
    ), fresh as (
      select account_id, currency,
        case when bucket = 'open' then due_date else date_trunc('month', due_date)::date end as due_date,
        bucket, bucket = 'open' and payment_plan_id is not null as on_plan,
        count(*)::int as invoice_count, sum(balance)::bigint as balance
      from classified group by 1, 2, 3, 4, 5
    ), kept as (
      select account_id, currency, due_date, bucket, on_plan, invoice_count, balance
      from account_invoice_totals where invoice_count <> 0 or balance <> 0
    )
    (select 'fresh' as side, * from fresh except select 'fresh', * from kept)
    union all
    (select 'kept' as side, * from kept except select 'kept', * from fresh)
    order by 2, 3, 4, 5, 1`;
}
