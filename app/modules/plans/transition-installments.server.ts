import { and, eq, inArray } from "drizzle-orm";
import { installments, type Installment, type InstallmentStatus, type PaymentPlan } from "#db/schema/plans";
import type { Tx } from "~/db.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { now } from "~/utils/clock";
import { conflict, type Problem } from "~/utils/problem";
import { installmentStatusesBefore, installmentTransitionRecord } from "./installment-states";

type InstallmentColumns = Omit<Partial<typeof installments.$inferInsert>, "id" | "planId" | "status" | "updatedAt">;

class Moved extends Error {}

/**
 * The one way installments change status (caller holds their plan's lock). All of `rows` move
 * or none: the UPDATE matches only rows in a state installment-states.ts allows the move from,
 * and when fewer rows match (one moved on meanwhile) it is undone and a conflict Problem
 * returned. On success each row gets the move's outbox event (`event(row)` adds to its data) and
 * the move one audit row (`audit`), when installment-states.ts says the move records them.
 */
export async function transitionInstallments(
  tx: Tx,
  actor: Actor,
  plan: PaymentPlan,
  rows: Installment[],
  to: InstallmentStatus,
  options: {
    set?: InstallmentColumns;
    event?: (row: Installment) => Record<string, unknown>;
    audit?: Record<string, unknown>;
    /** A move back to where the installment was (the payer left Checkout): nothing to tell anyone. */
    unrecorded?: boolean;
  } = {},
): Promise<Installment[] | Problem> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  let moved: Installment[];
  try {
    moved = await tx.transaction(async (savepoint) => {
      const updated = await savepoint
        .update(installments)
        .set({ ...options.set, status: to, updatedAt: now() })
        .where(and(eq(installments.planId, plan.id), inArray(installments.id, ids), inArray(installments.status, installmentStatusesBefore(to))))
        .returning();
      if (updated.length !== ids.length) throw new Moved();
      return updated;
    });
  } catch (error) {
    if (error instanceof Moved) return conflict("An installment of this plan changed meanwhile. Reload the page to see where it stands.");
    throw error;
  }
  const record = options.unrecorded ? { event: null, audit: null } : installmentTransitionRecord[to];
  if (record.event) {
    for (const row of rows) {
      await recordEvent(tx, {
        type: record.event,
        accountId: plan.accountId,
        subjectType: "installment",
        subjectId: row.id,
        data: { planId: plan.id, sequence: row.sequence, dueDate: row.dueDate, amount: row.amount, currency: plan.currency, ...options.event?.(row) },
      });
    }
  }
  if (record.audit) await recordAudit(tx, { ...auditActor(actor), action: record.audit, subjectType: "payment_plan", subjectId: plan.id, data: options.audit ?? { installments: ids } });
  return moved;
}
