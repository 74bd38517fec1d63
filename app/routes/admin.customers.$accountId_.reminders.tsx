import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { getCustomer } from "~/modules/admin/get-customer.server";
import { requireStaffActor } from "~/modules/auth/session.server";
import { reminderCalendar } from "~/modules/collections/reminder-calendar.server";
import { stepLabel } from "~/modules/collections/steps";
import { today } from "~/utils/clock";
import { addDays, formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { orThrow } from "~/utils/problem-response.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Reminder calendar · ${data?.account.name ?? "Customer"} · AR admin` }];

const DAY_CHOICES = [14, 30, 60, 90] as const;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const { account } = orThrow(await getCustomer(params.accountId ?? ""));
  const asked = Number(new URL(request.url).searchParams.get("days"));
  const days = (DAY_CHOICES as readonly number[]).includes(asked) ? asked : 30;
  const from = today();
  const entries = orThrow(await reminderCalendar(actor, { accountId: account.id, from, to: addDays(from, days - 1) }));
  return json({ account: { id: account.id, name: account.name, currency: account.currency }, days, from, entries });
}

/** What the reminder engine would do for one account over the next days, and why: its own decisions run ahead. */
export default function ReminderCalendarPage() {
  const { account, days, from, entries } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="mb-4">
        <Link to={`/admin/customers/${account.id}`} className="text-sm text-brand-700 underline">
          ← {account.name}
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">Reminder calendar</h1>
      <p className="mt-1 max-w-2xl text-slate-700">
        What the reminders would send or skip for {account.name} from {formatDate(from)}, and why, if nothing is paid meanwhile. It is the engine&apos;s own decision run ahead: a payment, a
        dispute, a promise or a plan changes it.
      </p>
      <Form method="get" className="mt-4 flex items-end gap-2">
        <label className="block text-sm font-medium">
          Days ahead
          <select name="days" defaultValue={days} className="mt-1 block rounded border border-slate-400 px-2 py-1">
            {DAY_CHOICES.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <Button type="submit">Show</Button>
      </Form>
      {entries.length === 0 ? (
        <p className="mt-6" data-testid="calendar-empty">
          Nothing would be sent or skipped in the next {days} days.
        </p>
      ) : (
        <ol className="mt-6 space-y-2" data-testid="reminder-calendar">
          {entries.map((e, i) => (
            <li key={i} className="rounded-lg bg-white p-3 ring-1 ring-slate-200">
              <p className="flex flex-wrap items-baseline gap-x-3">
                <strong>{formatDate(e.date)}</strong>
                <span className={e.action === "send" ? "font-medium text-emerald-800" : "text-amber-800"}>
                  {e.action === "send" ? (e.channel === "call" ? "Call task" : "Email") : "Skip"} · step {stepLabel(e.step)}
                </span>
                <span className="text-sm text-slate-700">{e.reason}</span>
              </p>
              <ul className="mt-1 text-sm text-slate-700">
                {e.invoices.map((inv) => (
                  <li key={inv.id}>
                    <Link className="text-brand-700 underline" to={`/admin/invoices/${inv.id}`}>
                      {inv.number}
                    </Link>{" "}
                    {formatMoney(inv.amountDue, account.currency)}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
