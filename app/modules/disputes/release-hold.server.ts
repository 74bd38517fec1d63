import { eq, sql } from "drizzle-orm";
import type { Dispute } from "#db/schema/disputes";
import { invoices } from "#db/schema/invoices";
import type { Tx } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { isProblem, type Problem } from "~/utils/problem";
import type { ClosedDisputeStatus } from "./policy";
import { transitionDispute } from "./transition-dispute.server";

const triggers = { resolved: "resolve", rejected: "reject", withdrawn: "withdraw" } as const;

/**
 * Closes a dispute through the one transition (status, event, audit) and releases its hold on
 * the invoice (any credit reduces the balance separately).
 */
export async function closeDispute(
  tx: Tx,
  actor: Actor,
  dispute: Dispute,
  status: ClosedDisputeStatus,
  extra: { creditedAmount?: number; resolutionNote?: string | null; audit: { action: string; data?: Record<string, unknown> } },
): Promise<void | Problem> {
  const closedAt = new Date();
  const moved = await transitionDispute(tx, actor, dispute, {
    trigger: triggers[status],
    to: status,
    set: { closedAt, updatedAt: closedAt, creditedAmount: extra.creditedAmount ?? 0, resolutionNote: extra.resolutionNote ?? null },
    audit: extra.audit,
  });
  if (isProblem(moved)) return moved;
  await tx.update(invoices).set({ amountDisputed: sql`${invoices.amountDisputed} - ${dispute.amount}`, updatedAt: sql`now()` }).where(eq(invoices.id, dispute.invoiceId));
}
