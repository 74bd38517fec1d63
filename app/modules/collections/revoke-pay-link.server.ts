import { and, eq, isNull } from "drizzle-orm";
import { payLinks } from "#db/schema/collections";
import { db } from "~/db.server";
import { auditActor, isStaffActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { now } from "~/utils/clock";
import { hasNul } from "~/utils/nul";
import { conflict, notFound, type Problem } from "~/utils/problem";

/**
 * AR staff withdraw a pay link (sent to the wrong person, invoices re-issued…): from now on it
 * opens the "withdrawn" page and pays nothing. A payment already started through it goes on (its
 * money was asked for before). Payers and the link itself cannot revoke.
 */
export async function revokePayLink(actor: Actor, input: { payLinkId: string }): Promise<{ payLinkId: string; accountId: string } | Problem> {
  if (!isStaffActor(actor) || hasNul(input.payLinkId)) return notFound("Pay link not found.");
  return db.transaction(async (tx) => {
    const [link] = await tx.select().from(payLinks).where(eq(payLinks.id, input.payLinkId)).for("update");
    if (!link) return notFound("Pay link not found.");
    if (link.revokedAt) return conflict("This pay link was already revoked.");
    await tx
      .update(payLinks)
      .set({ revokedAt: now(), revokedByUserId: actor.userId })
      .where(and(eq(payLinks.id, link.id), isNull(payLinks.revokedAt)));
    await recordAudit(tx, { ...auditActor(actor), action: "pay_link.revoked", subjectType: "pay_link", subjectId: link.id, data: { accountId: link.accountId, invoiceIds: link.invoiceIds } });
    return { payLinkId: link.id, accountId: link.accountId };
  });
}
