import { desc, eq } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { paymentPlans, planInvoices } from "#db/schema/plans";
import { db } from "~/db.server";

/**
 * The payment plans an invoice is or was on, newest first, for the AR team's invoice page.
 * `current` marks the plan that holds the invoice now (invoices.payment_plan_id).
 */
export async function invoicePlans(invoiceId: string) {
  const [invoice] = await db.select({ paymentPlanId: invoices.paymentPlanId }).from(invoices).where(eq(invoices.id, invoiceId));
  if (!invoice) return [];
  const rows = await db
    .select({
      id: paymentPlans.id,
      status: paymentPlans.status,
      currency: paymentPlans.currency,
      total: paymentPlans.total,
      enrolled: planInvoices.amount,
      createdAt: paymentPlans.createdAt,
    })
    .from(planInvoices)
    .innerJoin(paymentPlans, eq(paymentPlans.id, planInvoices.planId))
    .where(eq(planInvoices.invoiceId, invoiceId))
    .orderBy(desc(paymentPlans.createdAt))
    .limit(20);
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), current: r.id === invoice.paymentPlanId }));
}
