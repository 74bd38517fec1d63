import { eq, sql } from "drizzle-orm";
import { disputes, type Dispute, type DisputeStatus } from "#db/schema/disputes";
import { invoices } from "#db/schema/invoices";
import type { Tx } from "~/db.server";
import { recordEvent } from "~/modules/events/record-event.server";

/**
 * Closes a dispute: its hold on the invoice is released (any credit has already reduced the
 * balance) and the status change is recorded as an event.
 */
export async function closeDispute(tx: Tx, dispute: Dispute, status: Extract<DisputeStatus, "resolved" | "rejected" | "withdrawn">, extra: { creditedAmount?: number; resolutionNote?: string | null } = {}) {
  await tx.update(invoices).set({ amountDisputed: sql`${invoices.amountDisputed} - ${dispute.amount}`, updatedAt: sql`now()` }).where(eq(invoices.id, dispute.invoiceId));
  const closedAt = new Date();
  await tx
    .update(disputes)
    .set({ status, closedAt, updatedAt: closedAt, creditedAmount: extra.creditedAmount ?? 0, resolutionNote: extra.resolutionNote ?? null })
    .where(eq(disputes.id, dispute.id));
  await recordEvent(tx, { type: "dispute.status_changed", accountId: dispute.accountId, subjectType: "dispute", subjectId: dispute.id, data: { from: dispute.status, to: status } });
}
