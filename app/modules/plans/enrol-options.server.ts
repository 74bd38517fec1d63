import { and, asc, eq, gt } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { inReadersAccount, payerScope } from "~/modules/invoices/scope.server";
import { today } from "~/utils/clock";
import { invoiceIneligibility } from "./eligibility";
import { getPlanRules } from "./policy.server";

/**
 * What the enrol page offers: the payer's open invoices with, for each one that cannot join a
 * plan, the reason; and the rules the schedule must fit.
 */
export async function loadEnrolOptions(payer: { userId: string; accountId: string }) {
  const rules = await getPlanRules();
  const rows = await db
    .select({
      id: invoices.id,
      number: invoices.number,
      currency: invoices.currency,
      dueDate: invoices.dueDate,
      status: invoices.status,
      balance: invoices.balance,
      amountPending: invoices.amountPending,
      amountDisputed: invoices.amountDisputed,
      paymentPlanId: invoices.paymentPlanId,
    })
    .from(invoices)
    .where(
      and(
        inReadersAccount(payerScope(payer.userId), invoices.accountId, payer.accountId),
        eq(invoices.status, "open"),
        gt(invoices.balance, 0),
      ),
    )
    .orderBy(asc(invoices.dueDate), asc(invoices.number))
    .limit(500);
  return {
    rules,
    today: today(),
    invoices: rows.map((r) => ({ id: r.id, number: r.number, currency: r.currency, dueDate: r.dueDate, balance: r.balance, paymentPlanId: r.paymentPlanId, ineligible: invoiceIneligibility(r) })),
  };
}
