import { eq } from "drizzle-orm";
import type { DisputeStatus } from "#db/schema/disputes";
import { disputes } from "#db/schema/disputes";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { addMessageRow, lockDispute } from "./dispute-context.server";
import { canMove, statusLabels } from "./policy";

/** A clerk moves an open dispute between open, in review and waiting on customer. */
export async function moveDispute(input: { staff: { userId: string; ip: string | null }; disputeId: string; to: DisputeStatus }): Promise<{ ok: boolean; message?: string }> {
  return db.transaction(async (tx) => {
    const dispute = await lockDispute(tx, input.disputeId);
    if (!dispute) return { ok: false, message: "Dispute not found." };
    if (!canMove(dispute.status, input.to)) return { ok: false, message: `A dispute that is ${statusLabels[dispute.status].toLowerCase()} cannot be moved to ${statusLabels[input.to].toLowerCase()}.` };
    await tx.update(disputes).set({ status: input.to, updatedAt: new Date() }).where(eq(disputes.id, dispute.id));
    await addMessageRow(tx, dispute, { authorUserId: input.staff.userId, authorSide: "staff", visibility: "customer", kind: "status_change", body: `Status changed to ${statusLabels[input.to]}.` });
    await recordEvent(tx, { type: "dispute.status_changed", accountId: dispute.accountId, subjectType: "dispute", subjectId: dispute.id, data: { from: dispute.status, to: input.to } });
    await recordAudit(tx, { actorUserId: input.staff.userId, actorType: "user", action: "dispute.status_changed", subjectType: "dispute", subjectId: dispute.id, ip: input.staff.ip, data: { from: dispute.status, to: input.to } });
    return { ok: true };
  });
}
