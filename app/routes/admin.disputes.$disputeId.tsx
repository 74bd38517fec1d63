import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { LocalTime } from "~/components/local-time";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { CONTROL_CHARACTERS_MESSAGE, isFreeText } from "~/utils/text";
import { AdminDisputeCustomerContext } from "~/components/disputes/admin-dispute-context";
import { AdminDisputeReplyForm, AdminDisputeResolveForms, AdminDisputeWorkflowForms, type AdminDisputeActionData, type AdminDisputeIntent } from "~/components/disputes/admin-dispute-forms";
import { AdminSlaBreached } from "~/components/disputes/admin-dispute-status-badge";
import { DisputeStatusBadge } from "~/components/disputes/dispute-status";
import { AdminDisputeThread } from "~/components/disputes/admin-dispute-thread";
import { Alert } from "~/components/ui/alert";
import { requireStaff } from "~/modules/auth/session.server";
import { assignDispute } from "~/modules/disputes/assign-dispute.server";
import { customerContext } from "~/modules/disputes/customer-context.server";
import { getDispute } from "~/modules/disputes/get-dispute.server";
import { listStaff } from "~/modules/disputes/list-disputes.server";
import { moveDispute } from "~/modules/disputes/move-dispute.server";
import { canMove, isClosed, reasonLabels, statusLabels } from "~/modules/disputes/policy";
import { postDisputeMessage } from "~/modules/disputes/post-message.server";
import { readCreditAmount } from "~/modules/disputes/credit-amount";
import { resolveDispute } from "~/modules/disputes/resolve-dispute.server";
import { amountInputValue } from "~/modules/payments/allocation-rules";
import { readUploadForm } from "~/modules/storage/read-upload-form.server";
import { now } from "~/utils/clock";
import { formatMoney } from "~/utils/money";
import { clientOf, formValues } from "~/utils/request.server";

type Status = keyof typeof statusLabels;
const statuses = Object.keys(statusLabels) as [Status, ...Status[]];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Dispute of ${data?.dispute.invoiceNumber ?? "invoice"} · AR admin` }];

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

export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request);
  const dispute = await getDispute({ kind: "staff" }, params.disputeId ?? "");
  if (!dispute) throw new Response("Not found", { status: 404 });
  const [context, team] = await Promise.all([customerContext(dispute.accountId, dispute.id), listStaff()]);
  const at = now();
  const closed = isClosed(dispute.status);
  const done = new URL(request.url).searchParams.get("done");
  return json({
    dispute,
    context,
    team,
    me: staff.user.id,
    closed,
    breached: !closed && !dispute.firstRespondedAt && dispute.firstResponseDueAt < at,
    moves: statuses.filter((to) => canMove(dispute.status, to)),
    notice: done && done in notices ? notices[done as AdminDisputeIntent] : null,
  });
}

const intentSchema = z.enum(["reply", "internal_note", "info_request", "claim", "assign", "move", "credit", "reject"]);
const noteSchema = (message: string) => z.string().trim().min(5, message).max(2000, "Keep it under 2,000 characters.").refine(isFreeText, CONTROL_CHARACTERS_MESSAGE);
const creditNote = noteSchema("Add a note for the customer about the credit (at least 5 characters).");
const rejectNote = noteSchema("Explain to the customer why the dispute is rejected (at least 5 characters).");

const fail = (data: AdminDisputeActionData, status = 400) => json(data, { status });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const staff = await requireStaff(request);
  const dispute = await getDispute({ kind: "staff" }, params.disputeId ?? "");
  if (!dispute) throw new Response("Not found", { status: 404 });
  const actor = { userId: staff.user.id, ip: clientOf(request, context).ip };

  // The reply form carries files (multipart); every other form is a plain POST.
  const multipart = (request.headers.get("Content-Type") ?? "").toLowerCase().startsWith("multipart/form-data");
  const { fields, files, rejected } = multipart ? await readUploadForm(request) : { fields: await formValues(request), files: [], rejected: [] };
  const intent = intentSchema.safeParse(fields.intent);
  if (!intent.success) return fail({ intent: null, error: "Choose what to do with the dispute." });
  const done = () => redirect(`/admin/disputes/${dispute.id}?done=${intent.data}`);

  switch (intent.data) {
    case "reply":
    case "internal_note":
    case "info_request": {
      const body = fields.body ?? "";
      const values = { body };
      if (rejected.length > 0) return fail({ intent: intent.data, rejected, values });
      if (body.trim() === "" && files.length === 0) return fail({ intent: intent.data, fieldErrors: { body: "Write a message or attach a file." }, values });
      if (body.trim().length > 5000) return fail({ intent: intent.data, fieldErrors: { body: "Keep the message under 5,000 characters." }, values });
      const result = await postDisputeMessage({ actor: { side: "staff", ...actor }, disputeId: dispute.id, body, files, kind: intent.data });
      if (!result.ok) {
        if (result.notFound) throw new Response("Not found", { status: 404 });
        return fail({ intent: intent.data, error: result.message, values });
      }
      return done();
    }
    case "claim":
    case "assign": {
      // "" (Unassigned) unassigns; a missing field or an id that is no one on the team is refused,
      // never read as "unassign".
      if (intent.data === "assign" && fields.assignee === undefined) return fail({ intent: "assign", fieldErrors: { assignee: "Choose a member of the AR team, or Unassigned." } });
      const assignee = intent.data === "claim" ? staff.user.id : fields.assignee!.trim() || null;
      const result = await assignDispute({ staff: actor, disputeId: dispute.id, assigneeUserId: assignee });
      if (!result.ok) return fail({ intent: intent.data, fieldErrors: { assignee: result.message ?? "The dispute could not be assigned." } });
      return done();
    }
    case "move": {
      const to = z.enum(statuses).safeParse(fields.to);
      if (!to.success) return fail({ intent: "move", error: "Choose a status to move the dispute to." });
      const result = await moveDispute({ staff: actor, disputeId: dispute.id, to: to.data });
      if (!result.ok) return fail({ intent: "move", error: result.message ?? "The status could not be changed." });
      return done();
    }
    case "credit": {
      const values = { creditAmount: fields.creditAmount ?? "", creditNote: fields.creditNote ?? "" };
      const note = creditNote.safeParse(values.creditNote);
      // No default amount: an empty field is refused (here and again in the use case).
      const amount = readCreditAmount(values.creditAmount, dispute.amount, dispute.currency);
      if (!amount.ok || !note.success) {
        const fieldErrors: NonNullable<AdminDisputeActionData["fieldErrors"]> = {};
        if (!amount.ok) fieldErrors.creditAmount = amount.message;
        if (!note.success) fieldErrors.creditNote = note.error.issues[0]?.message;
        return fail({ intent: "credit", fieldErrors, values });
      }
      const result = await resolveDispute({ staff: actor, disputeId: dispute.id, outcome: "credit", creditAmount: values.creditAmount, note: note.data });
      if (!result.ok) return fail({ intent: "credit", error: result.message, values });
      return done();
    }
    case "reject": {
      const values = { rejectNote: fields.rejectNote ?? "" };
      const note = rejectNote.safeParse(values.rejectNote);
      if (!note.success) return fail({ intent: "reject", fieldErrors: { rejectNote: note.error.issues[0]?.message }, values });
      const result = await resolveDispute({ staff: actor, disputeId: dispute.id, outcome: "reject", note: note.data });
      if (!result.ok) return fail({ intent: "reject", error: result.message, values });
      return done();
    }
  }
}

export default function AdminDisputePage() {
  const { dispute, context, team, me, closed, breached, moves, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as AdminDisputeActionData | undefined;
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
      {notice && !actionData ? (
        <div className="mt-3">
          <Alert tone="success">{notice}</Alert>
        </div>
      ) : null}

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
