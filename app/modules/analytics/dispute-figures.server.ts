import { sql } from "drizzle-orm";
import type { DisputeReason } from "#db/schema/dispute-values";
import { db } from "~/db.server";
import { decidedDisputeStatuses } from "~/modules/disputes/policy";
import { textArray } from "~/utils/sql-array.server";
import { round2, type Period } from "./receivables-formulas";
import { scopedAccounts, type ReceivablesScope } from "./receivables-source.server";

export interface DisputeReasonFigures {
  reason: DisputeReason;
  /** Disputes opened in the period, and their disputed amount (minor units). */
  opened: number;
  amount: number;
  /** Disputes resolved or rejected in the period, and their average days from opening. */
  resolved: number;
  averageDaysToResolve: number | null;
}

export interface DisputeFigures {
  byReason: DisputeReasonFigures[];
  opened: number;
  amount: number;
  resolved: number;
  averageDaysToResolve: number | null;
}

/** A period's first and last day as UTC instants [from, to) for timestamp columns. */
export const periodInstants = (period: Period) => ({
  from: sql`(${period.start}::date)::timestamp at time zone 'UTC'`,
  to: sql`(${period.end}::date + 1)::timestamp at time zone 'UTC'`,
});

/**
 * Disputes in the scope and currency: opened in the period (by reason, count and amount), and
 * the time to resolve those closed in it by the AR team's decision (resolved or rejected; a
 * withdrawal is the customer's, not a resolution). One statement.
 */
export async function disputeFigures(scope: ReceivablesScope, period: Period): Promise<DisputeFigures> {
  const { from, to } = periodInstants(period);
  const opened = sql`d.created_at >= ${from} and d.created_at < ${to}`;
  const resolved = sql`d.status = any(${textArray(decidedDisputeStatuses)}) and d.closed_at >= ${from} and d.closed_at < ${to}`;
  const rows = await db.execute<{ reason: DisputeReason; opened: string; amount: string; resolved: string; days: string | null }>(sql`
    select d.reason,
      count(*) filter (where ${opened})::text as opened,
      coalesce(sum(d.amount) filter (where ${opened}), 0)::text as amount,
      count(*) filter (where ${resolved})::text as resolved,
      sum(extract(epoch from d.closed_at - d.created_at) / 86400) filter (where ${resolved})::text as days
    from disputes d
    where d.currency = ${scope.currency} and ((${opened}) or (${resolved})) and ${scopedAccounts(scope, sql`d.account_id`)}
    group by d.reason`);
  const byReason = rows
    .map((r) => {
      const resolvedCount = Number(r.resolved);
      return { reason: r.reason, opened: Number(r.opened), amount: Number(r.amount), resolved: resolvedCount, totalDays: Number(r.days ?? 0), averageDaysToResolve: resolvedCount > 0 ? round2(Number(r.days) / resolvedCount) : null };
    })
    .sort((a, b) => b.opened - a.opened || b.amount - a.amount || a.reason.localeCompare(b.reason));
  const resolvedTotal = byReason.reduce((n, r) => n + r.resolved, 0);
  const totalDays = byReason.reduce((n, r) => n + r.totalDays, 0);
  return {
    byReason: byReason.map(({ totalDays: _, ...r }) => r),
    opened: byReason.reduce((n, r) => n + r.opened, 0),
    amount: byReason.reduce((n, r) => n + r.amount, 0),
    resolved: resolvedTotal,
    averageDaysToResolve: resolvedTotal > 0 ? round2(totalDays / resolvedTotal) : null,
  };
}
