import { and, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { installments, paymentPlans, planStatuses, type PlanStatus } from "#db/schema/plans";
import { db } from "~/db.server";

const OPEN_INSTALLMENT = sql`(select min(${installments.dueDate}) from ${installments} where ${installments.planId} = ${paymentPlans.id} and ${installments.status} in ('scheduled','failed','paying','processing'))`;
const PAID = sql<number>`(select coalesce(sum(${installments.amount}), 0)::bigint from ${installments} where ${installments.planId} = ${paymentPlans.id} and ${installments.status} = 'paid')`;
const FAILING = sql<number>`(select count(*)::int from ${installments} where ${installments.planId} = ${paymentPlans.id} and ${installments.status} = 'failed')`;

/**
 * Plans, newest first: one account's (payer) or everyone's (staff, optionally by status).
 */
export async function listPlans(filter: { accountId?: string; status?: string | null; limit?: number }) {
  const where: SQL[] = [];
  if (filter.accountId) where.push(eq(paymentPlans.accountId, filter.accountId));
  if (filter.status && (planStatuses as readonly string[]).includes(filter.status)) where.push(eq(paymentPlans.status, filter.status as PlanStatus));
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
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(paymentPlans).where(inArray(paymentPlans.status, ["awaiting_approval"]));
  return row?.n ?? 0;
}
