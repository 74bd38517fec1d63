import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { useEffect, useRef } from "react";
import type { DisputeStatus } from "#db/schema/disputes";
import { FormErrors, SelectField, TextAreaField, TextField } from "~/components/forms/fields";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import type { AdminDisputeIntent } from "~/modules/disputes/dispute-forms";
import { statusLabels } from "~/modules/disputes/policy";
import { formatBytes, MAX_FILE_BYTES, MAX_FILES_PER_UPLOAD } from "~/modules/storage/upload-policy";

export type { AdminDisputeIntent };

/** What the dispute page's action returns when something must be fixed: Conform's result. */
export type AdminDisputeActionData = SubmissionResult<string[]> | undefined;

const allIntents: readonly string[] = ["reply", "internal_note", "info_request", "claim", "assign", "move", "credit", "reject"];

/**
 * The result belongs to the form whose button sent it (every form posts to the same action). A
 * result with no known intent (a forged post) is shown by the reply form, the page's first.
 */
function resultFor(actionData: AdminDisputeActionData, intents: readonly AdminDisputeIntent[], orphans = false): SubmissionResult<string[]> | undefined {
  const intent = (actionData?.initialValue as Record<string, unknown> | undefined)?.intent;
  if (typeof intent === "string" && (intents as readonly string[]).includes(intent)) return actionData;
  return orphans && actionData && !(typeof intent === "string" && allIntents.includes(intent)) ? actionData : undefined;
}

const section = "rounded-lg bg-white p-4 ring-1 ring-slate-200";

/** Reply, internal note or request for information, with evidence files. */
export function AdminDisputeReplyForm({ actionData, busy }: { actionData: AdminDisputeActionData; busy: boolean }) {
  const lastResult = resultFor(actionData, ["reply", "internal_note", "info_request"], true);
  const [form, fields] = useForm<{ body: string; files: string; intent: string }>({ id: "reply", lastResult });
  const refused = fields.files.errors ?? [];
  // The refused files stay selected in the browser after the round trip: clear them so they are
  // not sent again by mistake (the message itself is kept).
  const fileInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (refused.length > 0 && fileInput.current) fileInput.current.value = "";
  }, [lastResult, refused.length]);
  return (
    <section aria-labelledby="reply-heading" className={section}>
      <h2 id="reply-heading" className="text-lg font-semibold">
        Respond
      </h2>
      <p className="text-sm text-slate-700">A reply or a request for information is emailed to the customer. An internal note is seen only by the AR team.</p>
      <Form method="post" encType="multipart/form-data" className="mt-3 space-y-3" {...getFormProps(form)}>
        <FormErrors form={form} />
        {fields.intent.errors?.length ? <Alert tone="error">{fields.intent.errors.join(" ")}</Alert> : null}
        {refused.length > 0 ? (
          <div id={fields.files.errorId}>
            <Alert tone="error" title="Nothing was sent: these files could not be attached">
              <ul className="list-disc space-y-1 pl-5">
                {refused.map((message, i) => (
                  <li key={`${message}-${i}`}>{message}</li>
                ))}
              </ul>
              <p className="mt-2">Your message is kept below. Choose the files again (or leave them out) and send it once more.</p>
            </Alert>
          </div>
        ) : null}
        <TextAreaField meta={fields.body} label="Message" rows={5} maxLength={5000} />
        <div>
          <label htmlFor={fields.files.id} className="block text-sm font-medium text-slate-800">
            Attach files (optional)
          </label>
          <p id={fields.files.descriptionId} className="text-sm text-slate-600">
            PDF, PNG or JPEG; up to {MAX_FILES_PER_UPLOAD} files of {formatBytes(MAX_FILE_BYTES)} each.
          </p>
          <input
            ref={fileInput}
            id={fields.files.id}
            name={fields.files.name}
            type="file"
            multiple
            accept=".pdf,.png,.jpg,.jpeg"
            aria-describedby={refused.length > 0 ? `${fields.files.descriptionId} ${fields.files.errorId}` : fields.files.descriptionId}
            aria-invalid={refused.length > 0 ? true : undefined}
            className="mt-1 block w-full max-w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-slate-900"
          />
        </div>
        <div className="flex flex-wrap gap-2">
          <Button type="submit" name="intent" value="reply" disabled={busy}>
            Send reply to customer
          </Button>
          <Button type="submit" name="intent" value="internal_note" variant="secondary" disabled={busy}>
            Add internal note
          </Button>
          <Button type="submit" name="intent" value="info_request" variant="secondary" disabled={busy}>
            Ask customer for information
          </Button>
        </div>
      </Form>
    </section>
  );
}

/** Claim, assign to someone else or unassign; and the manual status moves policy allows. */
export function AdminDisputeWorkflowForms({
  assigneeUserId,
  me,
  team,
  moves,
  actionData,
  busy,
}: {
  assigneeUserId: string | null;
  me: string;
  team: Array<{ id: string; name: string }>;
  moves: DisputeStatus[];
  actionData: AdminDisputeActionData;
  busy: boolean;
}) {
  const [claimForm] = useForm({ id: "claim", lastResult: resultFor(actionData, ["claim"]) });
  const [assignForm, assignFields] = useForm<{ assignee: string }>({ id: "assign", lastResult: resultFor(actionData, ["assign"]), defaultValue: { assignee: assigneeUserId ?? "" } });
  const [moveForm, moveFields] = useForm<{ to: string }>({ id: "move", lastResult: resultFor(actionData, ["move"]) });
  const claimError = claimForm.errors?.join(" ");
  return (
    <section aria-labelledby="workflow-heading" className={section}>
      <h2 id="workflow-heading" className="text-lg font-semibold">
        Assignment and status
      </h2>
      <div className="mt-3 flex flex-wrap items-end gap-3">
        {assigneeUserId !== me ? (
          <Form method="post" {...getFormProps(claimForm)}>
            <Button type="submit" name="intent" value="claim" disabled={busy}>
              Assign to me
            </Button>
          </Form>
        ) : null}
        <Form method="post" className="flex flex-wrap items-end gap-2" key={assigneeUserId ?? "none"} {...getFormProps(assignForm)}>
          <SelectField
            meta={assignFields.assignee}
            label="Assign to"
            className="[&_select]:w-auto [&_select]:px-2"
            options={[{ value: "", label: "Unassigned" }, ...team.map((s) => ({ value: s.id, label: `${s.name}${s.id === me ? " (me)" : ""}` }))]}
          />
          <Button type="submit" name="intent" value="assign" variant="secondary" disabled={busy}>
            Assign
          </Button>
        </Form>
      </div>
      {claimError || assignForm.errors?.length ? (
        <p id={assignForm.errorId} className="mt-1 text-sm text-red-800">
          {claimError ?? assignForm.errors?.join(" ")}
        </p>
      ) : null}

      {moves.length > 0 ? (
        <Form method="post" className="mt-4" {...getFormProps(moveForm)}>
          <input type="hidden" name="intent" value="move" />
          <fieldset>
            <legend className="text-sm font-medium text-slate-800">Change status</legend>
            <p className="text-sm text-slate-600">The customer sees the change in the thread.</p>
            <div className="mt-2 flex flex-wrap gap-2">
              {moves.map((to) => (
                <Button key={to} type="submit" name="to" value={to} variant="secondary" disabled={busy}>
                  Move to {statusLabels[to]}
                </Button>
              ))}
            </div>
          </fieldset>
          <div className="mt-2">
            <FormErrors form={moveForm} />
            {moveFields.to.errors?.length ? <Alert tone="error">{moveFields.to.errors.join(" ")}</Alert> : null}
          </div>
        </Form>
      ) : null}
    </section>
  );
}

/** Ends the dispute: a credit memo for all or part of the disputed amount, or a rejection. */
export function AdminDisputeResolveForms({
  currency,
  fullCredit,
  maxCreditText,
  actionData,
  busy,
}: {
  currency: string;
  /** The disputed amount as an input value; offered by a button, never prefilled. */
  fullCredit: string;
  maxCreditText: string;
  actionData: AdminDisputeActionData;
  busy: boolean;
}) {
  const [creditForm, credit] = useForm<{ creditAmount: string; creditNote: string }>({ id: "credit", lastResult: resultFor(actionData, ["credit"]) });
  const [rejectForm, reject] = useForm<{ rejectNote: string }>({ id: "reject", lastResult: resultFor(actionData, ["reject"]) });
  return (
    <section aria-labelledby="resolve-heading" className={section}>
      <h2 id="resolve-heading" className="text-lg font-semibold">
        Resolve
      </h2>
      <div className="mt-3 grid gap-6 md:grid-cols-2">
        <Form method="post" className="space-y-3" aria-labelledby="credit-heading" {...getFormProps(creditForm)}>
          <h3 id="credit-heading" className="font-semibold">
            Credit the customer
          </h3>
          <FormErrors form={creditForm} />
          <TextField
            meta={credit.creditAmount}
            label={`Credit amount (${currency})`}
            hint={`Type the amount to credit: up to ${maxCreditText}, the disputed amount.`}
            inputMode="decimal"
            autoComplete="off"
            required
          />
          <button
            type="button"
            className="min-h-6 text-sm text-blue-800 underline underline-offset-2"
            onClick={() => {
              const input = document.getElementById(credit.creditAmount.id) as HTMLInputElement | null;
              if (!input) return;
              input.value = fullCredit;
              input.focus();
            }}
          >
            Fill in the full {maxCreditText}
          </button>
          <TextAreaField meta={credit.creditNote} label="Note to the customer" rows={3} required maxLength={2000} />
          <Button type="submit" name="intent" value="credit" disabled={busy}>
            Resolve with credit
          </Button>
        </Form>
        <Form method="post" className="space-y-3" aria-labelledby="reject-heading" {...getFormProps(rejectForm)}>
          <h3 id="reject-heading" className="font-semibold">
            Reject the dispute
          </h3>
          <p className="text-sm text-slate-700">The disputed amount becomes payable again.</p>
          <FormErrors form={rejectForm} />
          <TextAreaField meta={reject.rejectNote} label="Explanation to the customer" rows={3} required maxLength={2000} />
          <Button type="submit" name="intent" value="reject" variant="secondary" disabled={busy}>
            Reject
          </Button>
        </Form>
      </div>
    </section>
  );
}
