import { and, eq, inArray, sql } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { installments, paymentPlans, planInvoices, type PlanFrequency } from "#db/schema/plans";
import { db } from "~/db.server";
import { lockPayerInvoices } from "~/modules/invoices/lock-payer-invoices.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { today } from "~/utils/clock";
import { invoiceIneligibility, selectionIneligibility } from "./eligibility";
import { getPlanRules } from "./policy.server";
import { buildSchedule, downPaymentFor, scheduleProblems } from "./schedule";
import { openSetupCheckout } from "./setup-checkout.server";

export interface EnrolInput {
  payer: { userId: string; ip: string | null };
  accountId: string;
  /** The enrol form's one-time id: a double submit finds the plan it already made. */
  attemptId: string;
  invoiceIds: string[];
  installmentCount: number;
  frequency: PlanFrequency;
  firstDate: string;
}

export type EnrolProblems = {
  form?: string;
  invoices?: Record<string, string>;
  installmentCount?: string;
  frequency?: string;
  firstDate?: string;
};

export type EnrolResult = { ok: true; planId: string; checkoutUrl: string | null } | { ok: false; problems: EnrolProblems };

/**
 * Puts the chosen invoices on a plan: checks them and the schedule against the AR team's rules
 * with the invoices locked (so no payment or other plan can take them meanwhile), stores the plan
 * with its schedule and a copy of the rules, then opens Stripe Checkout in setup mode for the
 * payer to authorize a card or bank account. Nothing is charged until that authorization.
 */
export async function enrolInPlan(input: EnrolInput): Promise<EnrolResult> {
  const earlier = await findAttempt(input.payer.userId, input.attemptId);
  if (earlier) return { ok: true, planId: earlier, checkoutUrl: null };
  const ids = [...new Set(input.invoiceIds)].sort();
  if (ids.length === 0) return { ok: false, problems: { form: "Choose at least one invoice for the plan." } };

  let planId: string;
  try {
    const created = await db.transaction(async (tx) => {
      const rows = await lockPayerInvoices(tx, { ids, accountId: input.accountId, userId: input.payer.userId });
      if (rows.length !== ids.length) return { ok: false as const, problems: { form: "One of these invoices could not be found. Reload the page and try again." } };
      const invoiceProblems: Record<string, string> = {};
      for (const row of rows) {
        const reason = invoiceIneligibility(row);
        if (reason) invoiceProblems[row.id] = `${row.number}: ${reason}`;
      }
      if (Object.keys(invoiceProblems).length > 0) return { ok: false as const, problems: { invoices: invoiceProblems } };
      const rules = await getPlanRules(tx);
      const selectionProblem = selectionIneligibility(rules, rows);
      if (selectionProblem) return { ok: false as const, problems: { form: selectionProblem } };

      const total = rows.reduce((s, r) => s + r.balance, 0);
      const day = today();
      const request = { total, installmentCount: input.installmentCount, frequency: input.frequency, firstDate: input.firstDate, today: day };
      const problems = scheduleProblems(rules, request);
      if (Object.keys(problems).length > 0) return { ok: false as const, problems };
      const downPayment = downPaymentFor(total, rules.downPaymentPercent);
      const schedule = buildSchedule({ ...request, downPayment });

      const [plan] = await tx
        .insert(paymentPlans)
        .values({
          accountId: input.accountId,
          createdByUserId: input.payer.userId,
          clientAttemptId: input.attemptId,
          currency: rows[0]!.currency,
          total,
          frequency: input.frequency,
          installmentCount: input.installmentCount,
          downPayment,
          policy: rules,
        })
        .returning();
      await tx.insert(planInvoices).values(rows.map((r) => ({ planId: plan!.id, invoiceId: r.id, amount: r.balance })));
      await tx.insert(installments).values(schedule.map((s) => ({ planId: plan!.id, sequence: s.sequence, dueDate: s.dueDate, amount: s.amount })));
      await tx.update(invoices).set({ paymentPlanId: plan!.id, updatedAt: sql`now()` }).where(inArray(invoices.id, ids));
      await recordEvent(tx, {
        type: "plan.created",
        accountId: input.accountId,
        subjectType: "payment_plan",
        subjectId: plan!.id,
        data: {
          total,
          currency: plan!.currency,
          frequency: input.frequency,
          installmentCount: input.installmentCount,
          downPayment,
          invoices: rows.map((r) => ({ invoiceId: r.id, number: r.number, amount: r.balance })),
          schedule,
        },
      });
      await recordAudit(tx, { actorUserId: input.payer.userId, actorType: "user", action: "plan.created", subjectType: "payment_plan", subjectId: plan!.id, ip: input.payer.ip, data: { total } });
      return { ok: true as const, planId: plan!.id };
    });
    if (!created.ok) return created;
    planId = created.planId;
  } catch (error) {
    // The same form submitted twice at once: the second insert hits the attempt's unique key.
    const again = await findAttempt(input.payer.userId, input.attemptId);
    if (again) return { ok: true, planId: again, checkoutUrl: null };
    throw error;
  }
  const checkout = await openSetupCheckout(planId, { userId: input.payer.userId, accountId: input.accountId });
  return { ok: true, planId, checkoutUrl: checkout.ok ? checkout.url : null };
}

async function findAttempt(userId: string, attemptId: string): Promise<string | undefined> {
  const [plan] = await db
    .select({ id: paymentPlans.id })
    .from(paymentPlans)
    .where(and(eq(paymentPlans.createdByUserId, userId), eq(paymentPlans.clientAttemptId, attemptId)));
  return plan?.id;
}
