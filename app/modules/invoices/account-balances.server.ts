import { and, eq, sql, type SQL } from "drizzle-orm";
import { accountInvoiceTotals as totals } from "#db/schema/invoices";
import { db, prepared, type Db } from "~/db.server";
import { today } from "~/utils/clock";
import { inPayersAccountPrepared, inReadersAccount, type ReadScope } from "./scope.server";

export interface CurrencyBalance {
  currency: string;
  openBalance: number;
  openCount: number;
  overdueBalance: number;
  overdueCount: number;
  /** Open balance held by payment plans (included in openBalance, never in overdueBalance). */
  onPlanBalance: number;
  onPlanCount: number;
  nextDueDate: string | null;
}

/**
 * The open invoices' figures from the kept totals (one row per currency, due date and plan, kept
 * by the triggers of migration 0021): a few hundred rows to sum instead of the account's invoices.
 */
function balancesQuery(executor: Db, inAccount: SQL, day: unknown) {
  return (
    executor
      .select({
        currency: totals.currency,
        openBalance: sql<string>`sum(${totals.balance})`,
        openCount: sql<number>`sum(${totals.invoiceCount})::int`,
        // Invoices on a payment plan are paid through the plan: never counted as overdue.
        overdueBalance: sql<string>`coalesce(sum(${totals.balance}) filter (where ${totals.dueDate} < ${day} and not ${totals.onPlan}), 0)`,
        overdueCount: sql<number>`coalesce(sum(${totals.invoiceCount}) filter (where ${totals.dueDate} < ${day} and not ${totals.onPlan}), 0)::int`,
        onPlanBalance: sql<string>`coalesce(sum(${totals.balance}) filter (where ${totals.onPlan}), 0)`,
        onPlanCount: sql<number>`coalesce(sum(${totals.invoiceCount}) filter (where ${totals.onPlan}), 0)::int`,
        // Rows that fell to zero invoices stay in the totals: they are no due date.
        nextDueDate: sql<string | null>`min(${totals.dueDate}) filter (where ${totals.dueDate} >= ${day} and ${totals.invoiceCount} > 0)`,
      })
      .from(totals)
      .where(and(inAccount, eq(totals.bucket, "open")))
      .groupBy(totals.currency)
      .having(sql`sum(${totals.invoiceCount}) > 0`)
      .orderBy(totals.currency)
  );
}

/** The totals at the top of the invoice list, per currency (amounts are never summed across currencies). */
export async function accountBalances(scope: ReadScope, accountId: string): Promise<CurrencyBalance[]> {
  const day = today();
  // Payers (every payer page) run it prepared; staff and pay links as a plain query.
  const rows =
    scope.kind === "payer"
      ? await prepared("account_balances_payer", (pool) => balancesQuery(pool, inPayersAccountPrepared(totals.accountId), sql.placeholder("day")).prepare("account_balances_payer")).execute({
          userId: scope.userId,
          accountId,
          day,
        })
      : await balancesQuery(db, inReadersAccount(scope, totals.accountId, accountId), day);
  // sum() of bigint is numeric in Postgres: it arrives as a string.
  return rows.map((r) => ({ ...r, openBalance: Number(r.openBalance), overdueBalance: Number(r.overdueBalance), onPlanBalance: Number(r.onPlanBalance) }));
}
