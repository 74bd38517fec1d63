import { Form } from "@remix-run/react";
import type { TextareaHTMLAttributes } from "react";
import type { PlanStatus } from "#db/schema/plan-values";
import { Button } from "~/components/ui/button";
import { formatMoney } from "~/utils/money";

export type AdminPlanIntent = "approve" | "decline" | "pause" | "resume" | "cancel" | "retry";

/** What the plan page's action answers when something went wrong (success redirects). */
export interface AdminPlanActionData {
  intent: AdminPlanIntent | null;
  error: string;
  installmentId?: string;
  values?: { reason?: string };
}

const section = "rounded-lg bg-white p-4 ring-1 ring-slate-200";

/** An error tied to its form: announced at once, and named by the field it concerns. */
function FormError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={id} role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-950">
      {message}
    </p>
  );
}

function TextArea({ label, name, id, error, errorId, hint, ...props }: TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; name: string; id: string; error?: string; errorId: string; hint?: string }) {
  const describedBy = [hint ? `${id}-hint` : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
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
        rows={4}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className="mt-1 block w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-base aria-[invalid]:border-red-700"
        {...props}
      />
    </div>
  );
}

/** Approve or decline a plan whose total is above the approval threshold. */
export function AdminPlanReview({
  total,
  threshold,
  currency,
  actionData,
  busy,
}: {
  total: number;
  threshold: number | null;
  currency: string;
  actionData: AdminPlanActionData | undefined;
  busy: boolean;
}) {
  const money = (m: number) => formatMoney(m, currency);
  const approveError = actionData?.intent === "approve" ? actionData.error : undefined;
  const declineError = actionData?.intent === "decline" ? actionData.error : undefined;
  return (
    <section aria-labelledby="review-heading" className="rounded-lg bg-amber-50 p-4 ring-1 ring-amber-300">
      <h2 id="review-heading" className="text-lg font-semibold">
        Waiting for approval
      </h2>
      <p className="mt-1 text-sm text-slate-800" data-testid="plan-threshold">
        The total of {money(total)} is above the approval threshold of {threshold === null ? "(none set)" : money(threshold)}, so the plan waits for
        the AR team. Approving starts charging the schedule at once; declining ends the plan, releases its invoices and emails the reason to the
        payer.
      </p>
      <Form method="post" className="mt-3 space-y-2">
        <FormError id="approve-error" message={approveError} />
        <Button type="submit" name="intent" value="approve" disabled={busy}>
          Approve plan
        </Button>
      </Form>
      <Form method="post" className="mt-4 space-y-3 border-t border-slate-200 pt-4">
        <input type="hidden" name="intent" value="decline" />
        <TextArea
          id="decline-reason"
          name="reason"
          label="Reason for declining (sent to the payer)"
          hint="At least 3 characters. Say what the payer can do instead, for example pay in fewer installments."
          required
          aria-required="true"
          maxLength={1000}
          defaultValue={actionData?.intent === "decline" ? (actionData.values?.reason ?? "") : ""}
          error={declineError}
          errorId="decline-error"
        />
        <FormError id="decline-error" message={declineError} />
        <Button type="submit" variant="secondary" disabled={busy}>
          Decline plan
        </Button>
      </Form>
    </section>
  );
}

/** Pause a running plan, resume a paused one, or cancel a plan that has not ended. */
export function AdminPlanControls({ status, actionData, busy }: { status: PlanStatus; actionData: AdminPlanActionData | undefined; busy: boolean }) {
  const canPause = status === "active";
  const canResume = status === "paused";
  const canCancel = status === "authorizing" || status === "awaiting_approval" || status === "active" || status === "paused";
  if (!canPause && !canResume && !canCancel) return null;
  const pauseError = actionData?.intent === "pause" || actionData?.intent === "resume" ? actionData.error : undefined;
  const cancelError = actionData?.intent === "cancel" ? actionData.error : undefined;
  return (
    <section aria-labelledby="controls-heading" className={section}>
      <h2 id="controls-heading" className="text-lg font-semibold">
        Manage plan
      </h2>
      {canPause || canResume ? (
        <Form method="post" className="mt-3 space-y-2">
          <FormError id="pause-error" message={pauseError} />
          <p className="text-sm text-slate-700">
            {canPause
              ? "Pausing stops all charges until the plan is resumed; its invoices stay on the plan."
              : "Resuming charges any installments that fell due while the plan was paused at once."}
          </p>
          <Button type="submit" name="intent" value={canPause ? "pause" : "resume"} variant="secondary" disabled={busy}>
            {canPause ? "Pause plan" : "Resume plan"}
          </Button>
        </Form>
      ) : null}
      {canCancel ? (
        <details className="mt-4 border-t border-slate-200 pt-4" open={cancelError ? true : undefined}>
          <summary className="inline-flex min-h-10 cursor-pointer items-center rounded-md px-1 text-sm font-medium text-red-800 underline">
            Cancel this plan…
          </summary>
          <Form method="post" className="mt-3 space-y-3">
            <input type="hidden" name="intent" value="cancel" />
            <p className="text-sm text-slate-700">
              Canceling ends the plan for good: no more installments are charged, what was paid stays paid, and the remaining balance goes back on
              the invoices (a charge already under way still finishes). The payer is told by email.
            </p>
            <TextArea
              id="cancel-reason"
              name="reason"
              label="Reason (optional, sent to the payer)"
              maxLength={1000}
              defaultValue={actionData?.intent === "cancel" ? (actionData.values?.reason ?? "") : ""}
              error={cancelError}
              errorId="cancel-error"
            />
            <FormError id="cancel-error" message={cancelError} />
            <button
              type="submit"
              disabled={busy}
              className="inline-flex min-h-10 items-center justify-center rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-800 disabled:bg-slate-400"
            >
              Yes, cancel this plan
            </button>
          </Form>
        </details>
      ) : null}
    </section>
  );
}
