import { and, eq, inArray, sql } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { installments, paymentPlans, planInvoices, type PlanFrequency } from "#db/schema/plans";
import { db } from "~/db.server";
import { lockPayerInvoices } from "~/modules/invoices/lock-payer-invoices.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { today } from "~/utils/clock";
import { companyToday } from "~/modules/terms/company-date.server";
import { quoteBasis, storeQuote } from "~/modules/terms/quote.server";
import { forbidden, invalid, isProblem, type Problem } from "~/utils/problem";
import { invoiceIneligibility, selectionIneligibility } from "./eligibility";
import { invoiceField } from "./enrol-preview";
import { getPlanRules } from "./policy.server";
import { buildSchedule, downPaymentFor, scheduleProblems } from "./schedule";
import { openSetupCheckout } from "./setup-checkout.server";

export interface EnrolInput {
  accountId: string;
  /** The enrol form's one-time id: a double submit finds the plan it already made. */
  attemptId: string;
  invoiceIds: string[];
  installmentCount: number;
  frequency: PlanFrequency;
  firstDate: string;
}

export type Enrolled = { planId: string; checkoutUrl: string | null };

/**
 * Puts the chosen invoices on a plan: checks them and the schedule against the AR team's rules
 * with the invoices locked (so no payment or other plan can take them meanwhile), stores the plan
 * with its schedule and a copy of the rules, then opens Stripe Checkout in setup mode for the
 * payer to authorize a card or bank account. Nothing is charged until that authorization.
 */
export async function enrolInPlan(actor: Actor, input: EnrolInput): Promise<Enrolled | Problem> {
  if (actor.kind !== "payer") return forbidden("Only a payer can put invoices on a payment plan.");
  const earlier = await findAttempt(actor.userId, input.attemptId);
  if (earlier) return { planId: earlier, checkoutUrl: null };
  const ids = [...new Set(input.invoiceIds)].sort();
  if (ids.length === 0) return invalid("Choose at least one invoice for the plan.");

  let planId: string;
  try {
    const created = await db.transaction(async (tx) => {
      const rows = await lockPayerInvoices(tx, { ids, accountId: input.accountId, userId: actor.userId });
      if (rows.length !== ids.length) return invalid("One of these invoices could not be found. Reload the page and try again.");
      const invoiceProblems: Record<string, string> = {};
      for (const row of rows) {
        const reason = invoiceIneligibility(row);
        if (reason) invoiceProblems[invoiceField(row.id)] = `${row.number}: ${reason}`;
      }
      const first = Object.values(invoiceProblems)[0];
      if (first) return invalid(first, { fields: invoiceProblems });
      const rules = await getPlanRules(tx);
      const selectionProblem = selectionIneligibility(rules, rows);
      if (selectionProblem) return invalid(selectionProblem);

      const total = rows.reduce((s, r) => s + r.balance, 0);
      const day = today();
      const request = { total, installmentCount: input.installmentCount, frequency: input.frequency, firstDate: input.firstDate, today: day };
      const problems = scheduleProblems(rules, request);
      const firstProblem = Object.values(problems)[0];
      if (firstProblem) return invalid(firstProblem, { fields: problems });
      const downPayment = downPaymentFor(total, rules.downPaymentPercent);
      const schedule = buildSchedule({ ...request, downPayment });

      // The plan pays the invoices' balances by the same quote as any payment: no early-payment
      // discount on installments (the terms give it to a payment inside the window only).
      const quote = await storeQuote(tx, {
        accountId: input.accountId,
        currency: rows[0]!.currency,
        quotedOn: companyToday(),
        basis: quoteBasis(companyToday(), rows),
        requests: rows.map((r) => ({ invoice: r, amount: r.balance, credit: 0 })),
        credits: [],
      });
      if (quote.total !== total) throw new Error(`plan quote ${quote.id} differs from the balances`);
      const [plan] = await tx
        .insert(paymentPlans)
        .values({
          accountId: input.accountId,
          createdByUserId: actor.userId,
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
          quoteId: quote.id,
          frequency: input.frequency,
          installmentCount: input.installmentCount,
          downPayment,
          invoices: rows.map((r) => ({ invoiceId: r.id, number: r.number, amount: r.balance })),
          schedule,
        },
      });
      await recordAudit(tx, { ...auditActor(actor), action: "plan.created", subjectType: "payment_plan", subjectId: plan!.id, data: { total } });
      return { planId: plan!.id };
    });
    if (isProblem(created)) return created;
    planId = created.planId;
  } catch (error) {
    // The same form submitted twice at once: the second insert hits the attempt's unique key.
    const again = await findAttempt(actor.userId, input.attemptId);
    if (again) return { planId: again, checkoutUrl: null };
    throw error;
  }
  const checkout = await openSetupCheckout(actor, { planId, accountId: input.accountId });
  return { planId, checkoutUrl: isProblem(checkout) ? null : checkout.url };
}

async function findAttempt(userId: string, attemptId: string): Promise<string | undefined> {
  const [plan] = await db
    .select({ id: paymentPlans.id })
    .from(paymentPlans)
    .where(and(eq(paymentPlans.createdByUserId, userId), eq(paymentPlans.clientAttemptId, attemptId)));
  return plan?.id;
}
