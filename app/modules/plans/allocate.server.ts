import { asc, eq, sql } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import type { Installment, PaymentPlan } from "#db/schema/plans";
import { paymentAllocations, payments, type Payment } from "#db/schema/payments";
import type { Tx } from "~/db.server";
import { recordEvent } from "~/modules/events/record-event.server";
import type { Actor } from "~/modules/auth/actor";
import { isProblem } from "~/utils/problem";
import { planPayable } from "./eligibility";
import { transitionInstallments } from "./transition-installments.server";

/**
 * Creates the payment for some installments of a plan (caller holds the plan's lock), allocated
 * across the plan's invoices oldest due first and reserved on them like any payment. The amount
 * is capped by what the invoices still owe (a credit may have lowered it since enrolment).
 * Returns null when nothing is left to collect.
 */
export async function createInstallmentPayment(
  tx: Tx,
  actor: Actor,
  plan: PaymentPlan,
  covering: Installment[],
  options: { createdByUserId: string | null; clientAttemptId?: string | null },
): Promise<Payment | null> {
  const held = await tx
    .select()
    .from(invoices)
    .where(eq(invoices.paymentPlanId, plan.id))
    .orderBy(asc(invoices.id))
    .for("update");
  held.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.number.localeCompare(b.number));
  const wanted = covering.reduce((s, c) => s + c.amount, 0);
  const allocations: Array<{ invoiceId: string; number: string; amount: number }> = [];
  let left = wanted;
  for (const invoice of held) {
    if (left === 0) break;
    const take = Math.min(left, planPayable(invoice));
    if (take > 0) allocations.push({ invoiceId: invoice.id, number: invoice.number, amount: take });
    left -= take;
  }
  const amount = wanted - left;
  if (amount === 0) return null;
  const [payment] = await tx
    .insert(payments)
    .values({
      accountId: plan.accountId,
      planId: plan.id,
      createdByUserId: options.createdByUserId,
      clientAttemptId: options.clientAttemptId ?? null,
      amount,
      currency: plan.currency,
      method: plan.method,
      methodLabel: plan.methodLabel,
    })
    .returning();
  await tx.insert(paymentAllocations).values(allocations.map((a) => ({ paymentId: payment!.id, invoiceId: a.invoiceId, amount: a.amount })));
  for (const a of allocations) {
    await tx.update(invoices).set({ amountPending: sql`${invoices.amountPending} + ${a.amount}`, updatedAt: sql`now()` }).where(eq(invoices.id, a.invoiceId));
  }
  const paying = await transitionInstallments(tx, actor, plan, covering, "paying", { set: { paymentId: payment!.id } });
  // The caller locked the plan and read these installments as payable: a conflict is a bug, never committed.
  if (isProblem(paying)) throw new Error(`plan ${plan.id}: ${paying.message}`);
  await recordEvent(tx, {
    type: "payment.created",
    accountId: plan.accountId,
    subjectType: "payment",
    subjectId: payment!.id,
    data: { amount, currency: plan.currency, planId: plan.id, installments: covering.map((c) => c.id), invoices: allocations },
  });
  return payment!;
}
