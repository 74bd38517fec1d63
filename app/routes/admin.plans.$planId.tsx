import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AdminPlanControls, AdminPlanReview } from "~/components/plans/admin-plan-actions";
import { installmentsText } from "~/components/plans/admin-plan-list";
import { resultFor, resultMessages, submittedIntent, submittedValue, type PlanActionResult } from "~/components/plans/plan-action-result";
import { PlanStatusBadge } from "~/components/plans/plan-status";
import { PlanInvoicesTable, PlanPaymentsTable } from "~/components/plans/plan-tables";
import { ScheduleTable } from "~/components/plans/schedule-table";
import { Alert } from "~/components/ui/alert";
import { requireStaffActor } from "~/modules/auth/session.server";
import { cancelPlan } from "~/modules/plans/cancel-plan.server";
import { chargeInstallment } from "~/modules/plans/charge-installment.server";
import { getPlan } from "~/modules/plans/get-plan.server";
import { isPayableInstallment } from "~/modules/plans/installment-states";
import { setPlanPaused } from "~/modules/plans/pause-plan.server";
import { adminPlanActionForm, adminPlanNotices } from "~/modules/plans/forms.server";
import { canPausePlan, canResumePlan, isAwaitingApproval, isEndedPlan, staffMayCancelPlan } from "~/modules/plans/plan-states";
import { approvePlan, declinePlan } from "~/modules/plans/review-plan.server";
import { today } from "~/utils/clock";
import { formatDate } from "~/utils/dates";
import { invalidReply, parseForm, replyWithProblem } from "~/utils/form.server";
import { conflict, isProblem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";
import { redirectWithToast } from "~/utils/toast.server";
import { formatMoney } from "~/utils/money";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Payment plan of ${data?.detail.account.name ?? "customer"} · AR admin` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const detail = orThrow(await getPlan(actor, { planId: params.planId ?? "" }));
  const day = today();
  // "Retry now" is offered where a charge can be made at once: a failed installment, or one due
  // today or earlier that the schedule has not charged yet, of an active plan.
  const retryable =
    detail.plan.status === "active" ? detail.schedule.filter((s) => isPayableInstallment(s.status) && (s.status === "failed" || s.dueDate <= day)).map((s) => s.id) : [];
  return json({ detail, retryable });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const planId = params.planId ?? "";
  const submission = await parseForm(request, adminPlanActionForm);
  if (submission.status !== "success") return invalidReply(submission);
  const form = submission.value;
  const done = (notice: keyof typeof adminPlanNotices) => redirectWithToast(`/admin/plans/${encodeURIComponent(planId)}`, adminPlanNotices[notice]);

  switch (form.intent) {
    case "approve": {
      const result = await approvePlan(actor, { planId });
      return isProblem(result) ? replyWithProblem(submission, result) : done("approved");
    }
    case "decline": {
      const result = await declinePlan(actor, { planId, reason: form.reason });
      return isProblem(result) ? replyWithProblem(submission, result) : done("declined");
    }
    case "pause":
    case "resume": {
      const result = await setPlanPaused(actor, { planId, paused: form.intent === "pause" });
      return isProblem(result) ? replyWithProblem(submission, result) : done(form.intent === "pause" ? "paused" : "resumed");
    }
    case "cancel": {
      const result = await cancelPlan(actor, { planId, reason: form.reason?.trim() || null });
      return isProblem(result) ? replyWithProblem(submission, result) : done("canceled");
    }
    case "retry": {
      // Only an installment of this plan: the id comes from the page, but the URL names the plan.
      const result = await chargeInstallment(actor, { installmentId: form.installmentId, planId });
      if (isProblem(result)) return replyWithProblem(submission, result);
      if (result.status === "succeeded") return done("retry_succeeded");
      if (result.status === "processing") return done("retry_processing");
      if (result.status === "nothing_owed") return done("retry_nothing_owed");
      if (result.status === "failed") {
        const after = await getPlan(actor, { planId });
        const why = (isProblem(after) ? undefined : after.schedule.find((s) => s.id === form.installmentId)?.failureMessage) ?? "The payment method was declined.";
        return replyWithProblem(submission, conflict(`The charge failed: ${why}`));
      }
      return replyWithProblem(
        submission,
        conflict(
          result.status === "canceled"
            ? "The charge was canceled before it completed. Try again, or ask the payer to update their payment method."
            : "Stripe did not confirm the charge yet. The payment stays pending; check the plan's payments shortly, and the schedule tries again on its next run if it did not go through.",
        ),
      );
    }
  }
}

const dt = "text-slate-700";

export default function AdminPlanPage() {
  const { detail, retryable } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as PlanActionResult | undefined;
  const busy = useNavigation().state !== "idle";
  const { plan, account, payer, schedule, invoices, payments } = detail;
  const money = (m: number) => formatMoney(m, plan.currency);
  const ended = isEndedPlan(plan.status);
  const count = schedule.filter((s) => s.sequence > 0).length;
  const retryError = resultMessages(resultFor(actionData, "retry")).join(" ") || undefined;
  const retryInstallment = submittedValue(actionData, "installmentId");
  const retryRow = retryInstallment ? schedule.find((s) => s.id === retryInstallment) : undefined;
  // An error whose form is no longer on the page (the plan moved on meanwhile, or no form sent it) shows at the top.
  const intent = submittedIntent(actionData);
  const formShown =
    intent === "retry" ||
    ((intent === "approve" || intent === "decline") && isAwaitingApproval(plan.status)) ||
    ((intent === "pause" || intent === "resume") && (canPausePlan(plan.status) || canResumePlan(plan.status))) ||
    (intent === "cancel" && staffMayCancelPlan(plan.status));
  const generalError = actionData && !formShown ? resultMessages(actionData).join(" ") || undefined : undefined;

  return (
    <>
      <p className="mb-4">
        <Link to="/admin/plans" className="text-sm text-brand-700 underline">
          ← All payment plans
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">
        Payment plan of{" "}
        <Link to={`/admin/customers/${account.id}`} className="text-brand-700 underline">
          {account.name}
        </Link>
      </h1>
      <p className="text-slate-700">
        {account.number} · created {formatDate(plan.createdAt.slice(0, 10))}
        {payer ? ` by ${payer.name} (${payer.email})` : ""}
      </p>
      {generalError ? (
        <div className="mt-3">
          <Alert tone="error">{generalError}</Alert>
        </div>
      ) : null}

      <dl className="mt-4 grid gap-x-6 gap-y-3 rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200 sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <dt className={dt}>Status</dt>
          <dd data-testid="plan-status">
            <PlanStatusBadge status={plan.status} />
          </dd>
        </div>
        <div>
          <dt className={dt}>Total</dt>
          <dd className="font-medium tabular-nums">{money(plan.total)}</dd>
        </div>
        <div>
          <dt className={dt}>Paid</dt>
          <dd className="tabular-nums">{money(detail.paid)}</dd>
        </div>
        <div>
          <dt className={dt}>{ended ? "Not collected by the plan" : "Remaining"}</dt>
          <dd className="tabular-nums">{money(ended ? Math.max(0, plan.total - detail.paid) : detail.remaining)}</dd>
        </div>
        <div>
          <dt className={dt}>Installments</dt>
          <dd>
            {installmentsText(plan.installmentCount, plan.frequency)}
            {plan.downPayment > 0 ? `, after a down payment of ${money(plan.downPayment)}` : ""}
          </dd>
        </div>
        <div>
          <dt className={dt}>Payment method</dt>
          <dd>{plan.methodLabel ?? "Not authorized yet"}</dd>
        </div>
        <div>
          <dt className={dt}>Next installment</dt>
          <dd>{detail.next && !ended ? `${money(detail.next.amount)} on ${formatDate(detail.next.dueDate)}` : "None"}</dd>
        </div>
        <div>
          <dt className={dt}>{ended ? "Ended" : "Charging since"}</dt>
          <dd>{ended ? (plan.endedAt ? formatDate(plan.endedAt.slice(0, 10)) : "—") : plan.activatedAt ? formatDate(plan.activatedAt.slice(0, 10)) : "Not started"}</dd>
        </div>
      </dl>
      {plan.endedReason ? (
        <p className="mt-3 rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200" data-testid="plan-ended-reason">
          <span className="font-medium">Reason: </span>
          <span className="break-words whitespace-pre-wrap">{plan.endedReason}</span>
        </p>
      ) : null}

      <div className="mt-6 space-y-6">
        {isAwaitingApproval(plan.status) ? (
          <AdminPlanReview total={plan.total} threshold={plan.approvalThreshold} currency={plan.currency} actionData={actionData} busy={busy} />
        ) : null}

        <section aria-labelledby="schedule-heading" className="space-y-2">
          <h2 id="schedule-heading" className="text-lg font-semibold">
            Schedule
          </h2>
          {plan.status === "paused" ? <p className="text-sm text-slate-700">The plan is paused: nothing is charged until it is resumed.</p> : null}
          {retryError ? (
            <Alert tone="error">
              {retryRow ? `${retryRow.sequence === 0 ? "Down payment" : `Installment ${retryRow.sequence} of ${count}`}: ` : ""}
              {retryError}
            </Alert>
          ) : null}
          <ScheduleTable
            rows={schedule}
            currency={plan.currency}
            caption="Installments and their status"
            actions={retryable.length === 0 ? undefined : (row) => {
              const item = schedule.find((s) => s.sequence === row.sequence);
              if (!item || !retryable.includes(item.id)) return null;
              return (
                <Form method="post">
                  <input type="hidden" name="intent" value="retry" />
                  <input type="hidden" name="installmentId" value={item.id} />
                  <button
                    type="submit"
                    disabled={busy}
                    className="inline-flex min-h-10 items-center justify-center rounded-md bg-white px-3 py-2 text-sm font-medium whitespace-nowrap text-slate-900 ring-1 ring-slate-300 hover:bg-slate-100 disabled:text-slate-500"
                  >
                    Retry now<span className="sr-only">: {item.sequence === 0 ? "down payment" : `installment ${item.sequence} of ${count}`}</span>
                  </button>
                </Form>
              );
            }}
          />
          {retryable.length > 0 ? <p className="text-sm text-slate-700">“Retry now” charges the plan&apos;s payment method at once, off-session.</p> : null}
        </section>

        <AdminPlanControls status={plan.status} actionData={actionData} busy={busy} />

        <section aria-labelledby="invoices-heading">
          <h2 id="invoices-heading" className="text-lg font-semibold">
            Invoices on the plan
          </h2>
          <PlanInvoicesTable invoices={invoices} currency={plan.currency} linkBase="/admin/invoices" />
        </section>

        <section aria-labelledby="payments-heading">
          <h2 id="payments-heading" className="text-lg font-semibold">
            Payments
          </h2>
          <PlanPaymentsTable payments={payments} currency={plan.currency} linkBase="/admin/payments" />
        </section>
      </div>
    </>
  );
}
