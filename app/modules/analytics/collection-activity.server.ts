import { sql } from "drizzle-orm";
import { db } from "~/db.server";
import { periodInstants } from "./dispute-figures.server";
import { round2, type Period } from "./receivables-formulas";
import { scopedAccounts, type ReceivablesScope } from "./receivables-source.server";

export interface CollectionActivity {
  /** Promises to pay settled in the period (in the scope's currency). */
  promisesKept: number;
  promisesBroken: number;
  /** kept / (kept + broken) × 100; null when none was settled. */
  promisesKeptPercent: number | null;
  /** Reminders the engine sent in the period (every currency: a decision is per invoice, not per amount). */
  remindersAccounts: number;
  remindersEmails: number;
  remindersCalls: number;
}

/**
 * Promises kept and broken, and reminders sent, in the period and scope: one statement. The run
 * sends one email (and makes one call task) per account and day whatever the number of invoices
 * it names, so those are counted, not the per-invoice decisions.
 */
export async function collectionActivity(scope: ReceivablesScope, period: Period): Promise<CollectionActivity> {
  const { from, to } = periodInstants(period);
  const [row] = await db.execute<{ kept: string; broken: string; accounts: string; emails: string; calls: string }>(sql`
    select p.kept::text, p.broken::text, r.accounts::text, r.emails::text, r.calls::text
    from (
      select count(*) filter (where p.status = 'kept') as kept, count(*) filter (where p.status = 'broken') as broken
      from payment_promises p
      where p.currency = ${scope.currency} and p.status in ('kept', 'broken') and p.resolved_at >= ${from} and p.resolved_at < ${to}
        and ${scopedAccounts(scope, sql`p.account_id`)}
    ) p, (
      select count(distinct r.account_id) as accounts, count(distinct (r.account_id, r.run_on)) filter (where r.channel = 'email') as emails,
        count(distinct (r.account_id, r.run_on)) filter (where r.channel = 'call') as calls
      from reminder_decisions r
      where r.action = 'send' and r.run_on between ${period.start}::date and ${period.end}::date and ${scopedAccounts(scope, sql`r.account_id`)}
    ) r`);
  const kept = Number(row!.kept);
  const broken = Number(row!.broken);
  return {
    promisesKept: kept,
    promisesBroken: broken,
    promisesKeptPercent: kept + broken > 0 ? round2((kept / (kept + broken)) * 100) : null,
    remindersAccounts: Number(row!.accounts),
    remindersEmails: Number(row!.emails),
    remindersCalls: Number(row!.calls),
  };
}
