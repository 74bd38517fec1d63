import { db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { isContactOf } from "~/modules/invoices/scope.server";
import { isProblem, notFound, type Problem } from "~/utils/problem";
import { addMessageRow, lockDispute } from "./dispute-context.server";
import { closeDispute } from "./release-hold.server";

/** The payer withdraws their dispute: the amount becomes payable again. Only a payer of the account may. */
export async function withdrawDispute(actor: Actor, input: { disputeId: string }): Promise<{ disputeId: string } | Problem> {
  if (actor.kind !== "payer") return notFound("Dispute not found.");
  return db.transaction(async (tx) => {
    const dispute = await lockDispute(tx, input.disputeId);
    if (!dispute || !(await isContactOf(tx, actor.userId, dispute.accountId))) return notFound("Dispute not found.");
    const closed = await closeDispute(tx, actor, dispute, "withdrawn", { audit: { action: "dispute.withdrawn" } });
    if (isProblem(closed)) return closed;
    await addMessageRow(tx, dispute, { authorUserId: actor.userId, authorSide: "customer", visibility: "customer", kind: "status_change", body: "Dispute withdrawn by the customer." });
    return { disputeId: dispute.id };
  });
}
