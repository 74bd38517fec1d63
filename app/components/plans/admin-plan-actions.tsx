import { getFormProps, useForm } from "@conform-to/react";
import { Form } from "@remix-run/react";
import type { PlanStatus } from "#db/schema/plan-values";
import { TextAreaField } from "~/components/forms/fields";
import { Button } from "~/components/ui/button";
import { canPausePlan, canResumePlan, staffMayCancelPlan } from "~/modules/plans/plan-states";
import { formatMoney } from "~/utils/money";
import { resultFor, type PlanActionResult } from "./plan-action-result";

const section = "rounded-lg bg-white p-4 ring-1 ring-slate-200";

/** A form's own error (the use case's Problem), announced at once beside its button. */
function FormErrors({ form }: { form: { errorId: string; errors?: string[] } }) {
  if (!form.errors?.length) return null;
  return (
    <p id={form.errorId} role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-950">
      {form.errors.join(" ")}
    </p>
  );
}

/** Approve or decline a plan whose total is above the approval threshold. */
export function AdminPlanReview({ total, threshold, currency, actionData, busy }: { total: number; threshold: number | null; currency: string; actionData: PlanActionResult | undefined; busy: boolean }) {
  const money = (m: number) => formatMoney(m, currency);
  const [approve] = useForm({ id: "plan-approve", lastResult: resultFor(actionData, "approve") });
  const [decline, declineFields] = useForm<{ reason: string }>({ id: "plan-decline", lastResult: resultFor(actionData, "decline") });
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
      <Form method="post" {...getFormProps(approve)} className="mt-3 space-y-2">
        <FormErrors form={approve} />
        <Button type="submit" name="intent" value="approve" disabled={busy}>
          Approve plan
        </Button>
      </Form>
      <Form method="post" {...getFormProps(decline)} className="mt-4 space-y-3 border-t border-slate-200 pt-4">
        <input type="hidden" name="intent" value="decline" />
        <FormErrors form={decline} />
        <TextAreaField
          meta={declineFields.reason}
          label="Reason for declining (sent to the payer)"
          hint="At least 3 characters. Say what the payer can do instead, for example pay in fewer installments."
          required
          aria-required="true"
          maxLength={1000}
        />
        <Button type="submit" variant="secondary" disabled={busy}>
          Decline plan
        </Button>
      </Form>
    </section>
  );
}

/** Pause a running plan, resume a paused one, or cancel a plan that has not ended. */
export function AdminPlanControls({ status, actionData, busy }: { status: PlanStatus; actionData: PlanActionResult | undefined; busy: boolean }) {
  const canPause = canPausePlan(status);
  const canResume = canResumePlan(status);
  const canCancel = staffMayCancelPlan(status);
  const [pause] = useForm({ id: "plan-pause", lastResult: resultFor(actionData, "pause", "resume") });
  const cancelResult = resultFor(actionData, "cancel");
  const [cancel, cancelFields] = useForm<{ reason: string }>({ id: "plan-cancel", lastResult: cancelResult });
  if (!canPause && !canResume && !canCancel) return null;
  return (
    <section aria-labelledby="controls-heading" className={section}>
      <h2 id="controls-heading" className="text-lg font-semibold">
        Manage plan
      </h2>
      {canPause || canResume ? (
        <Form method="post" {...getFormProps(pause)} className="mt-3 space-y-2">
          <FormErrors form={pause} />
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
        <details className="mt-4 border-t border-slate-200 pt-4" open={cancelResult ? true : undefined}>
          <summary className="inline-flex min-h-10 cursor-pointer items-center rounded-md px-1 text-sm font-medium text-red-800 underline">
            Cancel this plan…
          </summary>
          <Form method="post" {...getFormProps(cancel)} className="mt-3 space-y-3">
            <input type="hidden" name="intent" value="cancel" />
            <FormErrors form={cancel} />
            <p className="text-sm text-slate-700">
              Canceling ends the plan for good: no more installments are charged, what was paid stays paid, and the remaining balance goes back on
              the invoices (a charge already under way still finishes). The payer is told by email.
            </p>
            <TextAreaField meta={cancelFields.reason} label="Reason (optional, sent to the payer)" maxLength={1000} />
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
