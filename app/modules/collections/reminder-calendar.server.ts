import { eq, sql } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import type { ReminderAction, StepChannel } from "#db/schema/collection-values";
import { db } from "~/db.server";
import { hasScope, isStaffActor, type Actor } from "~/modules/auth/actor";
import { today } from "~/utils/clock";
import { addDays, daysBetween, isCalendarDate } from "~/utils/dates";
import { forbidden, invalidField, notFound, type Problem } from "~/utils/problem";
import { applySends, decideReminders, type AccountFacts } from "./decide-reminders";
import { loadCadenceBook, loadReminderFacts } from "./load-reminder-facts.server";

export interface CalendarEntry {
  date: string;
  /** The step's offset in days from the due date (−3, 0, 7…). */
  step: number;
  channel: StepChannel;
  action: ReminderAction;
  reason: string;
  invoices: Array<{ id: string; externalId: string | null; number: string; amountDue: number }>;
}

export const MAX_CALENDAR_DAYS = 366;

/**
 * The dry-run calendar: what the reminder engine would send or skip for one account on each day
 * from `from` to `to`, and why — the engine's own decision function run ahead on today's facts,
 * as if nothing is paid meanwhile (promises then count as broken after their grace days). It
 * looks ahead from today: days before today are not returned.
 */
export async function reminderCalendar(actor: Actor, input: { accountId: string; from: string; to: string }): Promise<CalendarEntry[] | Problem> {
  if (!isStaffActor(actor) && !hasScope(actor, "customers:read")) return forbidden("Reading reminder calendars needs the customers:read scope.");
  if (!isCalendarDate(input.from)) return invalidField("from", "from must be a date (YYYY-MM-DD).");
  if (!isCalendarDate(input.to)) return invalidField("to", "to must be a date (YYYY-MM-DD).");
  if (input.to < input.from) return invalidField("to", "to must be on or after from.");
  if (daysBetween(input.from, input.to) >= MAX_CALENDAR_DAYS) return invalidField("to", `The calendar covers at most ${MAX_CALENDAR_DAYS} days.`);
  const [account] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, input.accountId));
  if (!account) return notFound("Customer not found.");

  const start = today();
  const book = await loadCadenceBook(db);
  const [facts] = await loadReminderFacts(db, [account.id], input.to, book);
  let state: AccountFacts = facts!;
  // Skips are logged once per (invoice, step, reason), by the engine and here alike.
  const logged = new Set(
    (
      await db.execute<{ key: string }>(sql`
        select invoice_id || '|' || offset_days || '|' || reason as key from reminder_decisions
        where account_id = ${account.id} and action = 'skip'`)
    ).map((r) => r.key),
  );
  const [remindedToday] = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from reminder_decisions where account_id = ${account.id} and run_on = ${start}::date and action = 'send'`);

  const entries: CalendarEntry[] = [];
  for (let day = start; day <= input.to; day = addDays(day, 1)) {
    let decisions = decideReminders(state, day);
    if (day === start && (remindedToday?.n ?? 0) > 0) decisions = decisions.filter((d) => d.action === "skip");
    decisions = decisions.filter((d) => {
      if (d.action === "send") return true;
      const key = `${d.invoiceId}|${d.offsetDays}|${d.reason}`;
      if (logged.has(key)) return false;
      logged.add(key);
      return true;
    });
    state = applySends(state, decisions);
    if (day < input.from) continue;
    const groups = new Map<string, CalendarEntry>();
    for (const d of decisions) {
      const key = `${d.offsetDays}|${d.channel}|${d.action}|${d.reason}`;
      const invoice = state.invoices.find((i) => i.id === d.invoiceId)!;
      const entry = groups.get(key) ?? { date: day, step: d.offsetDays, channel: d.channel, action: d.action, reason: d.reason, invoices: [] };
      groups.set(key, entry);
      entry.invoices.push({ id: invoice.id, externalId: invoice.externalId, number: invoice.number, amountDue: d.amountDue });
    }
    entries.push(...groups.values());
  }
  return entries;
}

/** Which account an external id names (the API's path parameter). */
export async function accountIdByExternalId(externalId: string): Promise<string | null> {
  const [row] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.externalId, externalId));
  return row?.id ?? null;
}
