import { and, eq, gt, sql } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { today } from "~/utils/clock";
import { accountInvoicesScope, type ReadScope } from "./scope.server";

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

/** The totals at the top of the invoice list, per currency (amounts are never summed across currencies). */
export async function accountBalances(scope: ReadScope, accountId: string): Promise<CurrencyBalance[]> {
  const day = today();
  const rows = await db
    .select({
      currency: invoices.currency,
      openBalance: sql<string>`coalesce(sum(${invoices.balance}), 0)`,
      openCount: sql<number>`count(*)::int`,
      // Invoices on a payment plan are paid through the plan: never counted as overdue.
      overdueBalance: sql<string>`coalesce(sum(${invoices.balance}) filter (where ${invoices.dueDate} < ${day} and ${invoices.paymentPlanId} is null), 0)`,
      overdueCount: sql<number>`(count(*) filter (where ${invoices.dueDate} < ${day} and ${invoices.paymentPlanId} is null))::int`,
      onPlanBalance: sql<string>`coalesce(sum(${invoices.balance}) filter (where ${invoices.paymentPlanId} is not null), 0)`,
      onPlanCount: sql<number>`(count(*) filter (where ${invoices.paymentPlanId} is not null))::int`,
      nextDueDate: sql<string | null>`min(${invoices.dueDate}) filter (where ${invoices.dueDate} >= ${day})`,
    })
    .from(invoices)
    .where(and(accountInvoicesScope(scope, accountId), eq(invoices.status, "open"), gt(invoices.balance, 0)))
    .groupBy(invoices.currency)
    .orderBy(invoices.currency);
  // sum() of bigint is numeric in Postgres: it arrives as a string.
  return rows.map((r) => ({ ...r, openBalance: Number(r.openBalance), overdueBalance: Number(r.overdueBalance), onPlanBalance: Number(r.onPlanBalance) }));
}
