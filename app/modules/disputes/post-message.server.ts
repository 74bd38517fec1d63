import { eq } from "drizzle-orm";
import { disputes } from "#db/schema/disputes";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { isContactOf } from "~/modules/invoices/scope.server";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { transactionWithBlobs } from "~/modules/storage/blob-storage.server";
import { now } from "~/utils/clock";
import { conflict, invalidField, isProblem, notFound, type Problem } from "~/utils/problem";
import { freeTextProblem } from "~/utils/text";
import { addMessageRow, DisputeProblem, disputeEmailFacts, lockDispute, type AcceptedFile } from "./dispute-context.server";
import { disputeInfoRequestedEmail, disputeReplyEmail } from "./dispute-emails";
import { isClosed, messageTransition } from "./policy";
import { transitionDispute } from "./transition-dispute.server";

export interface PostMessageInput {
  disputeId: string;
  body: string;
  files: AcceptedFile[];
  /** Staff only: an internal note the payer never sees, or a request for information. */
  kind?: "reply" | "internal_note" | "info_request";
}

/**
 * Adds to a dispute's thread: a payer of the dispute's account, or the AR team. A payer's reply
 * to a request for information puts the dispute back in review; a staff reply counts as the first
 * response for the SLA and emails the payer; an internal note is staff-only and sends nothing.
 */
export async function postDisputeMessage(actor: Actor, input: PostMessageInput): Promise<{ disputeId: string } | Problem> {
  if (actor.kind !== "payer" && actor.kind !== "staff") return notFound("Dispute not found.");
  const side = actor.kind === "payer" ? "customer" : "staff";
  const kind = side === "customer" ? "reply" : (input.kind ?? "reply");
  const body = input.body.trim();
  if (body.length === 0 && input.files.length === 0) return invalidField("body", "Write a message or attach a file.");
  if (body.length > 5000) return invalidField("body", "Keep the message under 5,000 characters.");
  const badCharacters = freeTextProblem(body);
  if (badCharacters) return invalidField("body", badCharacters);
  try {
    // With its files: a rollback deletes them again (filesystem, S3) or takes them along (PostgreSQL).
    return await transactionWithBlobs(async (tx) => {
      const dispute = await lockDispute(tx, input.disputeId);
      const allowed = dispute && (side === "staff" || (await isContactOf(tx, actor.userId, dispute.accountId)));
      if (!dispute || !allowed) return notFound("Dispute not found.");
      if (isClosed(dispute.status)) return conflict("This dispute is closed. Open a new one from the invoice if something is still wrong.");

      const visibility = kind === "internal_note" ? "internal" : "customer";
      await addMessageRow(
        tx,
        dispute,
        { authorUserId: actor.userId, authorSide: side, visibility, kind: kind === "info_request" ? "info_request" : "message", body: body || "(files attached)" },
        input.files,
      );
      const at = now();
      const changes: Partial<typeof disputes.$inferInsert> = { updatedAt: at };
      if (side === "staff" && visibility === "customer") {
        changes.firstRespondedAt = dispute.firstRespondedAt ?? at;
        if (!dispute.assigneeUserId) changes.assigneeUserId = actor.userId;
      }
      await tx.update(disputes).set(changes).where(eq(disputes.id, dispute.id));
      await recordEvent(tx, {
        type: "dispute.message_added",
        accountId: dispute.accountId,
        subjectType: "dispute",
        subjectId: dispute.id,
        data: { from: side, visibility, kind, files: input.files.length },
      });
      const move = messageTransition(dispute.status, { side, kind });
      if (move) {
        const moved = await transitionDispute(tx, actor, dispute, { ...move, set: { updatedAt: at } });
        if (isProblem(moved)) throw new DisputeProblem(moved);
      }
      await recordAudit(tx, { ...auditActor(actor), action: `dispute.${kind}`, subjectType: "dispute", subjectId: dispute.id });
      if (side === "staff" && visibility === "customer") {
        const facts = await disputeEmailFacts(tx, dispute);
        if (facts) await queueEmail(tx, kind === "info_request" ? disputeInfoRequestedEmail({ ...facts, body }) : disputeReplyEmail({ ...facts, body }));
      }
      return { disputeId: dispute.id };
    });
  } catch (e) {
    if (e instanceof DisputeProblem) return e.problem;
    throw e;
  }
}
