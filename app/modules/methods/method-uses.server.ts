import { and, eq, inArray } from "drizzle-orm";
import { autopayEnrollments, autopayStatuses } from "#db/schema/autopay";
import { holdingPlanStatuses } from "#db/schema/plan-values";
import { paymentPlans } from "#db/schema/plans";
import type { Executor } from "~/db.server";

/** Autopay enrollments that still charge their method: every one not canceled. */
export const USING_AUTOPAY_STATUSES = autopayStatuses.filter((status) => status !== "canceled");

export interface MethodUses {
  plans: Array<{ id: string; total: number; currency: string; status: string }>;
  autopay: Array<{ id: string; status: string }>;
}

/**
 * What charges each of an account's saved methods: its plans still holding invoices (by the
 * Stripe payment method they authorized) and its active or paused autopay (by saved method id).
 */
export async function methodUses(executor: Executor, accountId: string, methods: Array<{ id: string; stripePaymentMethodId: string }>): Promise<Map<string, MethodUses>> {
  const uses = new Map<string, MethodUses>(methods.map((m) => [m.id, { plans: [], autopay: [] }]));
  if (methods.length === 0) return uses;
  const byStripeId = new Map(methods.map((m) => [m.stripePaymentMethodId, m.id]));
  const plans = await executor
    .select({ id: paymentPlans.id, total: paymentPlans.total, currency: paymentPlans.currency, status: paymentPlans.status, stripePaymentMethodId: paymentPlans.stripePaymentMethodId })
    .from(paymentPlans)
    .where(
      and(
        eq(paymentPlans.accountId, accountId),
        inArray(paymentPlans.status, [...holdingPlanStatuses]),
        inArray(
          paymentPlans.stripePaymentMethodId,
          methods.map((m) => m.stripePaymentMethodId),
        ),
      ),
    )
    .orderBy(paymentPlans.createdAt);
  for (const plan of plans) {
    const id = plan.stripePaymentMethodId ? byStripeId.get(plan.stripePaymentMethodId) : undefined;
    if (id) uses.get(id)!.plans.push({ id: plan.id, total: plan.total, currency: plan.currency, status: plan.status });
  }
  const enrollments = await executor
    .select({ id: autopayEnrollments.id, status: autopayEnrollments.status, savedMethodId: autopayEnrollments.savedMethodId })
    .from(autopayEnrollments)
    .where(
      and(
        eq(autopayEnrollments.accountId, accountId),
        inArray(autopayEnrollments.status, [...USING_AUTOPAY_STATUSES]),
        inArray(
          autopayEnrollments.savedMethodId,
          methods.map((m) => m.id),
        ),
      ),
    );
  for (const enrollment of enrollments) uses.get(enrollment.savedMethodId)?.autopay.push({ id: enrollment.id, status: enrollment.status });
  return uses;
}
