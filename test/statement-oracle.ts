import { sql, type SQL } from "drizzle-orm";
import { db } from "~/db.server";
import { accountInvoicesScope, type ReadScope } from "~/modules/invoices/scope.server";
import { STATEMENT_PAGE_SIZE } from "~/modules/invoices/get-statement.server";
import type { AgingBuckets, StatementLineKind, StatementPeriod } from "~/modules/invoices/types";

/**
 * The statement as it was computed before issue 20 (every fact of the account's whole history,
 * summed and paged in SQL), kept frozen as the reference the faster statement is compared with
 * (app/modules/invoices/statement-oracle.test.ts). Do not optimise it: its worth is being obviously right.
 */
/**
 * Every dated fact that moved a balance of the account's invoices, one row per invoice touched,
 * signed (+ owed more, − owed less). Where each fact lives:
 * - invoices.issue_date: the invoice (+total); a late fee is its own invoice, named for the one it is on;
 * - events "invoice.discount_taken": early-payment discounts (with a payment's money or credit alone);
 * - credit_applications: account credits applied to invoices;
 * - payments.succeeded_at with payment_allocations: portal payments (only succeeded ones: a
 *   processing ACH payment is not money received yet, and its allocation does not lower the balance);
 * - events "payment.recorded_offline" (received_on): payments made outside the portal;
 * - credit_memos.created_at: credits;
 * - refunds.settled_at with refund_allocations: succeeded refunds reopen balances;
 * - events "invoice.reopened" carrying a chargebackId: money a chargeback withdrew; what has been
 *   given back since (withdrawn − still allocated) is one reinstatement line at the chargeback's close;
 * - events "invoice.voided" (else the issue date): a void takes off what was still owed.
 * An invoice whose balance these facts do not explain (amounts loaded without history, as the demo
 * seed does) gets one "adjustment" line on its issue date, so the closing balance is always the
 * sum of the open balances.
 */
function ledger(scope: ReadScope, accountId: string): SQL {
  const utcDay = (column: SQL) => sql`(${column} at time zone 'UTC')::date`;
  return sql`
    inv as (
      select id, number, currency, issue_date, due_date, total, status, balance, amount_paid, amount_credited, late_fee_for_invoice_id
      from invoices where ${accountInvoicesScope(scope, accountId)}
    ),
    facts as (
      select i.id as invoice_id, i.currency, i.issue_date as on_date, 1 as ord,
             case when i.late_fee_for_invoice_id is null then 'invoice' else 'late_fee' end as kind, i.id as source_id,
             case when i.late_fee_for_invoice_id is null then null::text else 'On invoice ' || coalesce(parent.number, '') end as detail, i.total as amount
        from inv i left join inv parent on parent.id = i.late_fee_for_invoice_id
      union all
      select i.id, i.currency, ${utcDay(sql`p.succeeded_at`)}, 2, 'payment', p.id, p.method_label, -a.amount
        from payment_allocations a join inv i on i.id = a.invoice_id join payments p on p.id = a.payment_id
        where p.status = 'succeeded' and p.succeeded_at is not null
      union all
      -- Early-payment discounts taken (with a payment's money, or with credit alone): each is an event.
      select i.id, i.currency, ${utcDay(sql`e.created_at`)}, 3, 'discount', e.id, null, -(e.data->>'discount')::bigint
        from events e join inv i on i.id = e.subject_id
        where e.type = 'invoice.discount_taken' and e.subject_type = 'invoice' and e.account_id = ${accountId}
      union all
      -- Account credits applied to invoices (by the payer on the pay page, or by staff).
      select i.id, i.currency, ${utcDay(sql`ca.created_at`)}, 3, 'credit', ca.id, ac.reason, -ca.amount
        from credit_applications ca join account_credits ac on ac.id = ca.credit_id join inv i on i.id = ca.invoice_id
      union all
      select i.id, i.currency, coalesce((e.data->>'receivedOn')::date, ${utcDay(sql`e.created_at`)}), 2, 'offline_payment', e.id, e.data->>'reference', -(e.data->>'amount')::bigint
        from events e join inv i on i.id = e.subject_id
        where e.type = 'payment.recorded_offline' and e.subject_type = 'invoice' and e.account_id = ${accountId}
      union all
      select i.id, i.currency, ${utcDay(sql`c.created_at`)}, 3, 'credit', c.id, c.reason, -c.amount
        from credit_memos c join inv i on i.id = c.invoice_id
      union all
      select i.id, i.currency, ${utcDay(sql`r.settled_at`)}, 4, 'refund', r.id, null, ra.amount
        from refund_allocations ra join refunds r on r.id = ra.refund_id join inv i on i.id = ra.invoice_id
        where r.status = 'succeeded' and r.settled_at is not null
      union all
      select i.id, i.currency, ${utcDay(sql`e.created_at`)}, 5, 'chargeback', e.data->>'chargebackId', null, (e.data->>'amount')::bigint
        from events e join inv i on i.id = e.subject_id
        where e.type = 'invoice.reopened' and e.subject_type = 'invoice' and e.account_id = ${accountId} and e.data ? 'chargebackId'
      union all
      select i.id, i.currency, ${utcDay(sql`coalesce(cb.closed_at, cb.updated_at)`)}, 6, 'chargeback_reinstated', cb.id, null, -(w.withdrawn - coalesce(ca.amount, 0))
        from (
          select subject_id as invoice_id, data->>'chargebackId' as chargeback_id, sum((data->>'amount')::bigint) as withdrawn
          from events
          where type = 'invoice.reopened' and subject_type = 'invoice' and account_id = ${accountId} and data ? 'chargebackId'
          group by 1, 2
        ) w
        join inv i on i.id = w.invoice_id
        join chargebacks cb on cb.id = w.chargeback_id
        left join chargeback_allocations ca on ca.chargeback_id = cb.id and ca.invoice_id = w.invoice_id
        where w.withdrawn > coalesce(ca.amount, 0)
      union all
      select i.id, i.currency,
             coalesce((select ${utcDay(sql`v.created_at`)} from events v where v.subject_type = 'invoice' and v.subject_id = i.id and v.type = 'invoice.voided' order by v.seq desc limit 1), i.issue_date),
             7, 'void', i.id, null, -(i.total - i.amount_paid - i.amount_credited)
        from inv i where i.status = 'void'
    ),
    unexplained as (
      select i.id as invoice_id, i.currency, i.issue_date as on_date, 8 as ord, 'adjustment' as kind, i.id as source_id, null::text as detail, i.balance - f.explained as amount
      from inv i join (select invoice_id, sum(amount) as explained from facts group by invoice_id) f on f.invoice_id = i.id
      where i.balance <> f.explained
    ),
    entries as (
      select * from facts where amount <> 0
      union all
      select * from unexplained
    )`;
}

type SummaryRow = { currency: string; opening: string; closing: string; invoiced: string; reductions: string; increases: string; line_count: number };
type AgingRow = { currency: string; bucket: keyof AgingBuckets; amount: string };
type LineRow = { currency: string; on_date: string; kind: StatementLineKind; source_id: string; invoices: string; detail: string | null; amount: string; balance: string };

/** Sections (without processing payments) and lines (without offers) of the account's statement, the old way. */
export async function oracleStatement(scope: ReadScope, accountId: string, period: StatementPeriod, page: number | null) {
  const { from, to } = period;
  const entries = ledger(scope, accountId);
  const window = page === null ? sql`` : sql`limit ${STATEMENT_PAGE_SIZE} offset ${(page - 1) * STATEMENT_PAGE_SIZE}`;
  const [figures] = await db.execute<{ summaries: SummaryRow[] | null; aging: AgingRow[] | null; lines: LineRow[] | null }>(sql`
      with ${entries},
      summaries as (
        select currency,
          coalesce(sum(amount) filter (where on_date < ${from}::date), 0)::text as opening,
          coalesce(sum(amount) filter (where on_date <= ${to}::date), 0)::text as closing,
          coalesce(sum(amount) filter (where on_date between ${from}::date and ${to}::date and kind in ('invoice', 'late_fee')), 0)::text as invoiced,
          coalesce(sum(amount) filter (where on_date between ${from}::date and ${to}::date and amount < 0), 0)::text as reductions,
          coalesce(sum(amount) filter (where on_date between ${from}::date and ${to}::date and amount > 0 and kind not in ('invoice', 'late_fee')), 0)::text as increases,
          count(distinct (on_date, ord, source_id)) filter (where on_date between ${from}::date and ${to}::date)::int as line_count
        from entries group by currency
      ),
      at_end as (
        select e.currency, i.due_date, sum(e.amount) as balance
        from entries e join inv i on i.id = e.invoice_id
        where e.on_date <= ${to}::date
        group by e.invoice_id, e.currency, i.due_date
        having sum(e.amount) > 0
      ),
      aging as (
        select currency,
          case when ${to}::date - due_date <= 0 then 'current' when ${to}::date - due_date <= 30 then 'days1to30'
               when ${to}::date - due_date <= 60 then 'days31to60' when ${to}::date - due_date <= 90 then 'days61to90' else 'over90' end as bucket,
          sum(balance)::text as amount
        from at_end group by 1, 2
      ),
      opening as (select currency, sum(amount) as amount from entries where on_date < ${from}::date group by currency),
      lines as (
        select e.currency, e.on_date, e.ord, e.kind, e.source_id, min(e.detail) as detail, sum(e.amount) as amount,
               string_agg(distinct i.number, ', ' order by i.number) as invoices
        from entries e join inv i on i.id = e.invoice_id
        where e.on_date between ${from}::date and ${to}::date
        group by e.currency, e.on_date, e.ord, e.kind, e.source_id
      ),
      shown as (
        select l.currency, l.on_date::text as on_date, l.ord, l.kind, l.source_id, l.invoices, l.detail, l.amount::text as amount,
          (coalesce(o.amount, 0) + sum(l.amount) over (partition by l.currency order by l.on_date, l.ord, l.source_id rows unbounded preceding))::text as balance
        from lines l left join opening o on o.currency = l.currency
        order by l.currency, l.on_date, l.ord, l.source_id
        ${window}
      )
      select (select json_agg(s order by s.currency) from summaries s) as summaries,
             (select json_agg(a) from aging a) as aging,
             (select json_agg(l order by l.currency, l.on_date, l.ord, l.source_id) from shown l) as lines`);
  const aging = figures?.aging ?? [];
  const sections = (figures?.summaries ?? []).map((s) => {
    const buckets: AgingBuckets = { current: 0, days1to30: 0, days31to60: 0, days61to90: 0, over90: 0 };
    for (const row of aging) if (row.currency === s.currency) buckets[row.bucket] = Number(row.amount);
    return { currency: s.currency, opening: Number(s.opening), closing: Number(s.closing), invoiced: Number(s.invoiced), reductions: Number(s.reductions), increases: Number(s.increases), lineCount: s.line_count, aging: buckets };
  });
  const lines = (figures?.lines ?? []).map((r) => ({ currency: r.currency, date: r.on_date, kind: r.kind, invoices: r.invoices, detail: r.detail, amount: Number(r.amount), balance: Number(r.balance) }));
  return { sections, lines };
}
