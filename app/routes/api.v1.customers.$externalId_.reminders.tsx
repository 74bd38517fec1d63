import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/api/authenticate-api-key.server";
import { apiProblem, methodNotAllowed } from "~/modules/api/errors";
import { REMINDER_CALENDAR_DEFAULT_DAYS, type ReminderCalendar } from "~/modules/api/schemas";
import { accountIdByExternalId, reminderCalendar } from "~/modules/collections/reminder-calendar.server";
import { checkExternalId, refusableSync } from "~/modules/ingest/result";
import { today } from "~/utils/clock";
import { addDays, isCalendarDate } from "~/utils/dates";
import { isProblem, notFound } from "~/utils/problem";
import type { z } from "zod";

/**
 * GET /api/v1/customers/:externalId/reminders?from=YYYY-MM-DD&to=YYYY-MM-DD (scope customers:read):
 * what the reminder engine would send or skip for the customer each day, and why (its own decision
 * function run ahead: reminder-calendar.server.ts). A malformed period is 400, as for the feed.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await authenticateApiKey(request, "customers:read");
  const externalId = refusableSync(() => checkExternalId(params.externalId));
  if (isProblem(externalId)) return apiProblem(externalId, { status: 400 });

  const query = new URL(request.url).searchParams;
  const from = query.get("from") ?? today();
  // The default period starts where `from` says, when it is a date (a bad one is refused below).
  const to = query.get("to") ?? (isCalendarDate(from) ? addDays(from, REMINDER_CALENDAR_DEFAULT_DAYS) : from);
  const accountId = await accountIdByExternalId(externalId);
  const calendar = accountId ? await reminderCalendar(actor, { accountId, from, to }) : notFound("No customer with this external id.");
  if (isProblem(calendar)) return apiProblem(calendar, calendar.kind === "invalid" ? { status: 400 } : {});

  const body: z.input<typeof ReminderCalendar> = {
    data: calendar.map((entry) => ({
      date: entry.date,
      step: entry.step,
      channel: entry.channel,
      action: entry.action,
      reason: entry.reason,
      invoices: entry.invoices.map((i) => ({ external_id: i.externalId, number: i.number, amount_due: i.amountDue })),
    })),
  };
  return json(body, { headers: { "Cache-Control": "no-store" } });
}

// POST, PUT, PATCH, DELETE would otherwise get the HTML app's error page.
export const action = () => methodNotAllowed("GET");
