import { and, asc, eq, gt, isNull, lt, lte, or, sql } from "drizzle-orm";
import { installments, paymentPlans } from "#db/schema/plans";
import { db } from "~/db.server";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { now, today } from "~/utils/clock";
import { addDays } from "~/utils/dates";
import { chargeInstallment } from "./charge-installment.server";
import { endPlan } from "./end-plan.server";
import { lockPlan } from "./lock.server";
import { installmentReminderEmail } from "./plan-emails";
import { payerFacts } from "./plan-facts.server";
import { REMINDER_DAYS_BEFORE } from "./retry-policy";
import { syncPlanSetup } from "./setup-checkout.server";
import { log } from "~/utils/log.server";
import { systemActor } from "~/modules/auth/actor";
import { isProblem } from "~/utils/problem";

const scheduleActor = systemActor("job", "run_plan_schedule");

/**
 * The plans' scheduled work, run by the worker every few minutes (and at once when a plan starts):
 * charge every installment that is due or due for a retry, remind payers of charges a few days
 * out, and settle authorizations left unfinished. Each step is safe to run twice.
 */
export async function runPlanSchedule(): Promise<{ charged: number; reminded: number }> {
  const day = today();
  const due = await db
    .select({ id: installments.id })
    .from(installments)
    .innerJoin(paymentPlans, eq(paymentPlans.id, installments.planId))
    .where(
      and(
        eq(paymentPlans.status, "active"),
        or(and(eq(installments.status, "scheduled"), lte(installments.dueDate, day)), and(eq(installments.status, "failed"), lte(installments.nextAttemptOn, day))),
      ),
    )
    .orderBy(asc(installments.dueDate), asc(installments.sequence))
    .limit(500);
  let charged = 0;
  for (const { id } of due) {
    try {
      const result = await chargeInstallment(scheduleActor, { installmentId: id });
      if (!isProblem(result)) charged++;
    } catch (error) {
      log("error", "installment charge failed", { installmentId: id, error: String(error) });
    }
  }
  const reminded = await sendReminders(day);
  await settleStaleAuthorizations();
  return { charged, reminded };
}

async function sendReminders(day: string): Promise<number> {
  const upcoming = await db
    .select({ installment: installments, plan: paymentPlans })
    .from(installments)
    .innerJoin(paymentPlans, eq(paymentPlans.id, installments.planId))
    .where(
      and(
        eq(paymentPlans.status, "active"),
        eq(installments.status, "scheduled"),
        isNull(installments.reminderSentAt),
        gt(installments.dueDate, day),
        lte(installments.dueDate, addDays(day, REMINDER_DAYS_BEFORE)),
      ),
    )
    .limit(500);
  let sent = 0;
  for (const { installment, plan } of upcoming) {
    await db.transaction(async (tx) => {
      const [claimed] = await tx
        .update(installments)
        .set({ reminderSentAt: now() })
        .where(and(eq(installments.id, installment.id), isNull(installments.reminderSentAt)))
        .returning({ id: installments.id });
      if (!claimed) return;
      const payer = await payerFacts(tx, plan);
      if (payer) await queueEmail(tx, installmentReminderEmail({ ...payer, amount: installment.amount, dueDate: installment.dueDate, methodLabel: plan.methodLabel ?? "your payment method" }));
      sent++;
    });
  }
  return sent;
}

/** Plans whose first authorization was left open longer than Checkout keeps a session. */
async function settleStaleAuthorizations() {
  const stale = await db
    .select({ id: paymentPlans.id, session: paymentPlans.setupCheckoutSessionId })
    .from(paymentPlans)
    .where(and(eq(paymentPlans.status, "authorizing"), lt(paymentPlans.updatedAt, sql`now() - interval '31 minutes'`)))
    .limit(100);
  for (const { id, session } of stale) {
    if (!session) {
      // Checkout never opened (Stripe was unreachable): free the invoices.
      await db.transaction(async (tx) => {
        const plan = await lockPlan(tx, id);
        if (plan?.status === "authorizing" && !plan.setupCheckoutSessionId) await endPlan(tx, scheduleActor, plan, "canceled", "The payment method was not authorized in time.");
      });
      continue;
    }
    await syncPlanSetup(id).catch((error) => log("error", "plan setup sync failed", { planId: id, error: String(error) }));
  }
}
