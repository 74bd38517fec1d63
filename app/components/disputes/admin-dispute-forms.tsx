import { Form } from "@remix-run/react";
import { useEffect, useRef, type TextareaHTMLAttributes } from "react";
import type { DisputeStatus } from "#db/schema/disputes";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { statusLabels } from "~/modules/disputes/policy";
import { formatBytes, MAX_FILE_BYTES, MAX_FILES_PER_UPLOAD } from "~/modules/storage/upload-policy";

export type AdminDisputeIntent = "reply" | "internal_note" | "info_request" | "claim" | "assign" | "move" | "credit" | "reject";

/** What the dispute page's action returns when something must be fixed. */
export interface AdminDisputeActionData {
  intent: AdminDisputeIntent | null;
  error?: string;
  fieldErrors?: Partial<Record<"body" | "files" | "assignee" | "creditAmount" | "creditNote" | "rejectNote", string>>;
  values?: Record<string, string>;
  rejected?: Array<{ filename: string; message: string }>;
}

const messageIntents: ReadonlyArray<AdminDisputeIntent | null> = ["reply", "internal_note", "info_request"];

function TextArea({ label, name, error, hint, ...props }: TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; name: string; error?: string; hint?: string }) {
  const id = props.id ?? name;
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="text-sm text-slate-600">
          {hint}
        </p>
      ) : null}
      <textarea
        id={id}
        name={name}
        rows={5}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className="mt-1 block w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-base aria-[invalid]:border-red-700"
        {...props}
      />
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-800">
          {error}
        </p>
      ) : null}
    </div>
  );
}

const section = "rounded-lg bg-white p-4 ring-1 ring-slate-200";

/** Reply, internal note or request for information, with evidence files. */
export function AdminDisputeReplyForm({ actionData, busy }: { actionData: AdminDisputeActionData | undefined; busy: boolean }) {
  const mine = actionData && messageIntents.includes(actionData.intent) ? actionData : undefined;
  const rejected = mine?.rejected ?? [];
  // The refused files stay selected in the browser after the round trip: clear them so they are
  // not sent again by mistake (the message itself is kept).
  const fileInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (mine?.rejected?.length && fileInput.current) fileInput.current.value = "";
  }, [mine]);
  return (
    <section aria-labelledby="reply-heading" className={section}>
      <h2 id="reply-heading" className="text-lg font-semibold">
        Respond
      </h2>
      <p className="text-sm text-slate-700">A reply or a request for information is emailed to the customer. An internal note is seen only by the AR team.</p>
      <Form method="post" encType="multipart/form-data" className="mt-3 space-y-3">
        {mine?.error ? <Alert tone="error">{mine.error}</Alert> : null}
        {rejected.length > 0 ? (
          <div id="reply-files-error">
            <Alert tone="error" title="Nothing was sent: these files could not be attached">
              <ul className="list-disc space-y-1 pl-5">
                {rejected.map((r, i) => (
                  <li key={`${r.filename}-${i}`}>{r.message}</li>
                ))}
              </ul>
              <p className="mt-2">Your message is kept below. Choose the files again (or leave them out) and send it once more.</p>
            </Alert>
          </div>
        ) : null}
        <TextArea id="reply-body" name="body" label="Message" maxLength={5000} defaultValue={mine?.values?.body ?? ""} error={mine?.fieldErrors?.body} />
        <div>
          <label htmlFor="reply-files" className="block text-sm font-medium text-slate-800">
            Attach files (optional)
          </label>
          <p id="reply-files-hint" className="text-sm text-slate-600">
            PDF, PNG or JPEG; up to {MAX_FILES_PER_UPLOAD} files of {formatBytes(MAX_FILE_BYTES)} each.
          </p>
          <input
            ref={fileInput}
            id="reply-files"
            name="files"
            type="file"
            multiple
            accept=".pdf,.png,.jpg,.jpeg"
            aria-describedby={rejected.length > 0 ? "reply-files-hint reply-files-error" : "reply-files-hint"}
            aria-invalid={rejected.length > 0 ? true : undefined}
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
  actionData: AdminDisputeActionData | undefined;
  busy: boolean;
}) {
  const assignError = actionData?.intent === "claim" || actionData?.intent === "assign" ? (actionData.fieldErrors?.assignee ?? actionData.error) : undefined;
  const moveError = actionData?.intent === "move" ? actionData.error : undefined;
  return (
    <section aria-labelledby="workflow-heading" className={section}>
      <h2 id="workflow-heading" className="text-lg font-semibold">
        Assignment and status
      </h2>
      <div className="mt-3 flex flex-wrap items-end gap-3">
        {assigneeUserId !== me ? (
          <Form method="post">
            <Button type="submit" name="intent" value="claim" disabled={busy}>
              Assign to me
            </Button>
          </Form>
        ) : null}
        <Form method="post" className="flex flex-wrap items-end gap-2" key={assigneeUserId ?? "none"}>
          <div>
            <label htmlFor="assignee" className="block text-sm font-medium text-slate-800">
              Assign to
            </label>
            <select
              id="assignee"
              name="assignee"
              defaultValue={assigneeUserId ?? ""}
              aria-invalid={assignError ? true : undefined}
              aria-describedby={assignError ? "assignee-error" : undefined}
              className="mt-1 block rounded-md border border-slate-400 bg-white px-2 py-2"
            >
              <option value="">Unassigned</option>
              {team.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                  {s.id === me ? " (me)" : ""}
                </option>
              ))}
            </select>
          </div>
          <Button type="submit" name="intent" value="assign" variant="secondary" disabled={busy}>
            Assign
          </Button>
        </Form>
      </div>
      {assignError ? (
        <p id="assignee-error" className="mt-1 text-sm text-red-800">
          {assignError}
        </p>
      ) : null}

      {moves.length > 0 ? (
        <Form method="post" className="mt-4">
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
          {moveError ? (
            <div className="mt-2">
              <Alert tone="error">{moveError}</Alert>
            </div>
          ) : null}
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
  actionData: AdminDisputeActionData | undefined;
  busy: boolean;
}) {
  const credit = actionData?.intent === "credit" ? actionData : undefined;
  const reject = actionData?.intent === "reject" ? actionData : undefined;
  return (
    <section aria-labelledby="resolve-heading" className={section}>
      <h2 id="resolve-heading" className="text-lg font-semibold">
        Resolve
      </h2>
      <div className="mt-3 grid gap-6 md:grid-cols-2">
        <Form method="post" noValidate className="space-y-3" aria-labelledby="credit-heading">
          <h3 id="credit-heading" className="font-semibold">
            Credit the customer
          </h3>
          {credit?.error ? <Alert tone="error">{credit.error}</Alert> : null}
          <Field
            id="credit-amount"
            name="creditAmount"
            label={`Credit amount (${currency})`}
            hint={`Type the amount to credit: up to ${maxCreditText}, the disputed amount.`}
            inputMode="decimal"
            autoComplete="off"
            required
            defaultValue={credit?.values?.creditAmount ?? ""}
            error={credit?.fieldErrors?.creditAmount}
          />
          <button
            type="button"
            className="min-h-6 text-sm text-blue-800 underline underline-offset-2"
            onClick={() => {
              const input = document.getElementById("credit-amount") as HTMLInputElement | null;
              if (!input) return;
              input.value = fullCredit;
              input.focus();
            }}
          >
            Fill in the full {maxCreditText}
          </button>
          <TextArea id="credit-note" name="creditNote" label="Note to the customer" rows={3} required maxLength={2000} defaultValue={credit?.values?.creditNote ?? ""} error={credit?.fieldErrors?.creditNote} />
          <Button type="submit" name="intent" value="credit" disabled={busy}>
            Resolve with credit
          </Button>
        </Form>
        <Form method="post" noValidate className="space-y-3" aria-labelledby="reject-heading">
          <h3 id="reject-heading" className="font-semibold">
            Reject the dispute
          </h3>
          <p className="text-sm text-slate-700">The disputed amount becomes payable again.</p>
          {reject?.error ? <Alert tone="error">{reject.error}</Alert> : null}
          <TextArea
            id="reject-note"
            name="rejectNote"
            label="Explanation to the customer"
            rows={3}
            required
            maxLength={2000}
            defaultValue={reject?.values?.rejectNote ?? ""}
            error={reject?.fieldErrors?.rejectNote}
          />
          <Button type="submit" name="intent" value="reject" variant="secondary" disabled={busy}>
            Reject
          </Button>
        </Form>
      </div>
    </section>
  );
}
