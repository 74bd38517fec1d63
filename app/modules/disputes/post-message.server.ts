import { and, eq } from "drizzle-orm";
import { accountContacts } from "#db/schema/accounts";
import { disputes } from "#db/schema/disputes";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { now } from "~/utils/clock";
import { hasNul } from "~/utils/nul";
import { addMessageRow, DisputeProblem, disputeEmailFacts, lockDispute, type AcceptedFile } from "./dispute-context.server";
import { disputeInfoRequestedEmail, disputeReplyEmail } from "./dispute-emails";
import { isClosed } from "./policy";

export type MessageActor = { side: "customer"; userId: string; ip: string | null } | { side: "staff"; userId: string; ip: string | null };

export interface PostMessageInput {
  actor: MessageActor;
  disputeId: string;
  body: string;
  files: AcceptedFile[];
  /** Staff only: an internal note the payer never sees, or a request for information. */
  kind?: "reply" | "internal_note" | "info_request";
}

export type PostMessageResult = { ok: true } | { ok: false; notFound?: true; message: string };

/**
 * Adds to a dispute's thread. A payer's reply to a request for information puts the dispute back
 * in review; a staff reply counts as the first response for the SLA and emails the payer; an
 * internal note is staff-only and sends nothing.
 */
export async function postDisputeMessage(input: PostMessageInput): Promise<PostMessageResult> {
  const kind = input.actor.side === "customer" ? "reply" : (input.kind ?? "reply");
  const body = input.body.trim();
  if (body.length === 0 && input.files.length === 0) return { ok: false, message: "Write a message or attach a file." };
  if (body.length > 5000) return { ok: false, message: "Keep the message under 5,000 characters." };
  if (hasNul(body)) return { ok: false, message: "The message contains a NUL character (U+0000), which cannot be stored. Remove it and try again." };
  try {
    return await db.transaction(async (tx) => {
      const dispute = await lockDispute(tx, input.disputeId);
      const allowed =
        dispute &&
        (input.actor.side === "staff" ||
          (
            await tx
              .select()
              .from(accountContacts)
              .where(and(eq(accountContacts.accountId, dispute.accountId), eq(accountContacts.userId, input.actor.userId)))
          ).length > 0);
      if (!dispute || !allowed) return { ok: false as const, notFound: true as const, message: "Dispute not found." };
      if (isClosed(dispute.status)) return { ok: false as const, message: "This dispute is closed. Open a new one from the invoice if something is still wrong." };

      const visibility = kind === "internal_note" ? "internal" : "customer";
      await addMessageRow(
        tx,
        dispute,
        { authorUserId: input.actor.userId, authorSide: input.actor.side, visibility, kind: kind === "info_request" ? "info_request" : "message", body: body || "(files attached)" },
        input.files,
      );
      const at = now();
      const changes: Partial<typeof disputes.$inferInsert> = { updatedAt: at };
      let statusTo: typeof dispute.status | null = null;
      if (input.actor.side === "customer" && dispute.status === "waiting_on_customer") statusTo = "in_review";
      if (kind === "info_request") statusTo = "waiting_on_customer";
      if (input.actor.side === "staff" && visibility === "customer") {
        changes.firstRespondedAt = dispute.firstRespondedAt ?? at;
        if (!dispute.assigneeUserId) changes.assigneeUserId = input.actor.userId;
        if (dispute.status === "open" && !statusTo) statusTo = "in_review";
      }
      if (statusTo && statusTo !== dispute.status) changes.status = statusTo;
      await tx.update(disputes).set(changes).where(eq(disputes.id, dispute.id));
      await recordEvent(tx, {
        type: "dispute.message_added",
        accountId: dispute.accountId,
        subjectType: "dispute",
        subjectId: dispute.id,
        data: { from: input.actor.side, visibility, kind, files: input.files.length },
      });
      if (statusTo && statusTo !== dispute.status) {
        await recordEvent(tx, { type: "dispute.status_changed", accountId: dispute.accountId, subjectType: "dispute", subjectId: dispute.id, data: { from: dispute.status, to: statusTo } });
      }
      await recordAudit(tx, { actorUserId: input.actor.userId, actorType: "user", action: `dispute.${kind}`, subjectType: "dispute", subjectId: dispute.id, ip: input.actor.ip });
      if (input.actor.side === "staff" && visibility === "customer") {
        const facts = await disputeEmailFacts(tx, dispute);
        if (facts) await queueEmail(tx, kind === "info_request" ? disputeInfoRequestedEmail({ ...facts, body }) : disputeReplyEmail({ ...facts, body }));
      }
      return { ok: true as const };
    });
  } catch (e) {
    if (e instanceof DisputeProblem) return { ok: false, message: e.message };
    throw e;
  }
}
