import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { isContactOf } from "~/modules/invoices/scope.server";
import { addMessageRow, lockDispute } from "./dispute-context.server";
import { isClosed } from "./policy";
import { closeDispute } from "./release-hold.server";

/** The payer withdraws their dispute: the amount becomes payable again. */
export async function withdrawDispute(input: { payer: { userId: string; ip: string | null }; disputeId: string }): Promise<{ ok: boolean; notFound?: boolean; message?: string }> {
  return db.transaction(async (tx) => {
    const dispute = await lockDispute(tx, input.disputeId);
    if (!dispute || !(await isContactOf(tx, input.payer.userId, dispute.accountId))) return { ok: false, notFound: true };
    if (isClosed(dispute.status)) return { ok: false, message: "This dispute is already closed." };
    await closeDispute(tx, dispute, "withdrawn");
    await addMessageRow(tx, dispute, { authorUserId: input.payer.userId, authorSide: "customer", visibility: "customer", kind: "status_change", body: "Dispute withdrawn by the customer." });
    await recordAudit(tx, { actorUserId: input.payer.userId, actorType: "user", action: "dispute.withdrawn", subjectType: "dispute", subjectId: dispute.id, ip: input.payer.ip });
    return { ok: true };
  });
}
