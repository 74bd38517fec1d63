import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FileErrors } from "~/components/disputes/file-errors";
import { FieldErrors, FormErrors, SelectField, TextAreaField, TextField } from "~/components/forms/fields";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { requirePayerActor } from "~/modules/auth/session.server";
import { openDisputeForm } from "~/modules/disputes/dispute-forms.server";
import { openDispute } from "~/modules/disputes/open-dispute.server";
import { disputeReasons, reasonLabels } from "~/modules/disputes/policy";
import { getInvoice } from "~/modules/invoices/get-invoice.server";
import { payableAmount } from "~/modules/invoices/payable";
import { amountInputValue, parseAmount } from "~/modules/payments/allocation-rules";
import { readUploadForm } from "~/modules/storage/read-upload-form.server";
import { ACCEPT_ATTRIBUTE } from "~/modules/storage/upload-policy";
import { parseFormData, replyWithProblem } from "~/utils/form.server";
import { formatMoney } from "~/utils/money";
import { isProblem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";

export const meta: MetaFunction = () => [{ title: "Dispute an invoice · Payment portal" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { actor } = await requirePayerActor(request, context);
  const invoice = orThrow(await getInvoice(actor, params.invoiceId ?? ""));
  return json({ invoice, disputable: payableAmount(invoice) });
}

const AMOUNT_FORMAT = "Enter an amount like 125.00, or leave it empty to dispute the whole balance.";

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { actor } = await requirePayerActor(request, context);
  const invoice = orThrow(await getInvoice(actor, params.invoiceId ?? ""));
  const { fields, files, rejected } = await readUploadForm(request);
  const submission = parseFormData(new URLSearchParams(fields), openDisputeForm);
  // One field per ticked line (line_<n>): names must be unique in the parsed form.
  const lineIds = Object.entries(fields)
    .filter(([name]) => name.startsWith("line_"))
    .map(([, id]) => id);
  const typedAmount = submission.status === "success" ? submission.value.amount : fields.amount?.trim() || undefined;
  const amount = typedAmount === undefined ? null : parseAmount(typedAmount, invoice.currency);
  // Every problem of the form at once: the schema's, the amount's format and the refused files.
  const fieldErrors: Record<string, string[]> = {};
  if (typedAmount !== undefined && amount === null) fieldErrors.amount = [AMOUNT_FORMAT];
  if (rejected.length > 0) fieldErrors.files = rejected.map((r) => r.message);
  if (submission.status !== "success" || Object.keys(fieldErrors).length > 0) return json(submission.reply({ fieldErrors }), { status: 422 });

  const result = await openDispute(actor, { invoiceId: invoice.id, reason: submission.value.reason, description: submission.value.description, amount, lineIds, files });
  if (isProblem(result)) return replyWithProblem(submission, result);
  return redirect(`/disputes/${result.disputeId}`);
}

export default function DisputeInvoice() {
  const { invoice, disputable } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  const [form, fields] = useForm<{ reason: string; description: string; amount: string; lines: string; files: string }>({ id: "open-dispute", lastResult });
  const busy = useNavigation().state !== "idle";
  const chosenLines = new Set(Object.entries(lastResult?.initialValue ?? {}).flatMap(([name, id]) => (name.startsWith("line_") ? [String(id)] : [])));
  return (
    <>
      <p className="mb-4">
        <Link to={`/invoices/${invoice.id}`} className="text-sm text-brand-700 underline">
          ← Invoice {invoice.number}
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">Dispute invoice {invoice.number}</h1>
      <p className="mt-1 text-slate-700">
        Tell us what is wrong. The disputed amount is put on hold while we look into it; the rest of the invoice can still be paid. You can dispute up to{" "}
        <strong>{formatMoney(disputable, invoice.currency)}</strong>.
      </p>
      {disputable <= 0 ? (
        <div className="mt-4">
          {invoice.paymentPlanId && invoice.status === "open" ? (
            <Alert>
              This invoice is on a{" "}
              <Link to={`/plans/${invoice.paymentPlanId}`} className="underline">
                payment plan
              </Link>
              , so it cannot be disputed here. Please contact us about it.
            </Alert>
          ) : (
            <Alert>Nothing on this invoice can be disputed now: it is paid, already in dispute, or a payment for it is under way.</Alert>
          )}
        </div>
      ) : (
        <Form method="post" encType="multipart/form-data" className="mt-6 max-w-2xl space-y-5" {...getFormProps(form)}>
          <FormErrors form={form} />
          <FileErrors messages={fields.files.errors ?? []} id={fields.files.errorId} />
          <SelectField meta={fields.reason} label="Reason" options={[{ value: "", label: "Choose a reason…" }, ...disputeReasons.map((r) => ({ value: r, label: reasonLabels[r] }))]} />
          <fieldset aria-describedby={fields.lines.errors?.length ? fields.lines.errorId : undefined}>
            <legend className="text-sm font-medium">Lines concerned (optional)</legend>
            <div className="mt-1 space-y-1">
              {invoice.lines.map((line) => (
                <div key={line.position} className="flex items-start gap-2">
                  <input
                    type="checkbox"
                    id={`line-${line.position}`}
                    name={`line_${line.position}`}
                    value={line.id}
                    defaultChecked={chosenLines.has(line.id)}
                    className="mt-1 h-4 w-4"
                  />
                  <label htmlFor={`line-${line.position}`}>
                    {line.description} — {formatMoney(line.amount, invoice.currency)}
                  </label>
                </div>
              ))}
            </div>
            <FieldErrors meta={fields.lines} />
          </fieldset>
          <TextField
            meta={fields.amount}
            label={`Amount disputed (${invoice.currency})`}
            hint={`Leave empty to dispute the whole ${formatMoney(disputable, invoice.currency)}.`}
            inputMode="decimal"
            placeholder={amountInputValue(disputable, invoice.currency)}
            className="[&_input]:w-40 [&_input]:text-right [&_input]:tabular-nums"
          />
          <TextAreaField meta={fields.description} label="What is wrong?" rows={5} />
          <div>
            <label htmlFor={fields.files.id} className="block text-sm font-medium">Evidence (optional)</label>
            <p id={fields.files.descriptionId} className="text-sm text-slate-600">PDF, PNG or JPEG; up to 5 files of 10 MB each.</p>
            <input id={fields.files.id} name={fields.files.name} type="file" multiple accept={ACCEPT_ATTRIBUTE} aria-describedby={fields.files.descriptionId} className="mt-1 block" />
          </div>
          <Button type="submit" disabled={busy}>
            {busy ? "Sending…" : "Open dispute"}
          </Button>
        </Form>
      )}
    </>
  );
}
