import { and, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { installments, paymentPlans } from "#db/schema/plans";
import { db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { inReadersAccount, payerScope } from "~/modules/invoices/scope.server";
import { forbidden, type Problem } from "~/utils/problem";
import { OPEN_INSTALLMENT_STATUSES } from "./installment-states";
import { isPlanStatus } from "./plan-states";

const OPEN_INSTALLMENT = sql`(select min(${installments.dueDate}) from ${installments} where ${installments.planId} = ${paymentPlans.id} and ${inArray(installments.status, [...OPEN_INSTALLMENT_STATUSES])})`;
const PAID = sql<number>`(select coalesce(sum(${installments.amount}), 0)::bigint from ${installments} where ${installments.planId} = ${paymentPlans.id} and ${installments.status} = 'paid')`;
const FAILING = sql<number>`(select count(*)::int from ${installments} where ${installments.planId} = ${paymentPlans.id} and ${installments.status} = 'failed')`;

/**
 * Plans, newest first: the account's a payer acts for, or everyone's (staff, optionally by status).
 */
export async function listPlans(actor: Actor, filter: { accountId?: string; status?: string | null; limit?: number }) {
  if (actor.kind !== "payer" && actor.kind !== "staff") return forbidden("Only a payer or the AR team can list plans.") as Problem;
  const where: SQL[] = [];
  if (actor.kind === "payer") where.push(inReadersAccount(payerScope(actor.userId), paymentPlans.accountId, filter.accountId ?? ""));
  else if (filter.accountId) where.push(eq(paymentPlans.accountId, filter.accountId));
  if (isPlanStatus(filter.status)) where.push(eq(paymentPlans.status, filter.status));
  const rows = await db
    .select({
      id: paymentPlans.id,
      status: paymentPlans.status,
      currency: paymentPlans.currency,
      total: paymentPlans.total,
      frequency: paymentPlans.frequency,
      installmentCount: paymentPlans.installmentCount,
      methodLabel: paymentPlans.methodLabel,
      createdAt: paymentPlans.createdAt,
      accountId: paymentPlans.accountId,
      accountName: accounts.name,
      accountNumber: accounts.number,
      nextDueDate: sql<string | null>`${OPEN_INSTALLMENT}`,
      paid: sql<number>`${PAID}`.mapWith(Number),
      failing: FAILING,
    })
    .from(paymentPlans)
    .innerJoin(accounts, eq(accounts.id, paymentPlans.accountId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(paymentPlans.createdAt))
    .limit(filter.limit ?? 200);
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}

/** How many plans wait for staff approval (the admin nav's badge). */
export async function countPlansAwaitingApproval(): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(paymentPlans).where(eq(paymentPlans.status, "awaiting_approval"));
  return row?.n ?? 0;
}
