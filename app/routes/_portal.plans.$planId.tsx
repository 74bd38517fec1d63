import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { type ReactNode } from "react";
import { PlanStatusBadge } from "~/components/plans/plan-status";
import { PlanInvoicesTable, PlanPaymentsTable } from "~/components/plans/plan-tables";
import { ScheduleTable } from "~/components/plans/schedule-table";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { randomToken } from "~/modules/auth/secrets.server";
import { requirePayer } from "~/modules/auth/session.server";
import { cancelPlan } from "~/modules/plans/cancel-plan.server";
import { getPlan } from "~/modules/plans/get-plan.server";
import { payInstallments } from "~/modules/plans/pay-installments.server";
import { frequencyLabels } from "~/modules/plans/schedule";
import { openSetupCheckout, syncPlanSetup } from "~/modules/plans/setup-checkout.server";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { clientOf } from "~/utils/request.server";
import { log } from "~/utils/log.server";
import { readForm } from "~/utils/read-form.server";
import { useRevalidateWhile } from "~/utils/use-revalidate-while";

export const meta: MetaFunction = () => [{ title: "Payment plan · Payment portal" }];

/** A plan whose payment method can still be set or replaced (mirrors openSetupCheckout). */
const AUTHORIZABLE = ["authorizing", "awaiting_approval", "active", "paused"];
const IN_FLIGHT = ["paying", "processing"];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const payer = await requirePayer(request);
  const planId = params.planId ?? "";
  let detail = await getPlan(planId, payer.activeAccount.id);
  if (!detail) throw new Response("Not found", { status: 404 });
  // Back from Checkout: the webhook may not have arrived yet, so ask Stripe now.
  if (new URL(request.url).searchParams.get("authorized") === "1" && AUTHORIZABLE.includes(detail.plan.status)) {
    try {
      await syncPlanSetup(planId);
      detail = (await getPlan(planId, payer.activeAccount.id)) ?? detail;
    } catch (error) {
      // The webhook (or the schedule job) will bring the plan up to date; the page still shows.
      log("error", "plan setup sync on return failed", { planId, error: String(error) });
    }
  }
  // One-time ids for the pay forms: submitting one twice finds the payment already started.
  return json({ detail, attemptNext: randomToken(), attemptRest: randomToken() });
}

const intents = ["authorize", "pay_next", "pay_rest", "cancel"] as const;
type Intent = (typeof intents)[number];

export async function action({ request, params, context }: ActionFunctionArgs) {
  const payer = await requirePayer(request);
  const planId = params.planId ?? "";
  const accountId = payer.activeAccount.id;
  if (!(await getPlan(planId, accountId))) throw new Response("Not found", { status: 404 });
  const form = await readForm(request);
  const intent = intents.find((i) => i === form.get("intent")) ?? null;
  const actor = { userId: payer.user.id, ip: clientOf(request, context).ip };
  const fail = (message: string) => json({ intent, error: message }, { status: 400 });

  switch (intent) {
    case "authorize": {
      const result = await openSetupCheckout(planId, { userId: payer.user.id, accountId });
      if (result.ok) throw redirect(result.url);
      return fail(result.message);
    }
    case "pay_next":
    case "pay_rest": {
      const attemptId = String(form.get("attemptId") ?? "");
      if (!/^[\w-]{16,64}$/.test(attemptId)) return fail("This form has expired. Reload the page and try again.");
      // "Pay next" names the installment the payer saw: a stale page cannot pay a later one early.
      const installmentId = intent === "pay_next" ? String(form.get("installmentId") ?? "") : undefined;
      const result = await payInstallments({ payer: actor, accountId, planId, scope: intent === "pay_next" ? "next" : "rest", attemptId, installmentId });
      if (result.ok) throw redirect(result.checkoutUrl);
      return fail(result.message);
    }
    case "cancel": {
      const result = await cancelPlan(planId, { ...actor, staff: false, accountId }, null);
      if (result.ok) throw redirect(`/plans/${planId}`);
      return fail(result.message);
    }
    case null:
      return fail("Choose what to do with the plan.");
  }
}

export default function PlanPage() {
  const { detail, attemptNext, attemptRest } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const pending = navigation.state === "submitting" ? String(navigation.formData?.get("intent") ?? "") : null;
  const [params] = useSearchParams();
  const { plan, schedule, next, invoices, payments } = detail;
  const money = (minor: number) => formatMoney(minor, plan.currency);

  const authorizedReturn = params.get("authorized") === "1";
  const confirming = authorizedReturn && plan.status === "authorizing";
  const running = plan.status === "active" || plan.status === "paused";
  const nextRow = next ? schedule.find((s) => s.id === next.id) : undefined;
  const inFlight = schedule.find((s) => IN_FLIGHT.includes(s.status));
  const inFlightPayment = inFlight?.paymentId ? payments.find((p) => p.id === inFlight.paymentId) : undefined;
  // A Checkout the payer opened and left waits on them, not on Stripe: nothing to watch for.
  const waitsOnPayer = inFlightPayment?.status === "pending" && inFlightPayment.throughCheckout;
  const charging = running && ((inFlight !== undefined && !waitsOnPayer) || detail.chargeDue);
  // Until the outcome is known the page looks again by itself, and offers no payment.
  const looks = useRevalidateWhile(confirming || charging);
  const gaveUp = looks >= 10;
  const payable = schedule.filter((s) => s.status === "scheduled" || s.status === "failed");
  const rest = payable.reduce((sum, s) => sum + s.amount, 0);
  const canPay = running && !inFlight && !detail.chargeDue && payable.length > 0;
  const needsConfirmation = nextRow?.status === "failed" && nextRow.failureCode === "authentication_required";
  const failed = nextRow?.status === "failed" ? nextRow : undefined;
  const ended = ["completed", "defaulted", "canceled", "declined"].includes(plan.status);
  const installmentTotal = schedule.filter((s) => s.sequence > 0).length;
  const methodText = plan.methodLabel ?? (plan.status === "authorizing" ? "Not authorized yet" : "—");

  return (
    <>
      <p className="mb-4">
        <Link to="/plans" className="text-sm text-brand-700 underline">
          ← Payment plans
        </Link>
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">Payment plan of {money(plan.total)}</h1>
        <PlanStatusBadge status={plan.status} />
      </div>
      <p className="mt-1 text-slate-700">
        Set up {formatDate(plan.createdAt.slice(0, 10))} · {plan.installmentCount} {frequencyLabels[plan.frequency].toLowerCase()} installments
        {plan.downPayment > 0 ? ` after a down payment of ${money(plan.downPayment)}` : ""}
      </p>

      <div className="mt-4 space-y-3">
        {params.get("canceled") === "1" && plan.status === "authorizing" ? (
          <Alert title="You left before authorizing">Nothing was charged. The plan starts once you authorize a card or bank account.</Alert>
        ) : null}
        {params.get("canceled") === "1" && plan.status !== "authorizing" && !ended ? <Alert>You left the payment method page: nothing was changed.</Alert> : null}
        {actionData?.error ? (
          <Alert tone="error" title="That did not work">
            {actionData.error}
          </Alert>
        ) : null}
        {needsConfirmation && running ? (
          <Alert tone="error" title={nextRow.sequence === 0 ? "The down payment needs your confirmation" : `Installment ${nextRow.sequence} of ${installmentTotal} needs your confirmation`}>
            <p>Your bank asks you to confirm this payment: pay it now to continue.</p>
            {inFlight || detail.chargeDue ? null : (
              <PayForm intent="pay_next" attemptId={attemptNext} installmentId={nextRow.id} busy={busy} pending={pending} className="mt-3">
                Pay failed installment now, {money(nextRow.amount)}
              </PayForm>
            )}
          </Alert>
        ) : null}
        {failed && !needsConfirmation && running ? (
          <Alert tone="error" title={failed.sequence === 0 ? "The down payment failed" : `Installment ${failed.sequence} of ${installmentTotal} failed`}>
            {failed.failureMessage ?? "The charge did not go through."} {failed.nextAttemptOn ? `We will try again on ${formatDate(failed.nextAttemptOn)}. ` : ""}
            You can pay it now, or replace your payment method.
          </Alert>
        ) : null}
      </div>

      <section aria-labelledby="status-heading" className="mt-4 rounded-lg bg-white p-4 ring-1 ring-slate-200">
        <h2 id="status-heading" className="font-semibold">
          Where the plan stands
        </h2>
        <div className="mt-1 space-y-2 text-slate-800" aria-live="polite">
          <StatusText
            status={plan.status}
            authorizedReturn={authorizedReturn}
            gaveUp={gaveUp}
            threshold={plan.approvalThreshold !== null ? money(plan.approvalThreshold) : null}
            next={next ? { date: next.dueDate, amount: money(next.amount), status: detail.chargeDue ? "charging" : next.status, retryOn: nextRow?.nextAttemptOn ?? null } : null}
            methodLabel={plan.methodLabel}
            endedReason={plan.endedReason}
          />
        </div>
        <div className="mt-3 flex flex-wrap gap-3">
          {plan.status === "authorizing" ? (
            <ActionForm intent="authorize" busy={busy} pending={pending}>
              Authorize a card or bank account
            </ActionForm>
          ) : null}
          {canPay && next && (next.status === "scheduled" || (next.status === "failed" && !needsConfirmation)) ? (
            <PayForm intent="pay_next" attemptId={attemptNext} installmentId={next.id} busy={busy} pending={pending}>
              {next.status === "failed" ? "Pay failed installment now" : "Pay next installment now"}, {money(next.amount)}
            </PayForm>
          ) : null}
          {canPay && payable.length > 1 ? (
            <PayForm intent="pay_rest" attemptId={attemptRest} busy={busy} pending={pending} variant="secondary">
              Pay off the rest, {money(rest)}
            </PayForm>
          ) : null}
          {plan.status !== "authorizing" && AUTHORIZABLE.includes(plan.status) ? (
            <ActionForm intent="authorize" busy={busy} pending={pending} variant="secondary">
              Replace payment method
            </ActionForm>
          ) : null}
          {plan.status === "authorizing" || plan.status === "awaiting_approval" ? (
            <ActionForm intent="cancel" busy={busy} pending={pending} variant="secondary">
              Cancel this plan
            </ActionForm>
          ) : null}
        </div>
        {inFlight && running ? (
          <p className="mt-3 text-sm text-slate-700">
            {inFlightPayment?.status === "pending"
              ? `A payment of ${money(inFlightPayment.amount)} was started but not finished. `
              : `A payment of ${money(inFlight.amount)} is under way${inFlight.status === "processing" ? "; bank payments take up to 4 business days to confirm" : ""}. `}
            {inFlightPayment ? (
              <Link to={`/payments/${inFlightPayment.id}`} className="text-brand-700 underline">
                {inFlightPayment.status === "pending" ? "Continue or cancel that payment" : "View the payment"}
              </Link>
            ) : null}
          </p>
        ) : null}
      </section>

      <section aria-labelledby="summary-heading" className="mt-6">
        <h2 id="summary-heading" className="text-lg font-semibold">
          Summary
        </h2>
        <dl className="mt-2 grid grid-cols-2 gap-x-6 gap-y-2 rounded-lg bg-white p-4 ring-1 ring-slate-200 sm:grid-cols-4">
          <Fact label="Total" value={money(plan.total)} />
          <Fact label="Paid" value={money(detail.paid)} />
          <Fact label="Remaining" value={money(detail.remaining)} />
          <Fact label="Payment method" value={methodText} />
        </dl>
      </section>

      <section aria-labelledby="schedule-heading" className="mt-6">
        <h2 id="schedule-heading" className="text-lg font-semibold">
          Schedule
        </h2>
        <div className="mt-2">
          <ScheduleTable caption="Installments and their status" rows={schedule} currency={plan.currency} />
        </div>
      </section>

      <section aria-labelledby="invoices-heading" className="mt-6">
        <h2 id="invoices-heading" className="text-lg font-semibold">
          Invoices on this plan
        </h2>
        <PlanInvoicesTable invoices={invoices} currency={plan.currency} linkBase="/invoices" />
      </section>

      <section aria-labelledby="payments-heading" className="mt-6">
        <h2 id="payments-heading" className="text-lg font-semibold">
          Payments
        </h2>
        <PlanPaymentsTable payments={payments} currency={plan.currency} linkBase="/payments" />
      </section>
    </>
  );
}

function StatusText(props: {
  status: string;
  authorizedReturn: boolean;
  gaveUp: boolean;
  threshold: string | null;
  next: { date: string; amount: string; status: string; retryOn: string | null } | null;
  methodLabel: string | null;
  endedReason: string | null;
}) {
  const method = props.methodLabel ?? "your payment method";
  switch (props.status) {
    case "authorizing":
      return props.authorizedReturn ? (
        <p role="status">
          {props.gaveUp
            ? "We have not received your authorization yet. If you finished on Stripe's page, this page will update once it arrives; otherwise authorize again below."
            : "Confirming your authorization… this takes a few seconds."}
        </p>
      ) : (
        <p>Authorize a card or bank account to start the plan. Nothing is charged until you do.</p>
      );
    case "awaiting_approval":
      return (
        <p>
          Our team reviews plans above {props.threshold ?? "a set amount"}; nothing is charged until approved. We will email you once it is reviewed. Once approved, the
          installments follow the schedule below, charged to {method}.
        </p>
      );
    case "active":
      return (
        <p>
          {!props.next
            ? "Every installment has been charged."
            : props.next.status === "charging"
              ? `The installment of ${props.next.amount} due ${formatDate(props.next.date)} is being charged to ${method} now. This page updates by itself.`
              : props.next.status === "paying" || props.next.status === "processing"
              ? `The next installment, ${props.next.amount}, is being paid.`
              : props.next.status === "failed"
                ? `The installment of ${props.next.amount} due ${formatDate(props.next.date)} is not paid yet.${props.next.retryOn ? ` We charge ${method} again on ${formatDate(props.next.retryOn)}.` : ""}`
                : `Next charge: ${props.next.amount} on ${formatDate(props.next.date)}, to ${method}.`}
        </p>
      );
    case "paused":
      return (
        <p>
          This plan is paused by our team: no installments are charged while it is paused. You can still pay installments yourself{props.next ? `; the next is ${props.next.amount}` : ""}.
        </p>
      );
    case "completed":
      return <p>Paid in full — thank you. Every installment has been paid.</p>;
    default:
      return (
        <p>
          {props.status === "declined"
            ? `Our team declined this plan.${props.endedReason ? ` ${props.endedReason}` : ""} `
            : props.status === "defaulted"
              ? `The plan ended because installments were not paid.${props.endedReason ? ` ${props.endedReason}` : ""} `
              : `${props.endedReason ?? "This plan was canceled."} `}
          Nothing more is charged on it; whatever is still owed is due on the invoices again.{" "}
          <Link to="/invoices" className="text-brand-700 underline">
            Pay the invoices
          </Link>
        </p>
      );
  }
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="font-medium tabular-nums">{value}</dd>
    </div>
  );
}

function ActionForm({
  intent,
  busy,
  pending,
  variant = "primary",
  className = "",
  children,
}: {
  intent: Intent;
  busy: boolean;
  pending: string | null;
  variant?: "primary" | "secondary";
  className?: string;
  children: ReactNode;
}) {
  return (
    <Form method="post" className={className}>
      <Button type="submit" name="intent" value={intent} variant={variant} disabled={busy}>
        {pending === intent ? "Please wait…" : children}
      </Button>
    </Form>
  );
}

function PayForm({
  attemptId,
  installmentId,
  ...props
}: {
  intent: "pay_next" | "pay_rest";
  attemptId: string;
  installmentId?: string;
  busy: boolean;
  pending: string | null;
  variant?: "primary" | "secondary";
  className?: string;
  children: ReactNode;
}) {
  return (
    <Form method="post" className={props.className}>
      <input type="hidden" name="attemptId" value={attemptId} />
      {installmentId ? <input type="hidden" name="installmentId" value={installmentId} /> : null}
      <Button type="submit" name="intent" value={props.intent} variant={props.variant ?? "primary"} disabled={props.busy}>
        {props.pending === props.intent ? "Opening secure payment…" : props.children}
      </Button>
    </Form>
  );
}
