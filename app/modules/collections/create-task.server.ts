import { and, eq, inArray } from "drizzle-orm";
import { accounts, users } from "#db/schema/accounts";
import { collectionProfiles, collectionTasks } from "#db/schema/collections";
import { db } from "~/db.server";
import { auditActor, isStaffActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { today } from "~/utils/clock";
import { addDays, formatDate, isCalendarDate } from "~/utils/dates";
import { singleLineProblem } from "~/utils/text";
import { forbidden, invalidField, notFound, type Problem } from "~/utils/problem";

/** A follow-up may be dated at most this far ahead. */
export const FOLLOW_UP_MAX_DAYS = 365;

export interface CreateFollowUpInput {
  accountId: string;
  dueOn: string;
  title?: string | null;
  /** A staff user; none = the account's collector (or, without one, whoever adds it). */
  assigneeId?: string | null;
}

/** Staff add a dated follow-up to an account ("call back Thursday"), for its collector unless told. */
export async function createFollowUpTask(actor: Actor, input: CreateFollowUpInput): Promise<{ taskId: string } | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team adds collection tasks.");
  const day = today();
  if (!isCalendarDate(input.dueOn)) return invalidField("dueOn", "Enter the date to follow up on.");
  if (input.dueOn < day) return invalidField("dueOn", "The date can't be in the past.");
  const latest = addDays(day, FOLLOW_UP_MAX_DAYS);
  if (input.dueOn > latest) return invalidField("dueOn", `Choose a date on or before ${formatDate(latest)}.`);
  const title = input.title?.trim() || "Follow up";
  if (title.length > 200) return invalidField("title", "Keep the title under 200 characters.");
  const titleProblem = singleLineProblem(title);
  if (titleProblem) return invalidField("title", titleProblem);
  if (input.accountId.length > 40) return notFound("No such customer.");
  if (input.assigneeId && input.assigneeId.length > 40) return invalidField("assigneeId", "Choose a member of the AR team.");

  return db.transaction(async (tx) => {
    const [account] = await tx
      .select({ id: accounts.id, collectorId: collectionProfiles.collectorId })
      .from(accounts)
      .leftJoin(collectionProfiles, eq(collectionProfiles.accountId, accounts.id))
      .where(eq(accounts.id, input.accountId));
    if (!account) return notFound("No such customer.");
    const assigneeId = input.assigneeId || account.collectorId || actor.userId;
    const [staff] = await tx.select({ id: users.id }).from(users).where(and(eq(users.id, assigneeId), inArray(users.role, ["ar_agent", "ar_admin"])));
    if (!staff) return invalidField("assigneeId", "Choose a member of the AR team.");
    const [task] = await tx.insert(collectionTasks).values({ accountId: account.id, kind: "follow_up", dueOn: input.dueOn, assigneeId, title }).returning({ id: collectionTasks.id });
    await recordEvent(tx, {
      type: "collection_task.created",
      accountId: account.id,
      subjectType: "collection_task",
      subjectId: task!.id,
      data: { kind: "follow_up", title, due_on: input.dueOn, assignee_id: assigneeId, created_by: actor.userId },
    });
    await recordAudit(tx, { ...auditActor(actor), action: "collection_task.created", subjectType: "collection_task", subjectId: task!.id, data: { dueOn: input.dueOn, assigneeId } });
    return { taskId: task!.id };
  });
}
