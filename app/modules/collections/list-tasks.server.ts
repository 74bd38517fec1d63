import { and, asc, eq, lte, sql, type SQL } from "drizzle-orm";
import { accounts, users } from "#db/schema/accounts";
import { collectionTasks } from "#db/schema/collections";
import { db } from "~/db.server";
import { isStaffActor, type Actor } from "~/modules/auth/actor";
import { today } from "~/utils/clock";
import { forbidden, type Problem } from "~/utils/problem";

export interface OpenTask {
  id: string;
  accountId: string;
  accountName: string;
  kind: "call" | "broken_promise" | "follow_up";
  title: string;
  dueOn: string;
  assigneeId: string | null;
  assigneeName: string | null;
  /** Due today or earlier: the collector should act on it now. */
  due: boolean;
}

/**
 * Open collection tasks, the ones due (today or earlier) first, then by date: of one account, or
 * across the book for the worklist ("mine" = assigned to the signed-in staff member).
 */
export async function listOpenTasks(actor: Actor, input: { accountId?: string; assignee?: "mine" | "any"; dueOnly?: boolean; limit?: number }): Promise<OpenTask[] | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team sees collection tasks.");
  const day = today();
  const conditions: Array<SQL | undefined> = [
    eq(collectionTasks.status, "open"),
    input.accountId ? eq(collectionTasks.accountId, input.accountId) : undefined,
    input.assignee === "mine" ? eq(collectionTasks.assigneeId, actor.userId) : undefined,
    input.dueOnly ? lte(collectionTasks.dueOn, day) : undefined,
  ];
  const rows = await db
    .select({
      id: collectionTasks.id,
      accountId: collectionTasks.accountId,
      accountName: accounts.name,
      kind: collectionTasks.kind,
      title: collectionTasks.title,
      dueOn: collectionTasks.dueOn,
      assigneeId: collectionTasks.assigneeId,
      assigneeName: users.name,
    })
    .from(collectionTasks)
    .innerJoin(accounts, eq(accounts.id, collectionTasks.accountId))
    .leftJoin(users, eq(users.id, collectionTasks.assigneeId))
    .where(and(...conditions))
    .orderBy(asc(collectionTasks.dueOn), asc(collectionTasks.createdAt), asc(collectionTasks.id))
    .limit(input.limit ?? 50);
  return rows.map((r) => ({ ...r, due: r.dueOn <= day }));
}

/** How many open tasks are due today or earlier (the worklist's heading). */
export async function countTasksDue(actor: Actor, input: { assignee?: "mine" | "any" } = {}): Promise<number> {
  if (!isStaffActor(actor)) return 0;
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(collectionTasks)
    .where(and(eq(collectionTasks.status, "open"), lte(collectionTasks.dueOn, today()), input.assignee === "mine" ? eq(collectionTasks.assigneeId, actor.userId) : undefined));
  return row?.n ?? 0;
}
