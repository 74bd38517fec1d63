import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { LocalTime } from "~/components/local-time";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DisputeStatusBadge } from "~/components/disputes/dispute-status";
import { FileErrors } from "~/components/disputes/file-errors";
import { DisputeThread } from "~/components/disputes/thread";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { requirePayer } from "~/modules/auth/session.server";
import { getDispute } from "~/modules/disputes/get-dispute.server";
import { isClosed, reasonLabels } from "~/modules/disputes/policy";
import { postDisputeMessage } from "~/modules/disputes/post-message.server";
import { withdrawDispute } from "~/modules/disputes/withdraw-dispute.server";
import { readUploadForm } from "~/modules/storage/read-upload-form.server";
import { ACCEPT_ATTRIBUTE } from "~/modules/storage/upload-policy";
import { formatMoney } from "~/utils/money";
import { clientOf } from "~/utils/request.server";

export const meta: MetaFunction = () => [{ title: "Dispute · Payment portal" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const payer = await requirePayer(request);
  const dispute = await getDispute({ kind: "payer", userId: payer.user.id }, params.disputeId ?? "");
  if (!dispute) throw new Response("Not found", { status: 404 });
  return json({ dispute, customerName: payer.user.name });
}

type Rejected = Array<{ filename: string; message: string }>;

export async function action({ request, params, context }: ActionFunctionArgs) {
  const payer = await requirePayer(request);
  const who = { userId: payer.user.id, ip: clientOf(request, context).ip };
  const disputeId = params.disputeId ?? "";
  const { fields, files, rejected } = await readUploadForm(request);
  if (fields.intent === "withdraw") {
    const result = await withdrawDispute({ payer: who, disputeId });
    if (result.notFound) throw new Response("Not found", { status: 404 });
    if (!result.ok) return json({ error: result.message ?? "Could not withdraw.", rejected: [] as Rejected, body: "" }, { status: 400 });
    return redirect(`/disputes/${disputeId}`);
  }
  const body = fields.body ?? "";
  if (rejected.length > 0) return json({ error: null as string | null, rejected: rejected as Rejected, body }, { status: 400 });
  const result = await postDisputeMessage({ actor: { side: "customer", ...who }, disputeId, body, files });
  if (!result.ok && result.notFound) throw new Response("Not found", { status: 404 });
  if (!result.ok) return json({ error: result.message, rejected: [] as Rejected, body }, { status: 400 });
  return redirect(`/disputes/${disputeId}`);
}

export default function DisputePage() {
  const { dispute, customerName } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
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
          <Form method="post" encType="multipart/form-data" className="mt-6 space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200" noValidate>
            <h2 className="text-lg font-semibold">Reply</h2>
            {actionData?.error ? <Alert tone="error">{actionData.error}</Alert> : null}
            <FileErrors rejected={actionData?.rejected ?? []} />
            <div>
              <label htmlFor="body" className="block text-sm font-medium">Message</label>
              <textarea id="body" name="body" rows={4} defaultValue={actionData?.body ?? ""} className="mt-1 block w-full rounded-md border border-slate-400 px-3 py-2" />
            </div>
            <div>
              <label htmlFor="files" className="block text-sm font-medium">Attach files (optional)</label>
              <p id="files-hint" className="text-sm text-slate-600">PDF, PNG or JPEG; up to 5 files of 10 MB each.</p>
              <input id="files" name="files" type="file" multiple accept={ACCEPT_ATTRIBUTE} aria-describedby="files-hint" className="mt-1 block" />
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
