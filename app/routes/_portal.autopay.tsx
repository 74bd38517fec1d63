import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { FieldErrors, FormErrors } from "~/components/forms/fields";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { requirePayerActor } from "~/modules/auth/session.server";
import { autopayForm } from "~/modules/autopay/autopay-forms.server";
import { changeAutopay } from "~/modules/autopay/change-autopay.server";
import { enrolAutopay } from "~/modules/autopay/enrol-autopay.server";
import { getAutopay } from "~/modules/autopay/get-autopay.server";
import { formatDate } from "~/utils/dates";
import { invalidReply, parseFormData, replyWithProblem } from "~/utils/form.server";
import { amountInputValue, formatMoney } from "~/utils/money";
import { isProblem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";
import { readForm } from "~/utils/read-form.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Autopay · Payment portal" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  return json(orThrow(await getAutopay(actor, payer.activeAccount.id)));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  const form = await readForm(request);
  const { account } = orThrow(await getAutopay(actor, payer.activeAccount.id));
  const submission = parseFormData(form, autopayForm(account.currency));
  if (submission.status !== "success") return invalidReply(submission);
  const value = submission.value;
  if (value.intent === "enrol") {
    const enrolled = await enrolAutopay(actor, {
      accountId: payer.activeAccount.id,
      savedMethodId: value.savedMethodId,
      maxCharge: value.maxCharge,
      timing: value.timing,
      daysBefore: value.daysBefore ?? 0,
      userAgent: request.headers.get("user-agent"),
    });
    if (isProblem(enrolled)) return replyWithProblem(submission, enrolled);
    return redirectWithToast("/autopay", enrolled.created ? "Autopay is on. We will tell you each amount and date before we charge." : "Autopay is updated.");
  }
  const changed = await changeAutopay(actor, { accountId: payer.activeAccount.id, change: value.intent });
  if (isProblem(changed)) return replyWithProblem(submission, changed);
  const said = { pause: "Autopay is paused: nothing will be charged until you resume it.", resume: "Autopay is on again.", cancel: "Autopay is cancelled: nothing more will be charged." } as const;
  return redirectWithToast("/autopay", said[value.intent]);
}

const CHARGE_STATUS: Record<string, string> = {
  scheduled: "Scheduled",
  noticed: "Announced",
  charging: "Charging",
  paid: "Paid",
  over_cap: "Above your limit: not charged",
  failed: "Could not be collected",
  retrying: "Will be tried again",
  stopped: "Stopped: new method needed",
  canceled: "Withdrawn",
};

export default function AutopayPage() {
  const { account, enrollment, methods, charges } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  const busy = useNavigation().state !== "idle";
  const money = (m: number) => formatMoney(m, account.currency);
  const [form, fields] = useForm<Record<string, unknown>>({
    id: "autopay",
    lastResult,
    defaultValue: {
      savedMethodId: enrollment?.savedMethodId ?? methods[0]?.id ?? "",
      maxCharge: enrollment ? amountInputValue(enrollment.maxCharge, account.currency) : "",
      timing: enrollment?.timing ?? "due_date",
      daysBefore: enrollment && enrollment.daysBefore > 0 ? String(enrollment.daysBefore) : "3",
    },
  });
  const [timing, setTiming] = useState(String(fields.timing!.initialValue ?? "due_date"));
  const stopped = enrollment?.stoppedReason;

  return (
    <>
      <h1 className="text-2xl font-semibold">Autopay</h1>
      <p className="mt-1 max-w-prose text-slate-700">
        Let invoices of {account.name} pay themselves from a saved card or bank account, on their due date or a few days before. We tell you the invoices, amount and date before each charge, never charge above your
        limit, apply your credits first and leave disputed amounts out. You can still pay early yourself, pause or cancel at any time.
      </p>

      {enrollment ? (
        <section aria-labelledby="status-heading" className="mt-6 rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <h2 id="status-heading" className="text-lg font-semibold">
            Autopay is <span data-testid="autopay-status">{enrollment.status === "active" ? "on" : "paused"}</span>
          </h2>
          {stopped ? (
            <Alert tone="error" title="Autopay stopped">
              {stopped} Choose a new card or bank account below to turn it back on.
            </Alert>
          ) : null}
          <dl className="mt-2 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2">
            <div>
              <dt className="text-slate-600">Charges</dt>
              <dd>{enrollment.methodLabel}</dd>
            </div>
            <div>
              <dt className="text-slate-600">Limit per charge</dt>
              <dd>{money(enrollment.maxCharge)}</dd>
            </div>
            <div>
              <dt className="text-slate-600">When</dt>
              <dd>{enrollment.timing === "days_before" ? `${enrollment.daysBefore} days before each due date` : "On each due date"}</dd>
            </div>
            <div>
              <dt className="text-slate-600">Authorized</dt>
              <dd>{formatDate(enrollment.authorization.acceptedAt.slice(0, 10))}</dd>
            </div>
          </dl>
          <details className="mt-2 text-sm">
            <summary className="cursor-pointer text-brand-700 underline">The authorization you gave</summary>
            <p className="mt-1 text-slate-700" data-testid="autopay-authorization">
              {enrollment.authorization.text}
            </p>
          </details>
          <Form method="post" className="mt-3 flex flex-wrap gap-2">
            {enrollment.status === "active" ? (
              <Button type="submit" name="intent" value="pause" variant="secondary" disabled={busy}>
                Pause autopay
              </Button>
            ) : !stopped ? (
              <Button type="submit" name="intent" value="resume" variant="secondary" disabled={busy}>
                Resume autopay
              </Button>
            ) : null}
            <Button type="submit" name="intent" value="cancel" variant="secondary" disabled={busy}>
              Cancel autopay
            </Button>
          </Form>
        </section>
      ) : null}

      <section aria-labelledby="setup-heading" className="mt-6 max-w-xl">
        <h2 id="setup-heading" className="text-lg font-semibold">
          {enrollment ? "Change autopay" : "Turn on autopay"}
        </h2>
        {methods.length === 0 ? (
          <p className="mt-2 text-slate-700">
            Autopay needs a saved card or verified bank account. Tick &ldquo;Save the card or bank account&rdquo; when you next{" "}
            <Link to="/invoices" className="text-brand-700 underline">
              pay an invoice
            </Link>
            .
          </p>
        ) : (
          <Form method="post" className="mt-3 space-y-4" {...getFormProps(form)}>
            <input type="hidden" name="intent" value="enrol" />
            <FormErrors form={form} />
            <fieldset>
              <legend className="text-sm font-medium">Charge</legend>
              {methods.map((m) => (
                <div key={m.id} className="mt-1 flex items-center gap-2">
                  <input type="radio" id={`method-${m.id}`} name="savedMethodId" value={m.id} defaultChecked={fields.savedMethodId!.initialValue === m.id} className="h-5 w-5" />
                  <label htmlFor={`method-${m.id}`}>
                    {m.label}
                    {m.type === "us_bank_account" ? " (bank account)" : ""}
                  </label>
                </div>
              ))}
              <FieldErrors meta={fields.savedMethodId!} />
            </fieldset>
            <div>
              <label htmlFor={fields.maxCharge!.id} className="block text-sm font-medium">
                Most one charge may be ({account.currency})
              </label>
              <input
                id={fields.maxCharge!.id}
                name={fields.maxCharge!.name}
                key={fields.maxCharge!.key}
                inputMode="decimal"
                defaultValue={fields.maxCharge!.initialValue as string | undefined}
                aria-invalid={fields.maxCharge!.errors?.length ? true : undefined}
                aria-describedby={fields.maxCharge!.errors?.length ? fields.maxCharge!.errorId : undefined}
                className="mt-1 w-40 rounded-md border border-slate-400 px-2 py-1.5 text-right tabular-nums aria-[invalid]:border-red-700"
              />
              <p className="text-sm text-slate-600">A charge above it is not made: we remind you to pay instead.</p>
              <FieldErrors meta={fields.maxCharge!} />
            </div>
            <fieldset>
              <legend className="text-sm font-medium">When</legend>
              <div className="mt-1 flex items-center gap-2">
                <input type="radio" id="timing-due" name="timing" value="due_date" defaultChecked={timing === "due_date"} onChange={() => setTiming("due_date")} className="h-5 w-5" />
                <label htmlFor="timing-due">On the due date</label>
              </div>
              <div className="mt-1 flex flex-wrap items-center gap-2">
                <input type="radio" id="timing-before" name="timing" value="days_before" defaultChecked={timing === "days_before"} onChange={() => setTiming("days_before")} className="h-5 w-5" />
                <label htmlFor="timing-before">Days before the due date:</label>
                <label htmlFor={fields.daysBefore!.id} className="sr-only">
                  Days before the due date
                </label>
                <input
                  id={fields.daysBefore!.id}
                  name={fields.daysBefore!.name}
                  key={fields.daysBefore!.key}
                  inputMode="numeric"
                  disabled={timing !== "days_before"}
                  defaultValue={fields.daysBefore!.initialValue as string | undefined}
                  aria-invalid={fields.daysBefore!.errors?.length ? true : undefined}
                  className="w-16 rounded-md border border-slate-400 px-2 py-1.5 text-right disabled:bg-slate-100"
                />
              </div>
              <FieldErrors meta={fields.timing!} />
              <FieldErrors meta={fields.daysBefore!} />
            </fieldset>
            <div className="flex items-start gap-2">
              <input id="agree" name="agree" type="checkbox" className="mt-1 h-5 w-5" />
              <label htmlFor="agree" className="text-sm">
                I authorize {account.name}&apos;s invoices to be charged to the method above {timing === "days_before" ? "before" : "on"} their due dates, up to my limit per charge, after notice of each amount and date
                (10 days for a bank account, 3 for a card). I can pause or cancel at any time.
              </label>
            </div>
            <FieldErrors meta={fields.agree!} />
            <Button type="submit" disabled={busy}>
              {enrollment ? "Save autopay" : "Turn on autopay"}
            </Button>
          </Form>
        )}
      </section>

      {charges.length > 0 ? (
        <section aria-labelledby="history-heading" className="mt-8">
          <h2 id="history-heading" className="text-lg font-semibold">
            Charges
          </h2>
          <div className="mt-2 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead className="bg-slate-50">
                <tr>
                  <th scope="col" className="px-3 py-2 text-left font-semibold">Date</th>
                  <th scope="col" className="px-3 py-2 text-right font-semibold">Amount</th>
                  <th scope="col" className="px-3 py-2 text-left font-semibold">Status</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {charges.map((c) => (
                  <tr key={c.id} data-testid="autopay-charge">
                    <td className="px-3 py-2">{formatDate(c.chargeOn)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{formatMoney(c.amount, c.currency)}</td>
                    <td className="px-3 py-2">
                      {CHARGE_STATUS[c.status] ?? c.status}
                      {c.status === "retrying" && c.nextAttemptOn ? ` on ${formatDate(c.nextAttemptOn)}` : ""}
                      {c.lastFailureMessage && c.status !== "paid" ? <span className="block text-xs text-slate-600">{c.lastFailureMessage}</span> : null}
                      {c.paymentId ? (
                        <Link to={`/payments/${c.paymentId}`} className="block text-xs text-brand-700 underline">
                          The payment
                        </Link>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </>
  );
}
