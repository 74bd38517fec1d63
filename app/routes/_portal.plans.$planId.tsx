import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { resultMessages, submittedIntent, type PlanActionResult } from "~/components/plans/plan-action-result";
import { PlanStatusBadge } from "~/components/plans/plan-status";
import { PlanInvoicesTable, PlanPaymentsTable } from "~/components/plans/plan-tables";
import { ActionForm, Fact, PayForm, StatusText } from "~/components/plans/payer-plan-parts";
import { ScheduleTable } from "~/components/plans/schedule-table";
import { Alert } from "~/components/ui/alert";
import { randomToken } from "~/modules/auth/secrets.server";
import { requirePayerActor } from "~/modules/auth/session.server";
import { cancelPlan } from "~/modules/plans/cancel-plan.server";
import { getPlan } from "~/modules/plans/get-plan.server";
import { isInFlightInstallment, isPayableInstallment } from "~/modules/plans/installment-states";
import { payInstallments } from "~/modules/plans/pay-installments.server";
import { payerPlanActionForm } from "~/modules/plans/forms.server";
import { canAuthorizePlan, isChargingPlan, isEndedPlan, payerMayCancelPlan } from "~/modules/plans/plan-states";
import { frequencyLabels } from "~/modules/plans/schedule";
import { openSetupCheckout, syncPlanSetup } from "~/modules/plans/setup-checkout.server";
import { formatDate } from "~/utils/dates";
import { BankVerificationPanel } from "~/components/payments/bank-verification-panel";
import { verifyBankAccountSchema } from "~/modules/payments/bank-verification-forms.server";
import { getPlanBankVerification, verifyPlanBankAccount } from "~/modules/plans/verify-plan-bank-account.server";
import { getPlanMandate } from "~/modules/plans/plan-mandate.server";
import { invalidReply, parseFormData, replyWithProblem } from "~/utils/form.server";
import { readForm } from "~/utils/read-form.server";
import { log } from "~/utils/log.server";
import { formatMoney } from "~/utils/money";
import { isProblem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";
import { useRevalidateWhile } from "~/utils/use-revalidate-while";

export const meta: MetaFunction = () => [{ title: "Payment plan · Payment portal" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  const scope = { planId: params.planId ?? "", accountId: payer.activeAccount.id };
  let detail = orThrow(await getPlan(actor, scope));
  // Back from Checkout (Stripe's success URL carries ?authorized=1): the webhook may not have arrived yet, so ask Stripe now.
  if (new URL(request.url).searchParams.get("authorized") === "1" && canAuthorizePlan(detail.plan.status)) {
    try {
      await syncPlanSetup(scope.planId);
      const again = await getPlan(actor, scope);
      if (!isProblem(again)) detail = again;
    } catch (error) {
      // The webhook (or the schedule job) will bring the plan up to date; the page still shows.
      log("error", "plan setup sync on return failed", { planId: scope.planId, error: String(error) });
    }
  }
  // A bank account authorized with microdeposits: the plan waits for the payer to confirm them (asked of Stripe while authorizing).
  const bankVerification =
    detail.plan.status === "authorizing"
      ? await getPlanBankVerification(actor, scope).catch((error: unknown) => {
          log("error", "plan bank verification read failed", { planId: scope.planId, error: String(error) });
          return null;
        })
      : null;
  // One-time ids for the pay forms: submitting one twice finds the payment already started.
  const mandate = detail.plan.method === "us_bank_account" ? await getPlanMandate(actor, scope) : null;
  return json({ detail, bankVerification, mandate, attemptNext: randomToken(), attemptRest: randomToken() });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  const scope = { planId: params.planId ?? "", accountId: payer.activeAccount.id };
  orThrow(await getPlan(actor, scope));
  const body = await readForm(request);
  if (body.get("intent") === "verify_bank") {
    const verification = parseFormData(body, verifyBankAccountSchema());
    if (verification.status !== "success") return invalidReply(verification);
    const verified = await verifyPlanBankAccount(actor, { ...scope, answer: verification.value });
    return isProblem(verified) ? replyWithProblem(verification, verified) : redirect(`/plans/${scope.planId}`);
  }
  const submission = parseFormData(body, payerPlanActionForm);
  if (submission.status !== "success") return invalidReply(submission);
  const form = submission.value;
  switch (form.intent) {
    case "authorize": {
      const result = await openSetupCheckout(actor, scope);
      return isProblem(result) ? replyWithProblem(submission, result) : redirect(result.url);
    }
    case "pay_next":
    case "pay_rest": {
      const scopeOfPayment = form.intent === "pay_next" ? { scope: "next" as const, installmentId: form.installmentId ?? "" } : { scope: "rest" as const };
      const result = await payInstallments(actor, { ...scope, attemptId: form.attemptId, ...scopeOfPayment });
      return isProblem(result) ? replyWithProblem(submission, result) : redirect(result.checkoutUrl);
    }
    case "cancel": {
      const result = await cancelPlan(actor, { planId: scope.planId, reason: null });
      return isProblem(result) ? replyWithProblem(submission, result) : redirect(`/plans/${scope.planId}`);
    }
  }
}

export default function PlanPage() {
  const { detail, bankVerification, mandate, attemptNext, attemptRest } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as PlanActionResult | undefined;
  // The verify form's answer goes to its panel; the other forms' to the page's alert.
  const verifyResult = submittedIntent(actionData) === "verify_bank" ? actionData : undefined;
  const actionError = (verifyResult ? "" : resultMessages(actionData).join(" ")) || undefined;
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const pending = navigation.state === "submitting" ? String(navigation.formData?.get("intent") ?? "") : null;
  const [params] = useSearchParams();
  const { plan, schedule, next, invoices, payments } = detail;
  const money = (minor: number) => formatMoney(minor, plan.currency);

  const authorizedReturn = params.get("authorized") === "1";
  const confirming = authorizedReturn && plan.status === "authorizing" && !bankVerification;
  const running = isChargingPlan(plan.status);
  const nextRow = next ? schedule.find((s) => s.id === next.id) : undefined;
  const inFlight = schedule.find((s) => isInFlightInstallment(s.status));
  const inFlightPayment = inFlight?.paymentId ? payments.find((p) => p.id === inFlight.paymentId) : undefined;
  // A Checkout the payer opened and left waits on them, not on Stripe: nothing to watch for.
  const waitsOnPayer = inFlightPayment?.status === "pending" && inFlightPayment.throughCheckout;
  const charging = running && ((inFlight !== undefined && !waitsOnPayer) || detail.chargeDue);
  // Until the outcome is known the page looks again by itself, and offers no payment.
  const looks = useRevalidateWhile(confirming || charging);
  const gaveUp = looks >= 10;
  const payable = schedule.filter((s) => isPayableInstallment(s.status));
  const rest = payable.reduce((sum, s) => sum + s.amount, 0);
  const canPay = running && !inFlight && !detail.chargeDue && payable.length > 0;
  const needsConfirmation = nextRow?.status === "failed" && nextRow.failureCode === "authentication_required";
  const failed = nextRow?.status === "failed" ? nextRow : undefined;
  const ended = isEndedPlan(plan.status);
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
        {actionError ? (
          <Alert tone="error" title="That did not work">
            {actionError}
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

      {bankVerification ? (
        <div className="mt-4">
          <BankVerificationPanel verificationUrl={bankVerification.verificationUrl} expiresAt={bankVerification.expiresAt} lastResult={verifyResult} what="plan" />
        </div>
      ) : null}
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
          {plan.status === "authorizing" && !bankVerification ? (
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
          {plan.status !== "authorizing" && canAuthorizePlan(plan.status) ? (
            <ActionForm intent="authorize" busy={busy} pending={pending} variant="secondary">
              Replace payment method
            </ActionForm>
          ) : null}
          {payerMayCancelPlan(plan.status) ? (
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
        {mandate ? (
          <div className="mt-3 rounded-lg bg-white p-4 text-sm text-slate-800 ring-1 ring-slate-200">
            <h3 className="font-semibold">Your bank debit authorization ({mandate.holderType === "company" ? "business account" : "personal account"})</h3>
            <p className="mt-1">{mandate.text}</p>
          </div>
        ) : null}
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
