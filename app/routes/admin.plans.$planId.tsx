import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AdminPlanControls, AdminPlanReview, type AdminPlanActionData, type AdminPlanIntent } from "~/components/plans/admin-plan-actions";
import { installmentsText } from "~/components/plans/admin-plan-list";
import { PlanStatusBadge } from "~/components/plans/plan-status";
import { PlanInvoicesTable, PlanPaymentsTable } from "~/components/plans/plan-tables";
import { ScheduleTable } from "~/components/plans/schedule-table";
import { Alert } from "~/components/ui/alert";
import { requireStaff } from "~/modules/auth/session.server";
import { cancelPlan } from "~/modules/plans/cancel-plan.server";
import { chargeInstallment } from "~/modules/plans/charge-installment.server";
import { getPlan } from "~/modules/plans/get-plan.server";
import { setPlanPaused } from "~/modules/plans/pause-plan.server";
import { approvePlan, declinePlan } from "~/modules/plans/review-plan.server";
import { today } from "~/utils/clock";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { clientOf, formValues } from "~/utils/request.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Payment plan of ${data?.detail.account.name ?? "customer"} · AR admin` }];

/** What `?done=` says after a successful action (the action redirects, so a reload repeats nothing). */
const notices: Record<string, string> = {
  approved: "Plan approved. It is active now: installments already due are charged at once, and the payer is emailed the schedule.",
  declined: "Plan declined. Its invoices are payable again, and the payer is emailed the reason.",
  paused: "Plan paused. Nothing is charged until it is resumed.",
  resumed: "Plan resumed. Installments that fell due while it was paused are charged at once.",
  canceled: "Plan canceled. Its invoices are payable again, and the payer is emailed.",
  retry_succeeded: "The installment was charged successfully.",
  retry_processing: "The bank debit was started. It settles in a few business days; the installment shows as processing until then.",
  retry_nothing_owed: "Nothing was left to collect on the plan's invoices, so the installment was canceled.",
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request);
  const detail = await getPlan(params.planId ?? "", null);
  if (!detail) throw new Response("Not found", { status: 404 });
  const day = today();
  // "Retry now" is offered where a charge can be made at once: a failed installment, or one due
  // today or earlier that the schedule has not charged yet, of an active plan.
  const retryable =
    detail.plan.status === "active" ? detail.schedule.filter((s) => s.status === "failed" || (s.status === "scheduled" && s.dueDate <= day)).map((s) => s.id) : [];
  const done = new URL(request.url).searchParams.get("done");
  return json({ detail, retryable, notice: done && Object.hasOwn(notices, done) ? notices[done]! : null });
}

const intents: readonly AdminPlanIntent[] = ["approve", "decline", "pause", "resume", "cancel", "retry"];

const fail = (data: AdminPlanActionData, status = 400) => json(data, { status });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const staff = await requireStaff(request);
  const planId = params.planId ?? "";
  const fields = await formValues(request);
  const intent = intents.find((i) => i === fields.intent);
  if (!intent) return fail({ intent: null, error: "Choose what to do with the plan." });
  const actor = { userId: staff.user.id, ip: clientOf(request, context).ip };
  const done = (what: string) => redirect(`/admin/plans/${encodeURIComponent(planId)}?done=${what}`);

  switch (intent) {
    case "approve": {
      const result = await approvePlan(planId, actor);
      return result.ok ? done("approved") : fail({ intent, error: result.message });
    }
    case "decline": {
      const reason = fields.reason ?? "";
      const result = await declinePlan(planId, actor, reason);
      return result.ok ? done("declined") : fail({ intent, error: result.message, values: { reason } });
    }
    case "pause":
    case "resume": {
      const result = await setPlanPaused(planId, intent === "pause", actor);
      return result.ok ? done(intent === "pause" ? "paused" : "resumed") : fail({ intent, error: result.message });
    }
    case "cancel": {
      const reason = fields.reason ?? "";
      const result = await cancelPlan(planId, { ...actor, staff: true }, reason.trim() || null);
      return result.ok ? done("canceled") : fail({ intent, error: result.message, values: { reason } });
    }
    case "retry": {
      const installmentId = fields.installmentId ?? "";
      // Only an installment of this plan: the id comes from the page, but the URL names the plan.
      const detail = await getPlan(planId, null);
      if (!detail) throw new Response("Not found", { status: 404 });
      const installment = detail.schedule.find((s) => s.id === installmentId);
      if (!installment) return fail({ intent, error: "That installment is not part of this plan." });
      const result = await chargeInstallment(installment.id, actor);
      if (!result.ok) return fail({ intent, installmentId, error: result.message });
      if (result.status === "succeeded") return done("retry_succeeded");
      if (result.status === "processing") return done("retry_processing");
      if (result.status === "nothing_owed") return done("retry_nothing_owed");
      if (result.status === "failed") {
        const after = (await getPlan(planId, null))?.schedule.find((s) => s.id === installment.id);
        const why = after?.failureMessage ?? "The payment method was declined.";
        return fail({ intent, installmentId, error: `The charge failed: ${why}` });
      }
      return fail({
        intent,
        installmentId,
        error:
          result.status === "canceled"
            ? "The charge was canceled before it completed. Try again, or ask the payer to update their payment method."
            : "Stripe did not confirm the charge yet. The payment stays pending; check the plan's payments shortly, and the schedule tries again on its next run if it did not go through.",
      });
    }
  }
}

const dt = "text-slate-700";

export default function AdminPlanPage() {
  const { detail, retryable, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as AdminPlanActionData | undefined;
  const busy = useNavigation().state !== "idle";
  const { plan, account, payer, schedule, invoices, payments } = detail;
  const money = (m: number) => formatMoney(m, plan.currency);
  const ended = !["authorizing", "awaiting_approval", "active", "paused"].includes(plan.status);
  const count = schedule.filter((s) => s.sequence > 0).length;
  const retryError = actionData?.intent === "retry" ? actionData : undefined;
  const retryRow = retryError?.installmentId ? schedule.find((s) => s.id === retryError.installmentId) : undefined;
  // An error whose form is no longer on the page (the plan moved on meanwhile) shows at the top.
  const formShown = (intent: AdminPlanIntent | null) =>
    intent === "retry" ||
    ((intent === "approve" || intent === "decline") && plan.status === "awaiting_approval") ||
    ((intent === "pause" || intent === "resume") && (plan.status === "active" || plan.status === "paused")) ||
    (intent === "cancel" && !ended);
  const generalError = actionData && !formShown(actionData.intent) ? actionData.error : undefined;

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
      {notice && !actionData ? (
        <div className="mt-3">
          <Alert tone="success">{notice}</Alert>
        </div>
      ) : null}
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
        {plan.status === "awaiting_approval" ? (
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
              {retryError.error}
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
