import { eq } from "drizzle-orm";
import { paymentPlans, type PaymentPlan } from "#db/schema/plans";
import type { Tx } from "~/db.server";

/** Locks a plan row for the rest of the transaction: changes to one plan never interleave. */
export async function lockPlan(tx: Tx, planId: string): Promise<PaymentPlan | undefined> {
  const [plan] = await tx.select().from(paymentPlans).where(eq(paymentPlans.id, planId)).for("update");
  return plan;
}
