import { sql } from "drizzle-orm";
import { db } from "~/db.server";
import { isStaffActor, type Actor } from "~/modules/auth/actor";
import { forbidden, isProblem, type Problem } from "~/utils/problem";
import { textArray } from "~/utils/sql-array.server";
import { movementKinds, type MovementKind } from "./drill-labels";
import { drillScope, pageOf, type DrillScope } from "./drill-query.server";
import { DRILL_CSV_MAX_ROWS } from "./list-figure-invoices.server";
import { scopedAccounts } from "./receivables-source.server";

export const MOVEMENTS_PAGE_SIZE = 50;

export interface MovementRow {
  on: string;
  kind: MovementKind;
  invoiceId: string;
  number: string;
  accountId: string;
  accountName: string;
  accountNumber: string;
  /** The change in AR as the ledger has it: a payment lowers AR (negative), a refund raises it. */
  arChange: number;
  /**
   * The other way round, as the AR team reads it: a payment is money in (positive), a refund or
   * chargeback money out (negative); a credit or void lowers AR (positive), a revival raises it.
   */
  amount: number;
}

export interface MovementTotal {
  kind: MovementKind;
  count: number;
  amount: number;
}

export interface ReceivableMovements extends DrillScope {
  rows: MovementRow[];
  /** Per kind, over the whole period (not only this page); every kind, zero when none. */
  totals: MovementTotal[];
  count: number;
  page: number;
  pageCount: number;
  capped: boolean;
}

/**
 * GET /admin/analytics/movements (and its CSV): what moved AR in the period ending `as_of` within
 * the dashboard's filters: payments, refunds and chargebacks, credits, voids and revivals, by the
 * date they took effect (an offline payment on its received date, however late it was
 * recorded). One row per invoice, kind and day, net: an amendment's restated rows (taken out and
 * put back the same day) cancel out and are not shown. Staff only.
 */
export async function listReceivableMovements(actor: Actor, input: { params: Record<string, string>; all?: boolean }): Promise<ReceivableMovements | Problem> {
  if (!isStaffActor(actor)) return forbidden("Receivables figures are for the AR team.");
  const scope = await drillScope(input.params);
  if (isProblem(scope)) return scope;
  const page = input.all ? 1 : pageOf(input.params);
  const limit = input.all ? DRILL_CSV_MAX_ROWS : MOVEMENTS_PAGE_SIZE;
  const movements = sql`(
    select e.effective_on, e.kind, e.invoice_id, e.account_id, sum(e.amount) as amount
    from receivable_entries e
    where e.currency = ${scope.scope.currency} and e.measure = 'ar' and e.kind = any(${textArray(movementKinds)})
      and e.effective_on between ${scope.period.start}::date and ${scope.asOf}::date and ${scopedAccounts(scope.scope, sql`e.account_id`)}
    group by e.effective_on, e.kind, e.invoice_id, e.account_id
    having sum(e.amount) <> 0
  )`;
  const [rows, totals] = await Promise.all([
    db.execute<{ on: string; kind: MovementKind; invoice_id: string; number: string; account_id: string; account_name: string; account_number: string; amount: string }>(sql`
      select m.effective_on::text as on, m.kind, m.invoice_id, i.number, m.account_id, a.name as account_name, a.number as account_number, m.amount::text
      from (select * from ${movements} m order by m.effective_on desc, m.invoice_id, m.kind limit ${limit} offset ${(page - 1) * limit}) m
      join invoices i on i.id = m.invoice_id join accounts a on a.id = m.account_id
      -- The page is picked first: names are looked up for its rows only.
      order by m.effective_on desc, m.invoice_id, m.kind`),
    db.execute<{ kind: MovementKind; count: number; amount: string }>(sql`select m.kind, count(*)::int as count, sum(m.amount)::text as amount from ${movements} m group by m.kind`),
  ]);
  const byKind = new Map(totals.map((t) => [t.kind, t]));
  const count = totals.reduce((n, t) => n + t.count, 0);
  return {
    ...scope,
    rows: rows.map((r) => ({
      on: r.on,
      kind: r.kind,
      invoiceId: r.invoice_id,
      number: r.number,
      accountId: r.account_id,
      accountName: r.account_name,
      accountNumber: r.account_number,
      arChange: Number(r.amount),
      amount: -Number(r.amount),
    })),
    totals: movementKinds.map((kind) => ({ kind, count: byKind.get(kind)?.count ?? 0, amount: 0 - Number(byKind.get(kind)?.amount ?? 0) })),
    count,
    page,
    pageCount: Math.max(1, Math.ceil(count / limit)),
    capped: count > limit,
  };
}
