import { eq } from "drizzle-orm";
import { collectionTasks, taskOutcomes, type TaskOutcome } from "#db/schema/collections";
import { db } from "~/db.server";
import { auditActor, isStaffActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { now } from "~/utils/clock";
import { freeTextProblem } from "~/utils/text";
import { conflict, forbidden, invalidField, notFound, type Problem } from "~/utils/problem";

export interface CompleteTaskInput {
  taskId: string;
  /** The account page it was completed from: a task of another account is not found there. */
  accountId?: string;
  outcome: TaskOutcome;
  note?: string | null;
}

/** A collector closes a task with what came of it (reached, left a message, promised…) and a note. */
export async function completeTask(actor: Actor, input: CompleteTaskInput): Promise<{ taskId: string; accountId: string; outcome: TaskOutcome } | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team completes collection tasks.");
  if (!(taskOutcomes as readonly string[]).includes(input.outcome)) return invalidField("outcome", "Choose what came of it.");
  const note = input.note?.trim() || null;
  if (note && note.length > 2000) return invalidField("note", "Keep the note under 2,000 characters.");
  const textProblem = note ? freeTextProblem(note) : null;
  if (textProblem) return invalidField("note", textProblem);
  if (input.taskId.length > 40) return notFound("That task is not open on this account.");

  return db.transaction(async (tx) => {
    const [task] = await tx.select().from(collectionTasks).where(eq(collectionTasks.id, input.taskId)).for("update");
    if (!task || (input.accountId !== undefined && task.accountId !== input.accountId)) return notFound("That task is not open on this account.");
    if (task.status === "done") return conflict("This task was already completed.");
    const completedAt = now();
    await tx.update(collectionTasks).set({ status: "done", outcome: input.outcome, note, completedByUserId: actor.userId, completedAt }).where(eq(collectionTasks.id, task.id));
    await recordEvent(tx, {
      type: "collection_task.completed",
      accountId: task.accountId,
      subjectType: "collection_task",
      subjectId: task.id,
      data: { kind: task.kind, title: task.title, due_on: task.dueOn, outcome: input.outcome, note, completed_by: actor.userId, invoice_ids: task.invoiceIds },
    });
    await recordAudit(tx, { ...auditActor(actor), action: "collection_task.completed", subjectType: "collection_task", subjectId: task.id, data: { outcome: input.outcome } });
    return { taskId: task.id, accountId: task.accountId, outcome: input.outcome };
  });
}
