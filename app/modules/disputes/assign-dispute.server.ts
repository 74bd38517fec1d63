import { and, eq, inArray } from "drizzle-orm";
import { users } from "#db/schema/accounts";
import { disputes } from "#db/schema/disputes";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { lockDispute } from "./dispute-context.server";
import { isClosed } from "./policy";

/** Claims a dispute (assignee = the clerk) or assigns it to another staff member, or unassigns. */
export async function assignDispute(input: { staff: { userId: string; ip: string | null }; disputeId: string; assigneeUserId: string | null }): Promise<{ ok: boolean; message?: string }> {
  // Ids are at most 40 characters: a longer one names no one (and is refused, not read as "nobody").
  if (input.assigneeUserId !== null && (input.assigneeUserId.length > 40 || input.assigneeUserId.trim() === "")) return { ok: false, message: "Choose a member of the AR team." };
  return db.transaction(async (tx) => {
    const dispute = await lockDispute(tx, input.disputeId);
    if (!dispute) return { ok: false, message: "Dispute not found." };
    if (isClosed(dispute.status)) return { ok: false, message: "This dispute is closed." };
    if (input.assigneeUserId) {
      const [staff] = await tx.select({ id: users.id }).from(users).where(and(eq(users.id, input.assigneeUserId), inArray(users.role, ["ar_agent", "ar_admin"])));
      if (!staff) return { ok: false, message: "Choose a member of the AR team." };
    }
    await tx.update(disputes).set({ assigneeUserId: input.assigneeUserId, updatedAt: new Date() }).where(eq(disputes.id, dispute.id));
    await recordAudit(tx, { actorUserId: input.staff.userId, actorType: "user", action: "dispute.assigned", subjectType: "dispute", subjectId: dispute.id, ip: input.staff.ip, data: { from: dispute.assigneeUserId, to: input.assigneeUserId } });
    return { ok: true };
  });
}
