import { and, asc, desc, eq } from "drizzle-orm";
import { accounts, users } from "#db/schema/accounts";
import { invoices } from "#db/schema/invoices";
import { installments, paymentPlans, planInvoices } from "#db/schema/plans";
import { payments } from "#db/schema/payments";
import { db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { inReadersAccount, payerScope } from "~/modules/invoices/scope.server";
import { today } from "~/utils/clock";
import { forbidden, notFound, type Problem } from "~/utils/problem";
import { isOpenInstallment } from "./installment-states";
import { isHoldingPlan } from "./plan-states";
import { awaitsScheduledCharge } from "./charge-due";

/**
 * One plan with its schedule, invoices and payments. A payer sees only the plans of the account
 * they act for (`accountId`, one they are a contact of); staff see every plan.
 */
export async function getPlan(actor: Actor, input: { planId: string; accountId?: string }) {
  if (actor.kind !== "payer" && actor.kind !== "staff") return forbidden("Only the payer or the AR team can see a plan.");
  if (actor.kind === "payer" && !input.accountId) return notFound("That plan does not exist.");
  const planId = input.planId;
  const [row] = await db
    .select({ plan: paymentPlans, accountName: accounts.name, accountNumber: accounts.number, payerName: users.name, payerEmail: users.email })
    .from(paymentPlans)
    .innerJoin(accounts, eq(accounts.id, paymentPlans.accountId))
    .leftJoin(users, eq(users.id, paymentPlans.createdByUserId))
    .where(actor.kind === "payer" ? and(eq(paymentPlans.id, planId), inReadersAccount(payerScope(actor.userId), paymentPlans.accountId, input.accountId!)) : eq(paymentPlans.id, planId));
  if (!row) return notFound("That plan does not exist.");
  const { plan } = row;
  const schedule = await db.select().from(installments).where(eq(installments.planId, plan.id)).orderBy(asc(installments.sequence));
  const planned = await db
    .select({ id: invoices.id, number: invoices.number, dueDate: invoices.dueDate, enrolled: planInvoices.amount, balance: invoices.balance, status: invoices.status })
    .from(planInvoices)
    .innerJoin(invoices, eq(invoices.id, planInvoices.invoiceId))
    .where(eq(planInvoices.planId, plan.id))
    .orderBy(asc(invoices.dueDate), asc(invoices.number));
  const planPayments = await db
    .select({ id: payments.id, amount: payments.amount, amountRefunded: payments.amountRefunded, status: payments.status, methodLabel: payments.methodLabel, createdAt: payments.createdAt, failureMessage: payments.failureMessage, checkoutUrl: payments.checkoutUrl })
    .from(payments)
    .where(eq(payments.planId, plan.id))
    .orderBy(desc(payments.createdAt));
  const paid = schedule.filter((s) => s.status === "paid").reduce((sum, s) => sum + s.amount, 0);
  // Once a plan has ended nothing more is collected through it (a failed installment stays on record).
  const open = isHoldingPlan(plan.status) ? schedule.filter((s) => isOpenInstallment(s.status)) : [];
  const remaining = open.reduce((sum, s) => sum + s.amount, 0);
  const next = open[0] ?? null;
  const day = today();
  return {
    plan: {
      id: plan.id,
      status: plan.status,
      currency: plan.currency,
      total: plan.total,
      frequency: plan.frequency,
      installmentCount: plan.installmentCount,
      downPayment: plan.downPayment,
      method: plan.method,
      methodLabel: plan.methodLabel,
      endedReason: plan.endedReason,
      createdAt: plan.createdAt.toISOString(),
      activatedAt: plan.activatedAt?.toISOString() ?? null,
      endedAt: plan.endedAt?.toISOString() ?? null,
      approvalThreshold: plan.policy.approvalThreshold,
    },
    account: { id: plan.accountId, name: row.accountName, number: row.accountNumber },
    payer: row.payerName ? { name: row.payerName, email: row.payerEmail } : null,
    schedule: schedule.map((s) => ({
      id: s.id,
      sequence: s.sequence,
      dueDate: s.dueDate,
      amount: s.amount,
      status: s.status,
      attempts: s.attempts,
      nextAttemptOn: s.nextAttemptOn,
      failureCode: s.failureCode,
      failureMessage: s.failureMessage,
      paymentId: s.paymentId,
      paidAt: s.paidAt?.toISOString() ?? null,
    })),
    invoices: planned,
    // Whether the payer opened Stripe Checkout for it (an off-session charge has none); the URL itself stays on the payment page.
    payments: planPayments.map(({ checkoutUrl, ...p }) => ({ ...p, throughCheckout: checkoutUrl !== null, createdAt: p.createdAt.toISOString() })),
    paid,
    remaining,
    next: next ? { id: next.id, sequence: next.sequence, dueDate: next.dueDate, amount: next.amount, status: next.status } : null,
    /** The schedule is about to charge the next installment by itself (see charge-due.ts). */
    chargeDue: next ? awaitsScheduledCharge(plan.status, next, day) : false,
  };
}

export type PlanDetail = Exclude<Awaited<ReturnType<typeof getPlan>>, Problem>;
