import { and, eq, inArray } from "drizzle-orm";
import { disputes, type Dispute, type DisputeStatus } from "#db/schema/disputes";
import type { Tx } from "~/db.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { conflict, type Problem } from "~/utils/problem";
import { allowedFrom, canTransition, isClosed, statusLabels, type DisputeTrigger } from "./policy";

/**
 * The one writer of a dispute's status. The UPDATE only matches a dispute still in a status the
 * policy allows the move from (so two clerks racing cannot both move it), the row count says
 * whether it did, and the `dispute.status_changed` event and the audit row are written in the
 * same transaction. Other columns that change with the move (closedAt, the credit…) go in `set`.
 */
export async function transitionDispute(
  tx: Tx,
  actor: Actor,
  dispute: Pick<Dispute, "id" | "accountId" | "status">,
  move: { trigger: DisputeTrigger; to: DisputeStatus; set?: Partial<typeof disputes.$inferInsert>; audit?: { action: string; data?: Record<string, unknown> } },
): Promise<{ from: DisputeStatus; to: DisputeStatus } | Problem> {
  const from = dispute.status;
  if (!canTransition(move.trigger, from, move.to)) {
    if (isClosed(from) && move.trigger !== "move") return conflict("This dispute is already closed.");
    return conflict(`A dispute that is ${statusLabels[from].toLowerCase()} cannot be moved to ${statusLabels[move.to].toLowerCase()}.`);
  }
  const at = new Date();
  const updated = await tx
    .update(disputes)
    .set({ updatedAt: at, ...move.set, status: move.to })
    .where(and(eq(disputes.id, dispute.id), inArray(disputes.status, allowedFrom(move.trigger, move.to))))
    .returning({ id: disputes.id });
  if (updated.length !== 1) return conflict("The dispute changed meanwhile. Reload the page and try again.");
  await recordEvent(tx, { type: "dispute.status_changed", accountId: dispute.accountId, subjectType: "dispute", subjectId: dispute.id, data: { from, to: move.to } });
  await recordAudit(tx, { ...auditActor(actor), action: move.audit?.action ?? "dispute.status_changed", subjectType: "dispute", subjectId: dispute.id, data: move.audit?.data ?? { from, to: move.to } });
  return { from, to: move.to };
}
