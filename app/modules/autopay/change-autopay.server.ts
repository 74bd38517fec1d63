import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { autopayCharges, autopayEnrollments, type AutopayStatus } from "#db/schema/autopay";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { recordEvent } from "~/modules/events/record-event.server";
import { inReadersAccount } from "~/modules/invoices/scope.server";
import { conflict, forbidden, notFound, type Problem } from "~/utils/problem";

export type AutopayChange = "pause" | "resume" | "cancel";

/**
 * The payer pauses, resumes or cancels autopay, at any time. Pausing or cancelling withdraws the
 * charges announced but not yet made (a debit already sent to the bank runs its course).
 */
export async function changeAutopay(actor: Actor, input: { accountId: string; change: AutopayChange }): Promise<{ status: AutopayStatus } | Problem> {
  if (actor.kind !== "payer") return forbidden("Only a contact of the account can change its autopay.");
  return db.transaction(async (tx) => {
    const [enrollment] = await tx
      .select()
      .from(autopayEnrollments)
      .where(and(eq(autopayEnrollments.accountId, input.accountId), ne(autopayEnrollments.status, "canceled"), inReadersAccount(actor, autopayEnrollments.accountId, input.accountId)))
      .for("update");
    if (!enrollment) return notFound("Autopay is not on for this account.");
    const to: AutopayStatus = input.change === "pause" ? "paused" : input.change === "resume" ? "active" : "canceled";
    if (input.change === "resume" && enrollment.stoppedReason) return conflict(`Autopay stopped: ${enrollment.stoppedReason} Choose a new payment method to turn it back on.`);
    if (enrollment.status === to) return { status: to };
    await tx
      .update(autopayEnrollments)
      .set({ status: to, updatedAt: sql`now()`, ...(to === "canceled" ? { canceledAt: sql`now()` } : {}) })
      .where(eq(autopayEnrollments.id, enrollment.id));
    if (to !== "active") {
      await tx.update(autopayCharges).set({ status: "canceled", updatedAt: sql`now()` }).where(and(eq(autopayCharges.enrollmentId, enrollment.id), inArray(autopayCharges.status, ["scheduled", "noticed", "retrying"])));
    }
    await recordEvent(tx, {
      type: to === "active" ? "autopay.enabled" : "autopay.disabled",
      accountId: enrollment.accountId,
      subjectType: "autopay",
      subjectId: enrollment.id,
      data: { status: to, by: "payer", ...(to === "active" ? { resumed: true } : {}) },
    });
    await recordAudit(tx, { ...auditActor(actor), action: `autopay.${input.change === "cancel" ? "canceled" : input.change === "pause" ? "paused" : "resumed"}`, subjectType: "autopay", subjectId: enrollment.id });
    return { status: to };
  });
}
