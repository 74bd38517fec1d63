import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { LocalTime } from "~/components/local-time";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DisputeStatusBadge } from "~/components/disputes/dispute-status";
import { FileErrors } from "~/components/disputes/file-errors";
import { DisputeThread } from "~/components/disputes/thread";
import { FormErrors, TextAreaField } from "~/components/forms/fields";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { requirePayerActor } from "~/modules/auth/session.server";
import { payerDisputeForm } from "~/modules/disputes/dispute-forms.server";
import { getDispute } from "~/modules/disputes/get-dispute.server";
import { isClosed, reasonLabels } from "~/modules/disputes/policy";
import { postDisputeMessage } from "~/modules/disputes/post-message.server";
import { withdrawDispute } from "~/modules/disputes/withdraw-dispute.server";
import { readUploadForm } from "~/modules/storage/read-upload-form.server";
import { ACCEPT_ATTRIBUTE } from "~/modules/storage/upload-policy";
import { invalidReply, parseFormData, replyWithProblem } from "~/utils/form.server";
import { formatMoney } from "~/utils/money";
import { isProblem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";

export const meta: MetaFunction = () => [{ title: "Dispute · Payment portal" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  const dispute = orThrow(await getDispute(actor, params.disputeId ?? ""));
  return json({ dispute, customerName: payer.user.name });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { actor } = await requirePayerActor(request, context);
  const disputeId = params.disputeId ?? "";
  const { fields, files, rejected } = await readUploadForm(request);
  const submission = parseFormData(new URLSearchParams(fields), payerDisputeForm);
  if (submission.status !== "success") return invalidReply(submission);
  const form = submission.value;
  if (form.intent === "reply" && rejected.length > 0) return json(submission.reply({ fieldErrors: { files: rejected.map((r) => r.message) } }), { status: 422 });
  const result = form.intent === "withdraw" ? await withdrawDispute(actor, { disputeId }) : await postDisputeMessage(actor, { disputeId, body: form.body ?? "", files });
  if (isProblem(result)) return result.kind === "not_found" ? orThrow(result) : replyWithProblem(submission, result);
  return redirect(`/disputes/${disputeId}`);
}

export default function DisputePage() {
  const { dispute, customerName } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  const [form, fields] = useForm<{ body: string; files: string; intent: string }>({ id: "dispute-reply", lastResult });
  const busy = useNavigation().state !== "idle";
  const money = (m: number) => formatMoney(m, dispute.currency);
  const closed = isClosed(dispute.status);
  return (
    <>
      <p className="mb-4">
        <Link to="/disputes" className="text-sm text-brand-700 underline">
          ← All disputes
        </Link>
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">Dispute of invoice {dispute.invoiceNumber}</h1>
        <DisputeStatusBadge status={dispute.status} />
      </div>
      <dl className="mt-4 grid grid-cols-2 gap-x-6 gap-y-2 rounded-lg bg-white p-4 ring-1 ring-slate-200 sm:grid-cols-4">
        <div>
          <dt className="text-sm text-slate-600">Invoice</dt>
          <dd>
            <Link to={`/invoices/${dispute.invoiceId}`} className="text-brand-700 underline">
              {dispute.invoiceNumber}
            </Link>
          </dd>
        </div>
        <div>
          <dt className="text-sm text-slate-600">Amount disputed</dt>
          <dd className="font-semibold tabular-nums" data-testid="dispute-amount">{money(dispute.amount)}</dd>
        </div>
        <div>
          <dt className="text-sm text-slate-600">Reason</dt>
          <dd>{reasonLabels[dispute.reason]}</dd>
        </div>
        <div>
          <dt className="text-sm text-slate-600">{closed ? "Outcome" : "We will respond by"}</dt>
          <dd>
            {dispute.status === "resolved"
              ? `Credited ${money(dispute.creditedAmount)}`
              : closed
                ? "No credit"
                : <LocalTime iso={dispute.firstResponseDueAt} dateOnly />}
          </dd>
        </div>
      </dl>
      {dispute.lines.length > 0 ? (
        <p className="mt-3 text-sm text-slate-700">Lines concerned: {dispute.lines.map((l) => l.description).join("; ")}</p>
      ) : null}
      {dispute.status === "waiting_on_customer" ? (
        <div className="mt-4">
          <Alert title="We need more information">Please answer the AR team&apos;s question below; you can attach files.</Alert>
        </div>
      ) : null}

      <h2 className="mt-6 text-lg font-semibold">Conversation</h2>
      <DisputeThread messages={dispute.messages} fileHref={(id) => `/attachments/${id}`} customerName={customerName} />

      {closed ? null : (
        <>
          <Form method="post" encType="multipart/form-data" className="mt-6 space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200" {...getFormProps(form)}>
            <h2 className="text-lg font-semibold">Reply</h2>
            <FormErrors form={form} />
            {fields.intent.errors?.length ? <Alert tone="error">{fields.intent.errors.join(" ")}</Alert> : null}
            <FileErrors messages={fields.files.errors ?? []} id={fields.files.errorId} />
            <TextAreaField meta={fields.body} label="Message" />
            <div>
              <label htmlFor={fields.files.id} className="block text-sm font-medium">Attach files (optional)</label>
              <p id={fields.files.descriptionId} className="text-sm text-slate-600">PDF, PNG or JPEG; up to 5 files of 10 MB each.</p>
              <input id={fields.files.id} name={fields.files.name} type="file" multiple accept={ACCEPT_ATTRIBUTE} aria-describedby={fields.files.descriptionId} className="mt-1 block" />
            </div>
            <Button type="submit" name="intent" value="reply" disabled={busy}>
              Send reply
            </Button>
          </Form>
          <Form method="post" encType="multipart/form-data" className="mt-4">
            <input type="hidden" name="intent" value="withdraw" />
            <Button type="submit" variant="secondary" disabled={busy}>
              Withdraw this dispute
            </Button>
          </Form>
        </>
      )}
    </>
  );
}
