import { and, asc, count, desc, eq, gte, inArray, isNull, lte, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { accounts, users } from "#db/schema/accounts";
import { disputeReasons, disputeStatuses, disputes } from "#db/schema/disputes";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { isStaffActor, type Actor } from "~/modules/auth/actor";
import { inReadersAccount, inReadersAccounts } from "~/modules/invoices/scope.server";
import { now } from "~/utils/clock";
import { containsPattern } from "~/utils/like-pattern";
import { forbidden, type Problem } from "~/utils/problem";
import { openDisputeStatuses } from "./policy";

export const QUEUE_PAGE_SIZE = 25;

/** A payer's disputes on their active account (the account must be theirs), newest first. */
export async function listPayerDisputes(actor: Actor, input: { accountId: string }) {
  return db
    .select({ id: disputes.id, invoiceId: disputes.invoiceId, invoiceNumber: invoices.number, reason: disputes.reason, status: disputes.status, amount: disputes.amount, currency: disputes.currency, createdAt: disputes.createdAt, updatedAt: disputes.updatedAt })
    .from(disputes)
    .innerJoin(invoices, eq(invoices.id, disputes.invoiceId))
    .where(inReadersAccount(actor, disputes.accountId, input.accountId))
    .orderBy(desc(disputes.createdAt))
    .limit(200);
}

const optionalNumber = z.coerce.number().int().min(0).optional().catch(undefined);
export const queueQuery = z.object({
  status: z.enum([...disputeStatuses, "active", "all"]).catch("active"),
  reason: z.enum(disputeReasons).optional().catch(undefined),
  assignee: z.string().max(40).optional().catch(undefined),
  customer: z.string().trim().max(100).catch(""),
  minAmount: optionalNumber,
  maxAmount: optionalNumber,
  olderThanDays: optionalNumber,
  sla: z.enum(["breached"]).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
export type QueueQuery = z.infer<typeof queueQuery>;


/**
 * The AR team's triage queue. Sorted by what needs attention first: SLA breached, then
 * unanswered by due date, then waiting items by age. Amount filters are in major units.
 */
export async function listDisputeQueue(actor: Actor, query: QueueQuery) {
  if (!isStaffActor(actor)) return forbidden("Only the AR team sees the dispute queue.");
  const viewer = actor;
  const at = now();
  const breached = sql`(${disputes.firstRespondedAt} is null and ${disputes.firstResponseDueAt} < ${at.toISOString()}::timestamptz and ${inArray(disputes.status, [...openDisputeStatuses])})`;
  const conditions: Array<SQL | undefined> = [
    query.status === "active" ? inArray(disputes.status, [...openDisputeStatuses]) : query.status === "all" ? undefined : eq(disputes.status, query.status),
    query.reason ? eq(disputes.reason, query.reason) : undefined,
    query.assignee === "me" ? eq(disputes.assigneeUserId, viewer.userId) : query.assignee === "none" ? isNull(disputes.assigneeUserId) : query.assignee ? eq(disputes.assigneeUserId, query.assignee) : undefined,
    // Ids of matching customers (a trigram index answers it), so no condition needs a join.
    query.customer ? sql`${disputes.accountId} = any(array(select ${accounts.id} from ${accounts} where ${accounts.name} ilike ${containsPattern(query.customer)}))` : undefined,
    query.minAmount !== undefined ? gte(disputes.amount, query.minAmount * 100) : undefined,
    query.maxAmount !== undefined ? lte(disputes.amount, query.maxAmount * 100) : undefined,
    query.olderThanDays !== undefined ? lte(disputes.createdAt, new Date(at.getTime() - query.olderThanDays * 86_400_000)) : undefined,
    query.sla === "breached" ? breached : undefined,
  ];
  const where = and(...conditions);
  const assignee = sql<string | null>`(select ${users.name} from ${users} where ${users.id} = ${disputes.assigneeUserId})`;
  const order = [
    desc(breached),
    // Open disputes in the policy's order (open, in review, waiting), closed ones after (null sorts last).
    sql`array_position(array[${sql.join(openDisputeStatuses.map((status) => sql`${status}`), sql`, `)}]::text[], ${disputes.status}::text)`,
    asc(disputes.firstResponseDueAt),
    asc(disputes.id),
  ];
  // Choose the page from disputes alone, then join invoices and customers for those 25 only.
  const page = db
    .select({ id: disputes.id })
    .from(disputes)
    .where(where)
    .orderBy(...order)
    .limit(QUEUE_PAGE_SIZE)
    .offset((query.page - 1) * QUEUE_PAGE_SIZE);
  const [rows, [totals], counts] = await Promise.all([
    db
      .select({
        id: disputes.id,
        status: disputes.status,
        reason: disputes.reason,
        amount: disputes.amount,
        currency: disputes.currency,
        createdAt: disputes.createdAt,
        firstResponseDueAt: disputes.firstResponseDueAt,
        firstRespondedAt: disputes.firstRespondedAt,
        invoiceNumber: invoices.number,
        accountName: accounts.name,
        assigneeName: assignee,
        breached: sql<boolean>`${breached}`,
      })
      .from(disputes)
      .innerJoin(invoices, eq(invoices.id, disputes.invoiceId))
      .innerJoin(accounts, eq(accounts.id, disputes.accountId))
      .where(inArray(disputes.id, page))
      .orderBy(...order),
    db.select({ total: count() }).from(disputes).where(where),
    db
      .select({ status: disputes.status, n: sql<number>`count(*)::int`, breached: sql<number>`(count(*) filter (where ${breached}))::int` })
      .from(disputes)
      .groupBy(disputes.status),
  ]);
  const total = totals?.total ?? 0;
  return {
    rows,
    total,
    page: query.page,
    pageCount: Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE)),
    counts: Object.fromEntries(counts.map((c) => [c.status, c.n])) as Record<string, number>,
    breachedCount: counts.reduce((s, c) => s + c.breached, 0),
  };
}

/** The AR team, for the assignee filter and the assign control. */
export async function listStaff(actor: Actor): Promise<Array<{ id: string; name: string }> | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team sees who is on it.");
  return db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.role, ["ar_agent", "ar_admin"])).orderBy(asc(users.name));
}

/** Disputes of one invoice the reader may see, newest first. */
export async function disputesForInvoice(actor: Actor, invoiceId: string) {
  return db
    .select({ id: disputes.id, status: disputes.status, amount: disputes.amount, currency: disputes.currency, createdAt: disputes.createdAt })
    .from(disputes)
    .where(and(eq(disputes.invoiceId, invoiceId), inReadersAccounts(actor, disputes.accountId)))
    .orderBy(desc(disputes.createdAt))
    .limit(20);
}
