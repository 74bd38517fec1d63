import { and, eq, gt, min } from "drizzle-orm";
import { installments, paymentPlans } from "#db/schema/plans";
import { db } from "~/db.server";
import { clockControlEnabled } from "~/env.server";
import { now, setClock, today } from "~/utils/clock";
import { notFound, type Problem } from "~/utils/problem";
import { runPlanSchedule } from "./run-plan-schedule.server";

/**
 * The development control behind /dev/clock: move the portal's clock to a date (keeping the time
 * of day) and run the plan schedule at once, so installments can be watched without waiting.
 * Disabled in production unless CLOCK_CONTROL=true (the end-to-end tests set it).
 */
export function clockControl(): true | Problem {
  return clockControlEnabled() ? true : notFound();
}

export function moveClockTo(isoDate: string): Date {
  const target = Date.parse(`${isoDate}T12:00:00Z`);
  const offset = target - Date.now();
  setClock(() => new Date(Date.now() + offset));
  return now();
}

export function resetClock(): Date {
  setClock(undefined);
  return now();
}

export async function runScheduleNow() {
  return runPlanSchedule();
}

/**
 * The next date the schedule charges something on an active plan (an installment falling due or
 * a retry), after today: "advance 30 days" misses it in 31-day months, as monthly installments
 * keep their day of the month. Null when nothing is scheduled ahead.
 */
export async function nextChargeDate(): Promise<string | null> {
  const day = today();
  const [dueRow] = await db
    .select({ date: min(installments.dueDate) })
    .from(installments)
    .innerJoin(paymentPlans, eq(paymentPlans.id, installments.planId))
    .where(and(eq(paymentPlans.status, "active"), eq(installments.status, "scheduled"), gt(installments.dueDate, day)));
  const [retryRow] = await db
    .select({ date: min(installments.nextAttemptOn) })
    .from(installments)
    .innerJoin(paymentPlans, eq(paymentPlans.id, installments.planId))
    .where(and(eq(paymentPlans.status, "active"), eq(installments.status, "failed"), gt(installments.nextAttemptOn, day)));
  const dates = [dueRow?.date, retryRow?.date].filter((d): d is string => typeof d === "string");
  return dates.length > 0 ? dates.sort()[0]! : null;
}
