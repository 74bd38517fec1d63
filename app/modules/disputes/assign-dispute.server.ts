import { and, eq, inArray } from "drizzle-orm";
import { users } from "#db/schema/accounts";
import { disputes } from "#db/schema/disputes";
import { db } from "~/db.server";
import { auditActor, isStaffActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { conflict, forbidden, invalidField, notFound, type Problem } from "~/utils/problem";
import { lockDispute } from "./dispute-context.server";
import { isClosed } from "./policy";

const NOT_ON_TEAM = "Choose a member of the AR team.";

/** Claims a dispute (assignee = the clerk) or assigns it to another staff member, or unassigns. */
export async function assignDispute(actor: Actor, input: { disputeId: string; assigneeUserId: string | null }): Promise<{ assigneeUserId: string | null } | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team can assign a dispute.");
  // Ids are at most 40 characters: a longer one names no one (and is refused, not read as "nobody").
  if (input.assigneeUserId !== null && (input.assigneeUserId.length > 40 || input.assigneeUserId.trim() === "")) return invalidField("assignee", NOT_ON_TEAM);
  return db.transaction(async (tx) => {
    const dispute = await lockDispute(tx, input.disputeId);
    if (!dispute) return notFound("Dispute not found.");
    if (isClosed(dispute.status)) return conflict("This dispute is closed.", { fields: { assignee: "This dispute is closed." } });
    if (input.assigneeUserId) {
      const [staff] = await tx.select({ id: users.id }).from(users).where(and(eq(users.id, input.assigneeUserId), inArray(users.role, ["ar_agent", "ar_admin"])));
      if (!staff) return invalidField("assignee", NOT_ON_TEAM);
    }
    await tx.update(disputes).set({ assigneeUserId: input.assigneeUserId, updatedAt: new Date() }).where(eq(disputes.id, dispute.id));
    await recordAudit(tx, { ...auditActor(actor), action: "dispute.assigned", subjectType: "dispute", subjectId: dispute.id, data: { from: dispute.assigneeUserId, to: input.assigneeUserId } });
    return { assigneeUserId: input.assigneeUserId };
  });
}
