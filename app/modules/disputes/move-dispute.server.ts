import type { DisputeStatus } from "#db/schema/disputes";
import { db } from "~/db.server";
import { isStaffActor, type Actor } from "~/modules/auth/actor";
import { forbidden, isProblem, notFound, type Problem } from "~/utils/problem";
import { addMessageRow, lockDispute } from "./dispute-context.server";
import { statusLabels } from "./policy";
import { transitionDispute } from "./transition-dispute.server";

/** A clerk moves an open dispute between open, in review and waiting on customer. */
export async function moveDispute(actor: Actor, input: { disputeId: string; to: DisputeStatus }): Promise<{ status: DisputeStatus } | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team can change a dispute's status.");
  return db.transaction(async (tx) => {
    const dispute = await lockDispute(tx, input.disputeId);
    if (!dispute) return notFound("Dispute not found.");
    const moved = await transitionDispute(tx, actor, dispute, { trigger: "move", to: input.to });
    if (isProblem(moved)) return moved;
    await addMessageRow(tx, dispute, { authorUserId: actor.userId, authorSide: "staff", visibility: "customer", kind: "status_change", body: `Status changed to ${statusLabels[input.to]}.` });
    return { status: input.to };
  });
}
