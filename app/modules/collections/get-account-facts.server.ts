import { sql } from "drizzle-orm";
import { db } from "~/db.server";
import { isStaffActor, type Actor } from "~/modules/auth/actor";
import { accountBalances, type CurrencyBalance } from "~/modules/invoices/account-balances.server";
import { PAYMENT_GROUPS } from "~/modules/payments/payment-states";
import { today } from "~/utils/clock";
import { addDays } from "~/utils/dates";
import { forbidden, type Problem } from "~/utils/problem";

export interface AccountFacts {
  /** Mean days between due date and payment of the invoices paid in the last 12 months (early = 0); null when none. */
  averageDaysLate: number | null;
  paidInvoices12m: number;
  balances: CurrencyBalance[];
  disputes12m: number;
  promisesKept: number;
  promisesBroken: number;
  /** kept / (kept + broken), 0–1; null before any promise was resolved. */
  promiseKeptRate: number | null;
}

/**
 * The computed facts shown beside an account's segment: how late it pays, what it owes, how
 * often it disputes, whether it keeps its promises. An invoice's payment date is the day its last
 * portal payment succeeded (payments × allocations); invoices settled only offline or by credit
 * have no such day and are left out of the average.
 */
export async function getAccountFacts(actor: Actor, accountId: string): Promise<AccountFacts | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team sees an account's collection facts.");
  const day = today();
  const yearAgo = addDays(day, -365);
  const paid = sql.join(
    PAYMENT_GROUPS.paid.map((s) => sql`${s}`),
    sql`, `,
  );
  const [[lateness], [counts], balances] = await Promise.all([
    db.execute<{ average: number | null; n: number }>(sql`
      select avg(greatest(0, x.paid_on - x.due_date))::float8 as average, count(*)::int as n
        from (select i.due_date, max((p.succeeded_at at time zone 'UTC')::date) as paid_on
                from invoices i
                join payment_allocations a on a.invoice_id = i.id
                join payments p on p.id = a.payment_id
               where i.account_id = ${accountId} and i.status = 'paid' and p.status in (${paid}) and p.succeeded_at is not null
               group by i.id, i.due_date) x
       where x.paid_on >= ${yearAgo}::date`),
    db.execute<{ disputes: number; kept: number; broken: number }>(sql`
      select (select count(*) from disputes d where d.account_id = ${accountId} and d.created_at >= ${yearAgo}::date)::int as disputes,
             (select count(*) from payment_promises p where p.account_id = ${accountId} and p.status = 'kept')::int as kept,
             (select count(*) from payment_promises p where p.account_id = ${accountId} and p.status = 'broken')::int as broken`),
    accountBalances({ kind: "staff" }, accountId),
  ]);
  const kept = counts?.kept ?? 0;
  const broken = counts?.broken ?? 0;
  return {
    averageDaysLate: lateness?.n ? Math.round((lateness.average ?? 0) * 10) / 10 : null,
    paidInvoices12m: lateness?.n ?? 0,
    balances,
    disputes12m: counts?.disputes ?? 0,
    promisesKept: kept,
    promisesBroken: broken,
    promiseKeptRate: kept + broken > 0 ? kept / (kept + broken) : null,
  };
}
