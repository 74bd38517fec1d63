import { json, type ActionFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { systemActor } from "~/modules/auth/actor";
import { runReminders } from "~/modules/collections/run-reminders.server";
import { postLateFees } from "~/modules/fees/post-late-fees.server";
import { runAutopay } from "~/modules/autopay/run-autopay.server";
import { notifyExpiringCards } from "~/modules/methods/notify-expiring-cards.server";
import { clockControl, moveClockTo, nextChargeDate, resetClock, runScheduleNow } from "~/modules/plans/dev-clock.server";
import { devClockForm } from "~/modules/plans/forms.server";
import { addDays } from "~/utils/dates";
import { today } from "~/utils/clock";
import { formatMoney } from "~/utils/money";
import { parseForm } from "~/utils/form.server";
import { orThrow } from "~/utils/problem-response.server";

export const meta: MetaFunction = () => [{ title: "Development clock" }];

export async function loader() {
  orThrow(clockControl());
  return json({ today: today(), nextCharge: await nextChargeDate() });
}

export async function action({ request }: ActionFunctionArgs) {
  orThrow(clockControl());
  const submission = await parseForm(request, devClockForm);
  if (submission.status !== "success") {
    const errors = Object.values(submission.error ?? {}).flatMap((messages) => messages ?? []);
    return json({ error: errors[0] ?? "Choose what to do with the clock.", result: null, reminders: null, lateFees: null, autopay: null, expiringCards: null }, { status: 400 });
  }
  const form = submission.value;
  if (form.intent === "reset") resetClock();
  if (form.intent === "advance") moveClockTo(addDays(today(), form.days));
  if (form.intent === "next_due") {
    const date = await nextChargeDate();
    if (!date) return json({ error: "No active plan has an installment or retry due after today.", result: null, reminders: null, lateFees: null, autopay: null, expiringCards: null }, { status: 400 });
    moveClockTo(date);
  }
  if (form.intent === "set") moveClockTo(form.date);
  if (form.intent === "reminders") {
    const run = orThrow(await runReminders(systemActor("dev", "dev_clock"), {}));
    return json({ error: null, result: null, reminders: { ...run, today: today() }, lateFees: null, autopay: null, expiringCards: null });
  }
  if (form.intent === "late_fees") {
    const run = orThrow(await postLateFees(systemActor("dev", "dev_clock")));
    const amounts = run.posted.map((fee) => `${fee.number} ${formatMoney(fee.amount, fee.currency)}`);
    return json({ error: null, result: null, reminders: null, lateFees: { on: run.on, accounts: run.accounts, posted: run.posted.length, amounts, today: today() }, autopay: null, expiringCards: null });
  }
  if (form.intent === "autopay") {
    const run = orThrow(await runAutopay(systemActor("dev", "dev_clock")));
    return json({ error: null, result: null, reminders: null, lateFees: null, autopay: { ...run, today: today() }, expiringCards: null });
  }
  if (form.intent === "expiring_cards") {
    const run = await notifyExpiringCards(systemActor("dev", "dev_clock"));
    return json({ error: null, result: null, reminders: null, lateFees: null, autopay: null, expiringCards: { ...run, today: today() } });
  }
  const result = await runScheduleNow();
  return json({ error: null, result: { ...result, today: today() }, reminders: null, lateFees: null, autopay: null, expiringCards: null });
}

export default function DevClock() {
  const { today: current, nextCharge } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  return (
    <main className="mx-auto max-w-xl px-4 py-8">
      <h1 className="text-2xl font-semibold">Development clock</h1>
      <p className="mt-1 text-slate-700">
        Move the portal&apos;s date to watch payment plans run: each change runs the plan schedule at once (due installments are charged, reminders sent).
      </p>
      <p className="mt-4">
        Portal date: <strong data-testid="clock-today">{data?.result?.today ?? data?.reminders?.today ?? data?.lateFees?.today ?? data?.autopay?.today ?? current}</strong>
      </p>
      {data?.error ? <Alert tone="error">{data.error}</Alert> : null}
      {data?.result ? (
        <Alert tone="success">
          Schedule ran: {data.result.charged} installment(s) charged, {data.result.reminded} reminder(s) sent.
        </Alert>
      ) : null}
      {data?.reminders ? (
        <Alert tone="success">
          Reminders ran for {data.reminders.today}: {data.reminders.emails} email(s) and {data.reminders.callTasks} call task(s) for {data.reminders.accounts} account(s); {data.reminders.skipped} skip(s) logged; promises
          kept {data.reminders.promisesKept}, broken {data.reminders.promisesBroken}.
        </Alert>
      ) : null}
      {data && "expiringCards" in data && data.expiringCards ? (
        <Alert tone="success">
          Expiring cards checked for {data.expiringCards.on}: {data.expiringCards.notified} notice(s) sent.
        </Alert>
      ) : null}
      {data?.lateFees ? (
        <Alert tone="success">
          Late fees posted for {data.lateFees.on}: {data.lateFees.posted} fee(s) on {data.lateFees.accounts} account(s) checked
          {data.lateFees.amounts.length > 0 ? ` (${data.lateFees.amounts.join(", ")})` : ""}.
        </Alert>
      ) : null}
      {data?.autopay ? (
        <Alert tone="success">
          Autopay ran for {data.autopay.on}: {data.autopay.announced} charge(s) announced, {data.autopay.charged} charged, {data.autopay.overCap} over the cap, {data.autopay.nothingOwed} with nothing left to pay.
        </Alert>
      ) : null}
      <Form method="post" className="mt-6">
        <p className="text-sm text-slate-700">
          {nextCharge ? (
            <>
              Next installment or retry due: <span data-testid="clock-next-due">{nextCharge}</span>
            </>
          ) : (
            "No installment or retry is due after this date."
          )}
        </p>
        <Button type="submit" name="intent" value="next_due" className="mt-2" disabled={!nextCharge}>
          Advance to the next due installment
        </Button>
      </Form>
      <Form method="post" className="mt-6 flex items-end gap-2">
        <input type="hidden" name="intent" value="advance" />
        <label className="block">
          <span className="block text-sm font-medium">Advance by days</span>
          <input name="days" type="number" min={1} max={400} defaultValue={30} className="mt-1 w-28 rounded border border-slate-400 px-2 py-1" />
        </label>
        <Button type="submit">Advance and run</Button>
      </Form>
      <Form method="post" className="mt-4 flex items-end gap-2">
        <input type="hidden" name="intent" value="set" />
        <label className="block">
          <span className="block text-sm font-medium">Set date</span>
          <input name="date" type="date" defaultValue={current} className="mt-1 rounded border border-slate-400 px-2 py-1" />
        </label>
        <Button type="submit">Set and run</Button>
      </Form>
      <Form method="post" className="mt-4 flex flex-wrap gap-2">
        <Button type="submit" name="intent" value="run">
          Run the schedule now
        </Button>
        <Button type="submit" name="intent" value="reminders">
          Run reminders now
        </Button>
        <Button type="submit" name="intent" value="late_fees">
          Post late fees
        </Button>
        <Button type="submit" name="intent" value="autopay">
          Run autopay
        </Button>
        <Button type="submit" name="intent" value="expiring_cards">
          Notify expiring cards
        </Button>
        <Button type="submit" name="intent" value="reset">
          Back to the real date
        </Button>
      </Form>
    </main>
  );
}
