import { sql, type SQL } from "drizzle-orm";

/** Whose receivables a figure covers: one currency always (amounts never mix), narrowed optionally. */
export interface ReceivablesScope {
  currency: string;
  /** One account (the API's `customer`, the dashboard's customer filter). */
  accountId?: string | null;
  /** Accounts whose collection profile is in this segment now. */
  segment?: string | null;
  /** Accounts whose collector is this staff user now. */
  collectorId?: string | null;
}

export const isWholeBook = (scope: ReceivablesScope) => !scope.accountId && !scope.segment && !scope.collectorId;

/**
 * The ledger rows of a scope as (measure, effective_on, bucket_on, amount). The whole book reads
 * the rollup plus the rows the fold job has not added yet (a reader never waits for the fold and
 * never counts a row twice: folding flips `folded` in the same transaction as the rollup update).
 * A narrowed scope reads its accounts' rows directly (indexed by account).
 */
export function receivablesRows(scope: ReceivablesScope): SQL {
  if (isWholeBook(scope)) {
    return sql`(
      select measure, effective_on, bucket_on, amount from receivable_rollup where currency = ${scope.currency}
      union all
      select measure, effective_on, bucket_on, amount from receivable_entries where not folded and currency = ${scope.currency}
    )`;
  }
  return sql`(select e.measure, e.effective_on, e.bucket_on, e.amount from receivable_entries e where e.currency = ${scope.currency} and ${scopedAccounts(scope, sql`e.account_id`)})`;
}

/** A condition on an account id column restricting it to the scope's accounts. */
export function scopedAccounts(scope: ReceivablesScope, accountIdColumn: SQL): SQL {
  const conditions: SQL[] = [];
  if (scope.accountId) conditions.push(sql`${accountIdColumn} = ${scope.accountId}`);
  const profile: SQL[] = [];
  if (scope.segment) profile.push(sql`cp.segment = ${scope.segment}`);
  if (scope.collectorId) profile.push(sql`cp.collector_id = ${scope.collectorId}`);
  if (profile.length > 0) conditions.push(sql`${accountIdColumn} in (select cp.account_id from collection_profiles cp where ${sql.join(profile, sql` and `)})`);
  return conditions.length > 0 ? sql.join(conditions, sql` and `) : sql`true`;
}
