import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { LocalTime } from "~/components/local-time";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AdminDisputeCustomerContext } from "~/components/disputes/admin-dispute-context";
import { AdminDisputeReplyForm, AdminDisputeResolveForms, AdminDisputeWorkflowForms, type AdminDisputeActionData } from "~/components/disputes/admin-dispute-forms";
import { AdminSlaBreached } from "~/components/disputes/admin-dispute-status-badge";
import { DisputeStatusBadge } from "~/components/disputes/dispute-status";
import { AdminDisputeThread } from "~/components/disputes/admin-dispute-thread";
import { requireStaffActor } from "~/modules/auth/session.server";
import { assignDispute } from "~/modules/disputes/assign-dispute.server";
import { customerContext } from "~/modules/disputes/customer-context.server";
import { adminDisputeForm } from "~/modules/disputes/dispute-forms.server";
import type { AdminDisputeIntent } from "~/modules/disputes/dispute-forms";
import { getDispute } from "~/modules/disputes/get-dispute.server";
import { listStaff } from "~/modules/disputes/list-disputes.server";
import { moveDispute } from "~/modules/disputes/move-dispute.server";
import { canMove, disputeStatuses, isClosed, reasonLabels } from "~/modules/disputes/policy";
import { postDisputeMessage } from "~/modules/disputes/post-message.server";
import { resolveDispute } from "~/modules/disputes/resolve-dispute.server";
import { amountInputValue } from "~/modules/payments/allocation-rules";
import { readUploadForm } from "~/modules/storage/read-upload-form.server";
import { now } from "~/utils/clock";
import { invalidReply, parseFormData, replyWithProblem } from "~/utils/form.server";
import { formatMoney } from "~/utils/money";
import { invalid, isProblem, Problem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";
import { readFormValues } from "~/utils/read-form.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Dispute of ${data?.dispute.invoiceNumber ?? "invoice"} · AR admin` }];

/** The one-time notice after each action (a toast on the page the action redirects back to). */
const notices: Record<AdminDisputeIntent, string> = {
  reply: "Reply sent to the customer.",
  internal_note: "Internal note added.",
  info_request: "Request for information sent. The dispute is waiting on the customer.",
  claim: "The dispute is assigned to you.",
  assign: "Assignee updated.",
  move: "Status changed.",
  credit: "Dispute resolved with a credit.",
  reject: "Dispute rejected.",
};

export async function loader({ request, params, context: load }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, load);
  const dispute = orThrow(await getDispute(actor, params.disputeId ?? ""));
  const [context, team] = await Promise.all([customerContext(actor, { accountId: dispute.accountId, excludeDisputeId: dispute.id }).then(orThrow), listStaff(actor).then(orThrow)]);
  const at = now();
  const closed = isClosed(dispute.status);
  return json({
    dispute,
    context,
    team,
    me: actor.userId,
    closed,
    breached: !closed && !dispute.firstRespondedAt && dispute.firstResponseDueAt < at,
    moves: disputeStatuses.filter((to) => canMove(dispute.status, to)),
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const dispute = orThrow(await getDispute(actor, params.disputeId ?? ""));

  // The reply form carries files (multipart); every other form is a plain POST.
  const multipart = (request.headers.get("Content-Type") ?? "").toLowerCase().startsWith("multipart/form-data");
  const { fields, files, rejected } = multipart ? await readUploadForm(request) : { fields: await readFormValues(request), files: [], rejected: [] };
  const submission = parseFormData(new URLSearchParams(fields), adminDisputeForm);
  if (submission.status !== "success") return invalidReply(submission);
  const form = submission.value;
  const done = () => redirectWithToast(`/admin/disputes/${dispute.id}`, notices[form.intent]);
  const answer = async (result: unknown | Problem) => (isProblem(result) ? replyWithProblem(submission, result) : done());

  switch (form.intent) {
    case "reply":
    case "internal_note":
    case "info_request": {
      // Nothing is sent when a file was refused: the message is kept and the files named.
      if (rejected.length > 0) return json(submission.reply({ fieldErrors: { files: rejected.map((r) => r.message) } }), { status: 422 });
      return answer(await postDisputeMessage(actor, { disputeId: dispute.id, body: form.body ?? "", files, kind: form.intent }));
    }
    case "claim": {
      const result = await assignDispute(actor, { disputeId: dispute.id, assigneeUserId: actor.userId });
      // The claim form has no field to show a field message at: the message is the form's.
      return isProblem(result) ? replyWithProblem(submission, new Problem(result.kind, result.message)) : done();
    }
    case "assign": {
      // "" (Unassigned) unassigns; a form without the field at all is refused, never read as "unassign".
      if (fields.assignee === undefined) return replyWithProblem(submission, invalid("Choose a member of the AR team, or Unassigned.", { fields: { assignee: "Choose a member of the AR team, or Unassigned." } }));
      return answer(await assignDispute(actor, { disputeId: dispute.id, assigneeUserId: form.assignee || null }));
    }
    case "move":
      return answer(await moveDispute(actor, { disputeId: dispute.id, to: form.to }));
    case "credit":
      // The amount exactly as typed: no default (an empty field is refused by the use case).
      return answer(await resolveDispute(actor, { disputeId: dispute.id, outcome: "credit", creditAmount: fields.creditAmount ?? "", note: form.creditNote }));
    case "reject":
      return answer(await resolveDispute(actor, { disputeId: dispute.id, outcome: "reject", note: form.rejectNote }));
  }
}

export default function AdminDisputePage() {
  const { dispute, context, team, me, closed, breached, moves } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as AdminDisputeActionData;
  const busy = useNavigation().state !== "idle";
  const money = (m: number) => formatMoney(m, dispute.currency);
  const assignee = dispute.assigneeUserId ? (team.find((s) => s.id === dispute.assigneeUserId)?.name ?? "Someone no longer on the AR team") : null;

  return (
    <>
      <p className="mb-4">
        <Link to="/admin/disputes" className="text-sm text-brand-700 underline">
          ← Dispute queue
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">
        Dispute of invoice{" "}
        <Link to={`/admin/invoices/${dispute.invoiceId}`} className="text-brand-700 underline">
          {dispute.invoiceNumber}
        </Link>
      </h1>

      <dl className="mt-4 grid gap-x-6 gap-y-3 rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200 sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <dt className="text-slate-700">Customer</dt>
          <dd>
            <Link to={`/admin/customers/${dispute.accountId}`} className="font-medium text-brand-700 underline">
              {dispute.accountName}
            </Link>{" "}
            ({dispute.accountNumber})
          </dd>
        </div>
        <div>
          <dt className="text-slate-700">Amount disputed</dt>
          <dd className="font-medium tabular-nums" data-testid="dispute-amount">
            {money(dispute.amount)} <span className="font-normal text-slate-700">of {money(dispute.invoiceTotal)}</span>
          </dd>
        </div>
        <div>
          <dt className="text-slate-700">Reason</dt>
          <dd className="font-medium">{reasonLabels[dispute.reason]}</dd>
        </div>
        <div>
          <dt className="text-slate-700">Status</dt>
          <dd data-testid="dispute-status">
            <DisputeStatusBadge status={dispute.status} />
          </dd>
        </div>
        <div>
          <dt className="text-slate-700">Opened</dt>
          <dd>
            <LocalTime iso={dispute.createdAt} />
          </dd>
        </div>
        <div>
          <dt className="text-slate-700">First response</dt>
          <dd data-testid="dispute-sla">
            {dispute.firstRespondedAt ? (
              <>
                Responded <LocalTime iso={dispute.firstRespondedAt} />
              </>
            ) : breached ? (
              <span className="flex flex-wrap items-center gap-2">
                <AdminSlaBreached /> was due <LocalTime iso={dispute.firstResponseDueAt} />
              </span>
            ) : closed ? (
              "None before it closed"
            ) : (
              <>
                Due <LocalTime iso={dispute.firstResponseDueAt} />
              </>
            )}
          </dd>
        </div>
        <div>
          <dt className="text-slate-700">Assignee</dt>
          <dd data-testid="dispute-assignee">{assignee ?? "Unassigned"}</dd>
        </div>
        <div>
          <dt className="text-slate-700">Invoice balance</dt>
          <dd className="tabular-nums">{money(dispute.invoiceBalance)}</dd>
        </div>
      </dl>

      {closed ? (
        <section aria-labelledby="outcome-heading" className="mt-4 rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <h2 id="outcome-heading" className="text-lg font-semibold">
            Outcome
          </h2>
          <p className="mt-1" data-testid="dispute-outcome">
            {dispute.status === "resolved"
              ? `Resolved with a credit of ${money(dispute.creditedAmount)}${dispute.creditedAmount < dispute.amount ? ` (of ${money(dispute.amount)} disputed)` : ""}.`
              : dispute.status === "rejected"
                ? `Rejected: the ${money(dispute.amount)} is payable again.`
                : "Withdrawn by the customer."}
            {dispute.closedAt ? (
              <>
                {" "}
                Closed <LocalTime iso={dispute.closedAt} />.
              </>
            ) : null}
          </p>
          {dispute.resolutionNote ? <p className="mt-2 break-words whitespace-pre-wrap text-slate-800">{dispute.resolutionNote}</p> : null}
        </section>
      ) : null}

      <div className="mt-6 grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          {dispute.lines.length > 0 ? (
            <section aria-labelledby="lines-heading">
              <h2 id="lines-heading" className="text-lg font-semibold">
                Disputed lines
              </h2>
              <div className="mt-2 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
                <table className="min-w-full divide-y divide-slate-200 text-sm">
                  <thead className="bg-slate-50">
                    <tr>
                      <th scope="col" className="px-3 py-2 text-left font-semibold">Line</th>
                      <th scope="col" className="px-3 py-2 text-right font-semibold">Amount</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100">
                    {dispute.lines.map((l) => (
                      <tr key={l.id}>
                        <td className="px-3 py-2">{l.description}</td>
                        <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{money(l.amount)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          ) : null}

          <section aria-labelledby="thread-heading">
            <h2 id="thread-heading" className="text-lg font-semibold">
              Thread
            </h2>
            <AdminDisputeThread messages={dispute.messages} />
          </section>

          {closed ? null : (
            <>
              <AdminDisputeReplyForm key={dispute.messages.length} actionData={actionData} busy={busy} />
              <AdminDisputeWorkflowForms assigneeUserId={dispute.assigneeUserId} me={me} team={team} moves={moves} actionData={actionData} busy={busy} />
              <AdminDisputeResolveForms
                currency={dispute.currency}
                fullCredit={amountInputValue(dispute.amount, dispute.currency)}
                maxCreditText={money(dispute.amount)}
                actionData={actionData}
                busy={busy}
              />
            </>
          )}
        </div>
        <AdminDisputeCustomerContext accountId={dispute.accountId} accountName={dispute.accountName} context={context} />
      </div>
    </>
  );
}
