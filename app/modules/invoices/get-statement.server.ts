import { and, eq, isNotNull, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { accounts } from "#db/schema/accounts";
import { db } from "~/db.server";
import { today } from "~/utils/clock";
import { isCalendarDate } from "~/utils/dates";
import { accountInvoiceTotals, invoices } from "#db/schema/invoices";
import { payments } from "#db/schema/payments";
import { companyToday } from "~/modules/terms/company-date.server";
import { invoiceOffer } from "~/modules/terms/payment-terms";
import type { Actor } from "~/modules/auth/actor";
import { invalid, isProblem, notFound, type Problem } from "~/utils/problem";
import { accountInvoicesScope, accountScope, inReadersAccount, type ReadScope } from "./scope.server";
import { emptyAging } from "./status";
import type { AgingBuckets, Statement, StatementCurrencySection, StatementLine, StatementLineKind, StatementOffer, StatementPeriod } from "./types";

/** Lines per page of the portal's statement; the PDF and CSV carry every line. */
export const STATEMENT_PAGE_SIZE = 100;

export type StatementQuery = { ok: true; period: StatementPeriod; page: number } | { ok: false; message: string; period: StatementPeriod };

/** The default period: the current month up to today. */
export function defaultPeriod(day = today()): StatementPeriod {
  return { from: `${day.slice(0, 8)}01`, to: day };
}

/**
 * The statement page's GET form and the downloads' query, `?from=YYYY-MM-DD&to=YYYY-MM-DD&page=N`,
 * as one schema: an empty or missing date is the default period's, and each refusal says what is
 * wrong (the first one is shown).
 */
export function statementQuerySchema(fallback: StatementPeriod = defaultPeriod()) {
  const day = (name: "start" | "end", orElse: string) =>
    z
      .string()
      .trim()
      .optional()
      .transform((text) => text || orElse)
      .refine(isCalendarDate, { error: (issue) => `The ${name} date "${String(issue.input).slice(0, 40)}" is not a date: use YYYY-MM-DD, e.g. ${orElse}.` });
  return z
    .object({
      from: day("start", fallback.from),
      to: day("end", fallback.to),
      page: z
        .string()
        .trim()
        .optional()
        .transform((text) => text || "1")
        .refine((text) => /^[1-9]\d{0,5}$/.test(text), { error: (issue) => `The page "${String(issue.input).slice(0, 20)}" is not a page number (1, 2, 3…).` })
        .transform(Number),
    })
    .refine((q) => q.from <= q.to, { error: (issue) => { const q = issue.input as { from: string; to: string }; return `The start date (${q.from}) is after the end date (${q.to}).`; } });
}

/** `?from=&to=&page=` → the period, or a message saying what is wrong with it (and the default period to show meanwhile). */
export function readStatementQuery(params: URLSearchParams): StatementQuery {
  const fallback = defaultPeriod();
  const parsed = statementQuerySchema(fallback).safeParse({ from: params.get("from") ?? undefined, to: params.get("to") ?? undefined, page: params.get("page") ?? undefined });
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]!.message, period: fallback };
  return { ok: true, period: { from: parsed.data.from, to: parsed.data.to }, page: parsed.data.page };
}

/**
 * The dated facts that moved a balance of the invoices in `inv` (a CTE of the account's
 * invoices), one row per invoice touched, signed (+ owed more, − owed less). Where each fact lives:
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
 * `since` (a day) keeps only the facts dated on or after it, each source filtered on its own
 * timestamp so an index can serve it; null keeps all of them.
 */
function facts(inv: SQL, accountId: string, since: string | null): SQL {
  const utcDay = (column: SQL) => sql`(${column} at time zone 'UTC')::date`;
  // utcDay(column) >= since, said so that an index on the column can serve it.
  const after = (column: SQL) => (since === null ? sql`true` : sql`${column} >= (${since}::timestamp at time zone 'UTC')`);
  const onOrAfter = (day: SQL) => (since === null ? sql`true` : sql`${day} >= ${since}::date`);
  const offlineDay = sql`coalesce((e.data->>'receivedOn')::date, ${utcDay(sql`e.created_at`)})`;
  const reinstatedAt = sql`coalesce(cb.closed_at, cb.updated_at)`;
  const voidDay = sql`coalesce((select ${utcDay(sql`v.created_at`)} from events v where v.subject_type = 'invoice' and v.subject_id = i.id and v.type = 'invoice.voided' order by v.seq desc limit 1), i.issue_date)`;
  return sql`
      select i.id as invoice_id, i.currency, i.issue_date as on_date, 1 as ord,
             case when i.late_fee_for_invoice_id is null then 'invoice' else 'late_fee' end as kind, i.id as source_id,
             case when i.late_fee_for_invoice_id is null then null::text
                  else 'On invoice ' || coalesce((select parent.number from inv parent where parent.id = i.late_fee_for_invoice_id), '') end as detail, i.total as amount
        from ${inv} i
        where ${onOrAfter(sql`i.issue_date`)}
      union all
      -- A payment's allocations are to its own account's invoices (start-payment, plans), so the account's payments are read by (account_id, succeeded_at).
      select i.id, i.currency, ${utcDay(sql`p.succeeded_at`)}, 2, 'payment', p.id, p.method_label, -a.amount
        from payments p join payment_allocations a on a.payment_id = p.id join ${inv} i on i.id = a.invoice_id
        where p.account_id = ${accountId} and p.status = 'succeeded' and p.succeeded_at is not null and ${after(sql`p.succeeded_at`)}
      union all
      -- Early-payment discounts taken (with a payment's money, or with credit alone): each is an event.
      select i.id, i.currency, ${utcDay(sql`e.created_at`)}, 3, 'discount', e.id, null, -(e.data->>'discount')::bigint
        from events e join ${inv} i on i.id = e.subject_id
        where e.type = 'invoice.discount_taken' and e.subject_type = 'invoice' and e.account_id = ${accountId} and ${after(sql`e.created_at`)}
      union all
      -- Account credits applied to invoices (by the payer on the pay page, or by staff).
      select i.id, i.currency, ${utcDay(sql`ca.created_at`)}, 3, 'credit', ca.id, ac.reason, -ca.amount
        from credit_applications ca join account_credits ac on ac.id = ca.credit_id join ${inv} i on i.id = ca.invoice_id
        where ${after(sql`ca.created_at`)}
      union all
      select i.id, i.currency, ${offlineDay}, 2, 'offline_payment', e.id, e.data->>'reference', -(e.data->>'amount')::bigint
        from events e join ${inv} i on i.id = e.subject_id
        where e.type = 'payment.recorded_offline' and e.subject_type = 'invoice' and e.account_id = ${accountId} and ${onOrAfter(offlineDay)}
      union all
      select i.id, i.currency, ${utcDay(sql`c.created_at`)}, 3, 'credit', c.id, c.reason, -c.amount
        from credit_memos c join ${inv} i on i.id = c.invoice_id
        where ${after(sql`c.created_at`)}
      union all
      select i.id, i.currency, ${utcDay(sql`r.settled_at`)}, 4, 'refund', r.id, null, ra.amount
        from refund_allocations ra join refunds r on r.id = ra.refund_id join ${inv} i on i.id = ra.invoice_id
        where r.status = 'succeeded' and r.settled_at is not null and ${after(sql`r.settled_at`)}
      union all
      select i.id, i.currency, ${utcDay(sql`e.created_at`)}, 5, 'chargeback', e.data->>'chargebackId', null, (e.data->>'amount')::bigint
        from events e join ${inv} i on i.id = e.subject_id
        where e.type = 'invoice.reopened' and e.subject_type = 'invoice' and e.account_id = ${accountId} and e.data ? 'chargebackId' and ${after(sql`e.created_at`)}
      union all
      select i.id, i.currency, ${utcDay(reinstatedAt)}, 6, 'chargeback_reinstated', cb.id, null, -(w.withdrawn - coalesce(ca.amount, 0))
        from (
          select subject_id as invoice_id, data->>'chargebackId' as chargeback_id, sum((data->>'amount')::bigint) as withdrawn
          from events
          where type = 'invoice.reopened' and subject_type = 'invoice' and account_id = ${accountId} and data ? 'chargebackId'
          group by 1, 2
        ) w
        join ${inv} i on i.id = w.invoice_id
        join chargebacks cb on cb.id = w.chargeback_id
        left join chargeback_allocations ca on ca.chargeback_id = cb.id and ca.invoice_id = w.invoice_id
        where w.withdrawn > coalesce(ca.amount, 0) and ${after(reinstatedAt)}
      union all
      select i.id, i.currency, ${voidDay}, 7, 'void', i.id, null, -(i.total - i.amount_paid - i.amount_credited)
        from ${inv} i where i.status = 'void' and ${onOrAfter(voidDay)}`;
}

/**
 * The statement's entries dated on or after `from`, without reading the account's older history.
 * Every invoice's entries (its facts, plus one "adjustment" on its issue date for whatever balance
 * they do not explain — amounts loaded without history, as the demo seed does) sum to its current
 * balance, so for any day d: Σ entries dated ≤ d = Σ current balances − Σ entries dated after d
 * (ADR 0056-statement-from-current-balances). Only the facts dated ≥ `from` are read, plus the whole
 * history of the invoices issued on or after `from` (whose adjustment falls in or after the
 * period) or of total 0 (whose currency may have no other entry: a currency appears on the
 * statement only if it has an entry).
 */
function recentLedger(scope: ReadScope, accountId: string, from: string): SQL {
  return sql`
    -- Not materialized: each use is planned on its own, through the primary key or the account's indexes.
    inv as not materialized (
      select id, number, currency, issue_date, due_date, total, status, balance, amount_paid, amount_credited, late_fee_for_invoice_id
      from invoices where ${accountInvoicesScope(scope, accountId)}
    ),
    -- Per currency: the sum of the current balances, from the kept totals (ADR kept account totals),
    -- and whether an invoice has a total (then the currency has an entry, its invoice line).
    balances as (
      select currency, sum(balance) as balance, exists (select 1 from inv where inv.currency = account_invoice_totals.currency and inv.total <> 0) as invoiced
      from account_invoice_totals where ${inReadersAccount(scope, accountInvoiceTotals.accountId, accountId)}
      group by currency having sum(invoice_count) > 0
    ),
    young as materialized (
      select * from inv where issue_date >= ${from}::date
      union all
      -- Rare: a currency whose every invoice has a total of 0 (skipped at once when there is none).
      select * from inv
      where issue_date < ${from}::date and total = 0 and currency in (select currency from balances where not invoiced)
        and exists (select 1 from balances where not invoiced)
    ),
    recent_facts as (select * from (${facts(sql`inv`, accountId, from)}) f where f.on_date >= ${from}::date and f.amount <> 0),
    young_facts as materialized (${facts(sql`young`, accountId, null)}),
    unexplained as (
      select i.id as invoice_id, i.currency, i.issue_date as on_date, 8 as ord, 'adjustment' as kind, i.id as source_id, null::text as detail, i.balance - f.explained as amount
      from young i join (select invoice_id, sum(amount) as explained from young_facts group by invoice_id) f on f.invoice_id = i.id
      where i.balance <> f.explained
    ),
    entries as materialized (
      select * from recent_facts
      union all
      select * from unexplained where on_date >= ${from}::date
    ),
    currencies as (
      select currency from balances where invoiced
      union select currency from young_facts where amount <> 0
      union select currency from unexplained
    )`;
}

type SummaryRow = {
  currency: string;
  opening: string;
  closing: string;
  invoiced: string;
  reductions: string;
  increases: string;
  line_count: number;
};
type AgingRow = { currency: string; bucket: keyof AgingBuckets; amount: string };
type LineRow = { currency: string; on_date: string; kind: StatementLineKind; source_id: string; invoices: string; detail: string | null; amount: string; balance: string };

/**
 * Statement of account for a period, per currency: opening balance, every line dated in the
 * period with a running balance, closing balance, and aging of the open balances at the end.
 * `page` limits the lines to one page (the portal); null returns all of them (PDF, CSV).
 * Set-based: a handful of queries whatever the number of invoices. An account the reader may
 * not see is not_found.
 */
export async function getStatement(
  scope: Actor,
  accountId: string,
  period: StatementPeriod = defaultPeriod(),
  page: number | null = null,
): Promise<Statement | Problem> {
  const { from, to } = period;
  const entries = recentLedger(scope, accountId, from);
  const window = page === null ? sql`` : sql`limit ${STATEMENT_PAGE_SIZE} offset ${(page - 1) * STATEMENT_PAGE_SIZE}`;
  // Everything at once: each read is scoped to the reader, so an account they may not see finds nothing.
  const [[account], [figures], processing, offers] = await Promise.all([
    db
      .select({ id: accounts.id, name: accounts.name, number: accounts.number, billingEmail: accounts.billingEmail })
      .from(accounts)
      .where(and(eq(accounts.id, accountId), accountScope(scope)))
      .limit(1),
    // Totals, aging and the page of lines in one statement, from the entries dated on or after
    // the period's start and the invoices' current balances (recentLedger).
    db.execute<{ summaries: SummaryRow[] | null; aging: AgingRow[] | null; lines: LineRow[] | null }>(sql`
      with ${entries},
      sums as (
        select currency,
          coalesce(sum(amount) filter (where on_date > ${to}::date), 0) as after_period,
          coalesce(sum(amount) filter (where on_date <= ${to}::date), 0) as in_period,
          coalesce(sum(amount) filter (where on_date <= ${to}::date and kind in ('invoice', 'late_fee')), 0) as invoiced,
          coalesce(sum(amount) filter (where on_date <= ${to}::date and amount < 0), 0) as reductions,
          coalesce(sum(amount) filter (where on_date <= ${to}::date and amount > 0 and kind not in ('invoice', 'late_fee')), 0) as increases,
          count(distinct (on_date, ord, source_id)) filter (where on_date <= ${to}::date)::int as line_count
        from entries group by currency
      ),
      summaries as (
        select c.currency,
          (coalesce(b.balance, 0) - coalesce(s.after_period, 0) - coalesce(s.in_period, 0)) as opening_amount,
          (coalesce(b.balance, 0) - coalesce(s.after_period, 0) - coalesce(s.in_period, 0))::text as opening,
          (coalesce(b.balance, 0) - coalesce(s.after_period, 0))::text as closing,
          coalesce(s.invoiced, 0)::text as invoiced,
          coalesce(s.reductions, 0)::text as reductions,
          coalesce(s.increases, 0)::text as increases,
          coalesce(s.line_count, 0) as line_count
        from currencies c left join balances b on b.currency = c.currency left join sums s on s.currency = c.currency
      ),
      -- What each invoice owed at the period's end, aged by its due date: its current balance
      -- less its entries dated after. Balances are never negative (paid + credited + pending +
      -- disputed ≤ total), so the invoices owing something now are the kept totals' open rows
      -- (status open, by exact due date) and any paid invoice with a balance; the few invoices with
      -- entries after the period trade their current balance for their balance then.
      touched as (select invoice_id, sum(amount) as amount from entries where on_date > ${to}::date group by invoice_id),
      at_end as (
        select currency, due_date, balance from account_invoice_totals
        where ${inReadersAccount(scope, accountInvoiceTotals.accountId, accountId)} and bucket = 'open' and balance <> 0
        union all
        select i.currency, i.due_date, i.balance from inv i
        where i.status = 'paid' and i.balance > 0
          and exists (select 1 from account_invoice_totals where ${inReadersAccount(scope, accountInvoiceTotals.accountId, accountId)} and bucket = 'paid' and balance > 0)
        union all
        select i.currency, i.due_date, -i.balance from inv i join touched x on x.invoice_id = i.id where i.balance > 0
        union all
        select i.currency, i.due_date, i.balance - x.amount from inv i join touched x on x.invoice_id = i.id where i.balance - x.amount > 0
      ),
      aging as (
        select currency,
          case when ${to}::date - due_date <= 0 then 'current' when ${to}::date - due_date <= 30 then 'days1to30'
               when ${to}::date - due_date <= 60 then 'days31to60' when ${to}::date - due_date <= 90 then 'days61to90' else 'over90' end as bucket,
          sum(balance)::text as amount
        from at_end group by 1, 2 having sum(balance) <> 0
      ),
      lines as (
        select e.currency, e.on_date, e.ord, e.kind, e.source_id, min(e.detail) as detail, sum(e.amount) as amount,
               string_agg(distinct i.number, ', ' order by i.number) as invoices
        from entries e join inv i on i.id = e.invoice_id
        where e.on_date <= ${to}::date
        group by e.currency, e.on_date, e.ord, e.kind, e.source_id
      ),
      shown as (
        select l.currency, l.on_date::text as on_date, l.ord, l.kind, l.source_id, l.invoices, l.detail, l.amount::text as amount,
          (coalesce(o.opening_amount, 0) + sum(l.amount) over (partition by l.currency order by l.on_date, l.ord, l.source_id rows unbounded preceding))::text as balance
        from lines l left join summaries o on o.currency = l.currency
        order by l.currency, l.on_date, l.ord, l.source_id
        ${window}
      )
      select (select json_agg(json_build_object('currency', s.currency, 'opening', s.opening, 'closing', s.closing, 'invoiced', s.invoiced, 'reductions', s.reductions,
                'increases', s.increases, 'line_count', s.line_count) order by s.currency) from summaries s) as summaries,
             (select json_agg(a) from aging a) as aging,
             (select json_agg(l order by l.currency, l.on_date, l.ord, l.source_id) from shown l) as lines`),
    db.execute<{ currency: string; count: number; amount: string }>(sql`
      select currency, count(*)::int as count, sum(amount)::text as amount from payments
      where ${inReadersAccount(scope, payments.accountId, accountId)} and status = 'processing'
      group by currency`),
    discountOffers(scope, accountId),
  ]);
  if (!account) return notFound("Account not found.");
  const summaries = figures?.summaries ?? [];
  const aging = figures?.aging ?? [];
  const rows = figures?.lines ?? [];

  const sections: StatementCurrencySection[] = summaries.map((s) => ({
    currency: s.currency,
    opening: Number(s.opening),
    closing: Number(s.closing),
    invoiced: Number(s.invoiced),
    reductions: Number(s.reductions),
    increases: Number(s.increases),
    lineCount: s.line_count,
    aging: emptyAging(),
    processing: { count: 0, amount: 0 },
  }));
  const byCurrency = new Map(sections.map((s) => [s.currency, s]));
  for (const row of aging) {
    const section = byCurrency.get(row.currency);
    if (section) section.aging[row.bucket] = Number(row.amount);
  }
  for (const row of processing) {
    const section = byCurrency.get(row.currency);
    if (section) section.processing = { count: row.count, amount: Number(row.amount) };
  }

  const lineCount = sections.reduce((n, s) => n + s.lineCount, 0);
  const offerOf = new Map(offers.map((o) => [o.invoiceId, o]));
  const lines = rows.map((r): StatementLine & { currency: string } => {
    const offer = r.kind === "invoice" ? offerOf.get(r.source_id) : undefined;
    return {
      currency: r.currency,
      date: r.on_date,
      kind: r.kind,
      invoices: r.invoices,
      detail: r.detail,
      amount: Number(r.amount),
      balance: Number(r.balance),
      ...(offer ? { offer: { until: offer.until, payInFull: offer.payInFull, saves: offer.saves } } : {}),
    };
  });
  return {
    account,
    asOf: today(),
    period,
    sections,
    lines,
    page: page === null ? null : { number: page, size: STATEMENT_PAGE_SIZE, count: Math.max(1, Math.ceil(lineCount / STATEMENT_PAGE_SIZE)) },
    offers,
  };
}

/** The account's open invoices whose early-payment discount can still be earned today (the company's calendar), oldest first. */
async function discountOffers(scope: ReadScope, accountId: string): Promise<StatementOffer[]> {
  const day = companyToday();
  const open = await db
    .select({
      id: invoices.id,
      number: invoices.number,
      currency: invoices.currency,
      status: invoices.status,
      total: invoices.total,
      balance: invoices.balance,
      amountPending: invoices.amountPending,
      amountDisputed: invoices.amountDisputed,
      amountDiscounted: invoices.amountDiscounted,
      paymentPlanId: invoices.paymentPlanId,
      issueDate: invoices.issueDate,
      discountBps: invoices.discountBps,
      discountDays: invoices.discountDays,
    })
    .from(invoices)
    .where(and(accountInvoicesScope(scope, accountId), eq(invoices.status, "open"), isNotNull(invoices.discountBps), sql`${invoices.issueDate} + ${invoices.discountDays} >= ${day}::date`))
    .orderBy(invoices.issueDate, invoices.number);
  return open.flatMap((i) => {
    const offer = invoiceOffer(i, day);
    return offer ? [{ ...offer, currency: i.currency, invoiceId: i.id, number: i.number }] : [];
  });
}

/**
 * The whole statement for a download (PDF or CSV) of `?from=&to=`: every line, and the file's
 * name without its extension. A bad period is invalid (the download routes answer 400 with the message).
 */
export async function statementDownload(actor: Actor, input: { accountId: string; searchParams: URLSearchParams }): Promise<{ statement: Statement; filename: string } | Problem> {
  const query = readStatementQuery(input.searchParams);
  if (!query.ok) return invalid(query.message);
  const statement = await getStatement(actor, input.accountId, query.period);
  if (isProblem(statement)) return statement;
  const { from, to } = statement.period;
  return { statement, filename: `statement-${statement.account.number}-${from}-${to}`.replace(/[^\w.-]+/g, "_") };
}
