import { clockControlEnabled } from "~/env.server";
import { now, setClock } from "~/utils/clock";
import { runPlanSchedule } from "./run-plan-schedule.server";

/**
 * The development control behind /dev/clock: move the portal's clock to a date (keeping the time
 * of day) and run the plan schedule at once, so installments can be watched without waiting.
 * Disabled in production unless CLOCK_CONTROL=true (the end-to-end tests set it).
 */
export function assertClockControl(): void {
  if (!clockControlEnabled()) throw new Response("Not found", { status: 404 });
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
