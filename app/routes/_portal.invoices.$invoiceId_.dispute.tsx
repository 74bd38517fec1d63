import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FileErrors } from "~/components/disputes/file-errors";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { requirePayer } from "~/modules/auth/session.server";
import { openDispute, openDisputeFields } from "~/modules/disputes/open-dispute.server";
import { disputeReasons, reasonLabels } from "~/modules/disputes/policy";
import { getInvoice } from "~/modules/invoices/get-invoice.server";
import { payableAmount } from "~/modules/invoices/payable";
import { amountInputValue, parseAmount } from "~/modules/payments/allocation-rules";
import { readUploadForm } from "~/modules/storage/read-upload-form.server";
import { ACCEPT_ATTRIBUTE } from "~/modules/storage/upload-policy";
import { formatMoney } from "~/utils/money";
import { clientOf } from "~/utils/request.server";

export const meta: MetaFunction = () => [{ title: "Dispute an invoice · Payment portal" }];

async function loadInvoice(request: Request, invoiceId: string) {
  const payer = await requirePayer(request);
  const invoice = await getInvoice({ kind: "payer", userId: payer.user.id }, invoiceId);
  if (!invoice) throw new Response("Not found", { status: 404 });
  return { payer, invoice };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { invoice } = await loadInvoice(request, params.invoiceId ?? "");
  return json({ invoice, disputable: payableAmount(invoice) });
}

type Errors = Partial<Record<"reason" | "description" | "amount" | "lines" | "form", string>>;

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { payer, invoice } = await loadInvoice(request, params.invoiceId ?? "");
  const { fields, files, rejected } = await readUploadForm(request);
  // One field per ticked line (line_<n>): names must be unique in the parsed form.
  const lineIds = Object.entries(fields)
    .filter(([name]) => name.startsWith("line_"))
    .map(([, id]) => id);
  const values = { reason: fields.reason ?? "", description: fields.description ?? "", amount: fields.amount ?? "", lines: lineIds };
  const errors: Errors = {};
  const parsed = openDisputeFields.safeParse(fields);
  if (!parsed.success) for (const issue of parsed.error.issues) errors[issue.path[0] as "reason" | "description"] ??= issue.message;
  const amount = values.amount.trim() === "" ? null : parseAmount(values.amount, invoice.currency);
  if (values.amount.trim() !== "" && amount === null) errors.amount = "Enter an amount like 125.00, or leave it empty to dispute the whole balance.";
  if (rejected.length > 0 || Object.keys(errors).length > 0 || !parsed.success) return json({ errors, rejected, values }, { status: 400 });

  const result = await openDispute({ payer: { userId: payer.user.id, ip: clientOf(request, context).ip }, invoiceId: invoice.id, ...parsed.data, amount, lineIds, files });
  if (result.ok) throw redirect(`/disputes/${result.disputeId}`);
  return json({ errors: { [result.field === "files" ? "form" : result.field]: result.message } as Errors, rejected: [], values }, { status: 400 });
}

export default function DisputeInvoice() {
  const { invoice, disputable } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const errors: Errors = actionData?.errors ?? {};
  const values = actionData?.values;
  const chosenLines = new Set(values?.lines ?? []);
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
        <Form method="post" encType="multipart/form-data" className="mt-6 max-w-2xl space-y-5" noValidate>
          {errors.form ? <Alert tone="error">{errors.form}</Alert> : null}
          <FileErrors rejected={actionData?.rejected ?? []} />
          <div>
            <label htmlFor="reason" className="block text-sm font-medium">Reason</label>
            <select
              id="reason"
              name="reason"
              defaultValue={values?.reason ?? ""}
              aria-invalid={errors.reason ? true : undefined}
              aria-describedby={errors.reason ? "reason-error" : undefined}
              className="mt-1 block w-full rounded-md border border-slate-400 bg-white px-3 py-2"
            >
              <option value="">Choose a reason…</option>
              {disputeReasons.map((r) => (
                <option key={r} value={r}>
                  {reasonLabels[r]}
                </option>
              ))}
            </select>
            {errors.reason ? <p id="reason-error" className="mt-1 text-sm text-red-800">{errors.reason}</p> : null}
          </div>
          <fieldset>
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
            {errors.lines ? <p className="mt-1 text-sm text-red-800">{errors.lines}</p> : null}
          </fieldset>
          <div>
            <label htmlFor="amount" className="block text-sm font-medium">Amount disputed ({invoice.currency})</label>
            <p id="amount-hint" className="text-sm text-slate-600">Leave empty to dispute the whole {formatMoney(disputable, invoice.currency)}.</p>
            <input
              id="amount"
              name="amount"
              inputMode="decimal"
              defaultValue={values?.amount ?? ""}
              placeholder={amountInputValue(disputable, invoice.currency)}
              aria-invalid={errors.amount ? true : undefined}
              aria-describedby={`amount-hint${errors.amount ? " amount-error" : ""}`}
              className="mt-1 w-40 rounded-md border border-slate-400 px-3 py-2 text-right tabular-nums"
            />
            {errors.amount ? <p id="amount-error" className="mt-1 text-sm text-red-800">{errors.amount}</p> : null}
          </div>
          <div>
            <label htmlFor="description" className="block text-sm font-medium">What is wrong?</label>
            <textarea
              id="description"
              name="description"
              rows={5}
              defaultValue={values?.description ?? ""}
              aria-invalid={errors.description ? true : undefined}
              aria-describedby={errors.description ? "description-error" : undefined}
              className="mt-1 block w-full rounded-md border border-slate-400 px-3 py-2"
            />
            {errors.description ? <p id="description-error" className="mt-1 text-sm text-red-800">{errors.description}</p> : null}
          </div>
          <div>
            <label htmlFor="files" className="block text-sm font-medium">Evidence (optional)</label>
            <p id="files-hint" className="text-sm text-slate-600">PDF, PNG or JPEG; up to 5 files of 10 MB each.</p>
            <input id="files" name="files" type="file" multiple accept={ACCEPT_ATTRIBUTE} aria-describedby="files-hint" className="mt-1 block" />
          </div>
          <Button type="submit" disabled={busy}>
            {busy ? "Sending…" : "Open dispute"}
          </Button>
        </Form>
      )}
    </>
  );
}
