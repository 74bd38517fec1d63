import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useCallback, useState } from "react";
import { FieldErrors, FormErrors, TextAreaField, TextField } from "~/components/forms/fields";
import { Button } from "~/components/ui/button";
import { requirePayerActor } from "~/modules/auth/session.server";
import { payerPromiseForm } from "~/modules/collections/collections-forms.server";
import { createPromiseFromForm, promiseOptions } from "~/modules/collections/promise-options.server";
import { formatDate } from "~/utils/dates";
import { invalidReply, parseForm, replyWithProblem } from "~/utils/form.server";
import { formatMoney } from "~/utils/money";
import { isProblem } from "~/utils/problem";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Promise to pay · Payment portal" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  const options = await promiseOptions(actor, payer.activeAccount.id);
  const wanted = new URL(request.url).searchParams.getAll("invoice").slice(0, 100);
  // The invoices ticked on the list (/promises/new?invoice=…), else every overdue one.
  const picked = options.invoices.filter((i) => wanted.includes(i.id)).map((i) => i.id);
  return json({ ...options, preselected: picked.length ? picked : options.invoices.filter((i) => i.overdue).map((i) => i.id) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  const submission = await parseForm(request, payerPromiseForm);
  if (submission.status !== "success") return invalidReply(submission);
  const form = submission.value;
  const result = await createPromiseFromForm(actor, { accountId: payer.activeAccount.id, invoiceIds: form.invoice, amount: form.amount, promisedFor: form.promisedFor, note: form.note ?? null });
  if (isProblem(result)) return replyWithProblem(submission, result);
  return redirectWithToast("/invoices", `Thank you. Your promise to pay by ${formatDate(form.promisedFor)} is recorded; we won't send reminders for those invoices until then.`);
}

export default function NewPromise() {
  const { invoices, preselected, earliest, latest, maxDays } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  const busy = useNavigation().state !== "idle";
  const [form, fields] = useForm<{ invoice: string[]; amount: string; promisedFor: string; note: string }>({ id: "promise", lastResult });
  const sent = (lastResult?.initialValue as { invoice?: string[] | string } | undefined)?.invoice;
  const initial = sent === undefined ? preselected : Array.isArray(sent) ? sent : [sent];
  // The total of what is ticked, shown beside the amount (the server works it out again).
  const [ticked, setTicked] = useState<string[]>(initial);
  const refresh = useCallback((event: React.FormEvent<HTMLFieldSetElement>) => {
    const boxes = [...event.currentTarget.querySelectorAll<HTMLInputElement>('input[name="invoice"]')];
    setTicked(boxes.filter((b) => b.checked).map((b) => b.value));
  }, []);
  const chosen = invoices.filter((i) => ticked.includes(i.id));
  const currency = chosen[0]?.currency ?? invoices[0]?.currency ?? "USD";
  const total = chosen.reduce((sum, i) => sum + i.promisable, 0);

  return (
    <>
      <p className="mb-4">
        <Link to="/invoices" className="text-sm text-brand-700 underline">
          ← Invoices
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">Promise to pay</h1>
      <p className="mt-1 max-w-prose text-slate-700">
        Can&apos;t pay today? Tell us when you will. We pause payment reminders for these invoices until that date (at most {maxDays} days from today).
      </p>
      {invoices.length === 0 ? (
        <p className="mt-6 rounded-lg bg-white p-6 text-slate-700 ring-1 ring-slate-200">
          There is nothing to promise: every open invoice is paid, on a payment plan or already has a promise.
        </p>
      ) : (
        <Form method="post" className="mt-6 max-w-xl space-y-5" {...getFormProps(form)}>
          <FormErrors form={form} />
          <fieldset onChange={refresh}>
            <legend className="text-sm font-medium text-slate-800">Invoices</legend>
            <ul className="mt-2 divide-y divide-slate-100 rounded-lg bg-white ring-1 ring-slate-200">
              {invoices.map((i) => (
                <li key={i.id}>
                  <label className="flex min-h-11 items-center gap-3 px-3 py-2">
                    <input type="checkbox" name="invoice" value={i.id} defaultChecked={initial.includes(i.id)} className="size-6 shrink-0" />
                    <span className="min-w-0 flex-1">
                      <span className="font-medium">{i.number}</span>
                      <span className={`block text-sm ${i.overdue ? "text-red-800" : "text-slate-600"}`}>
                        {i.overdue ? "Overdue since" : "Due"} {formatDate(i.dueDate)}
                      </span>
                    </span>
                    <span className="font-medium whitespace-nowrap tabular-nums">{formatMoney(i.promisable, i.currency)}</span>
                  </label>
                </li>
              ))}
            </ul>
            <FieldErrors meta={fields.invoice} />
          </fieldset>
          <TextField meta={fields.amount} label="Amount" hint={`Leave it empty to promise the total due on the ticked invoices: ${formatMoney(total, currency)}.`} inputMode="decimal" maxLength={40} placeholder={formatMoney(total, currency)} />
          <TextField meta={fields.promisedFor} label="I will pay by" type="date" min={earliest} max={latest} hint={`A date from today to ${formatDate(latest)}.`} />
          <TextAreaField meta={fields.note} label="Note for our accounts team (optional)" rows={3} maxLength={1000} />
          <Button type="submit" disabled={busy} className="max-sm:w-full">
            Record my promise
          </Button>
        </Form>
      )}
    </>
  );
}
