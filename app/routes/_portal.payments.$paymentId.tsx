import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import type { SubmissionResult } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { PaymentSummary } from "~/components/payment-summary";
import { Alert } from "~/components/ui/alert";
import { Button, buttonLinkClass } from "~/components/ui/button";
import { capabilityToken, safeEqual } from "~/modules/auth/secrets.server";
import { requirePayerActor } from "~/modules/auth/session.server";
import { cancelPayment } from "~/modules/payments/cancel-payment.server";
import { getPaymentForPayer } from "~/modules/payments/get-payment.server";
import { cancelPaymentSchema } from "~/modules/payments/payment-forms.server";
import { paymentIs } from "~/modules/payments/payment-states";
import { BankVerificationPanel } from "~/components/payments/bank-verification-panel";
import { verifyBankAccountSchema } from "~/modules/payments/bank-verification-forms.server";
import { verifyPaymentBankAccount } from "~/modules/payments/verify-bank-account.server";
import { invalidReply, parseFormData, replyWithProblem } from "~/utils/form.server";
import { readForm } from "~/utils/read-form.server";
import { invalid, isProblem } from "~/utils/problem";
import { orThrow, problemJson } from "~/utils/problem-response.server";
import { useRevalidateWhile } from "~/utils/use-revalidate-while";

export const meta: MetaFunction = () => [{ title: "Payment · Payment portal" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { actor } = await requirePayerActor(request, context);
  let payment = orThrow(await getPaymentForPayer(actor, params.paymentId ?? ""));
  // Back through Checkout's "back" link (its cancel_url): the payer left without paying, so the
  // session is expired and the balances released at once rather than in 30 minutes. If they in
  // fact paid meanwhile, Stripe refuses the expiry and the payment shows as paid. Only the link
  // the portal gave Stripe carries the token: a forged ?canceled=1 changes nothing.
  let declined: string | null = null;
  const cancelToken = new URL(request.url).searchParams.get("canceled");
  if (cancelToken && safeEqual(cancelToken, capabilityToken("checkout-cancel", payment.id)) && paymentIs("open", payment.status)) {
    // Stripe's reason for a declined try, kept to say why (the cancellation records its own).
    const canceled = await cancelPayment(actor, { paymentId: payment.id });
    declined = isProblem(canceled) ? null : canceled.declined;
    payment = orThrow(await getPaymentForPayer(actor, payment.id));
  }
  return json({ payment, declined: payment.status === "canceled" ? declined : null });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { actor } = await requirePayerActor(request, context);
  const form = await readForm(request);
  if (form.get("intent") === "verify_bank") {
    const verification = parseFormData(form, verifyBankAccountSchema());
    if (verification.status !== "success") return invalidReply(verification);
    const verified = await verifyPaymentBankAccount(actor, { paymentId: params.paymentId ?? "", answer: verification.value });
    if (isProblem(verified)) {
      if (verified.kind === "not_found") orThrow(verified);
      return replyWithProblem(verification, verified);
    }
    return redirect(`/payments/${params.paymentId}`);
  }
  // Only the page's own cancel button cancels: any other body is refused, not read as "cancel".
  const submission = parseFormData(form, cancelPaymentSchema());
  if (submission.status !== "success") return problemJson(invalid("Use the Cancel this payment button to cancel the payment."));
  const canceled = await cancelPayment(actor, { paymentId: params.paymentId ?? "" });
  if (isProblem(canceled) && canceled.kind === "not_found") orThrow(canceled);
  // Canceled, or it moved on meanwhile (paid, processing): the page shows where it is.
  return redirect(`/payments/${params.paymentId}`);
}

export default function PaymentPage() {
  const { payment, declined } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  // The cancel button answers { problem }; the verify form answers Conform's submission result.
  const refused = actionData && "problem" in actionData ? actionData : undefined;
  const verifyResult = actionData && !("problem" in actionData) ? (actionData as SubmissionResult<string[]>) : undefined;
  const verifying = payment.status === "pending" && payment.bankVerification === "pending";
  const [params] = useSearchParams();
  const returned = params.get("returned") === "1";
  // Waiting on Stripe (the return's confirmation, a bank debit settling): look again until it is final.
  const looks = useRevalidateWhile((returned && payment.status === "pending" && !verifying) || payment.status === "processing");
  const gaveUp = looks >= 12;
  const retryHref = `/pay?${payment.allocations.map((a) => `invoice=${a.invoiceId}`).join("&")}`;

  return (
    <>
      <p className="mb-4">
        <Link to="/payments" className="text-sm text-brand-700 underline">
          ← Payment history
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">{payment.status === "succeeded" ? "Payment receipt" : "Payment"}</h1>
      <div className="mt-4 space-y-3">
        {payment.status === "succeeded" && payment.chargebackState && payment.chargebackState !== "won" ? (
          <Alert tone="error" title={payment.chargebackState === "open" ? "This payment is disputed" : "This payment was reversed"}>
            Your {payment.method === "us_bank_account" ? "bank" : "card issuer"} reported this payment as disputed and returned the money, so the invoices below are open again. Please contact our accounts receivable team.
          </Alert>
        ) : payment.status === "succeeded" ? (
          <Alert tone="success" title="Paid — thank you">
            We received your payment. A receipt has been emailed to you.
          </Alert>
        ) : null}
        {payment.status === "processing" ? (
          <Alert title="Bank payment processing">
            Your bank payment is on its way. We&apos;ll confirm in up to 4 business days and email you when it clears. Until then the invoices show a pending payment.
          </Alert>
        ) : null}
        {payment.status === "failed" ? (
          <Alert tone="error" title="This payment failed">
            {payment.failureMessage ?? "The payment did not go through."} The invoices are open again.{" "}
            <Link to={retryHref} className="underline">
              Pay again
            </Link>
          </Alert>
        ) : null}
        {payment.status === "canceled" && declined ? (
          <Alert tone="error" title="Your payment was declined">
            {declined} Nothing was charged and the invoices are payable again.{" "}
            <Link to={retryHref} className="underline">
              Try again
            </Link>
          </Alert>
        ) : payment.status === "canceled" ? (
          <Alert title="This payment was canceled">
            {params.has("canceled") ? "You left the payment page before paying: nothing was charged and the invoices are payable again." : "Nothing was charged."}{" "}
            <Link to={retryHref} className="underline">
              Start a new payment
            </Link>
          </Alert>
        ) : null}
        {verifying ? (
          <BankVerificationPanel verificationUrl={payment.bankVerificationUrl} expiresAt={payment.bankVerificationExpiresAt} lastResult={verifyResult} what="payment" />
        ) : null}
        {payment.status === "pending" && returned && !verifying ? (
          <Alert title={gaveUp ? "Still waiting for confirmation" : "Confirming your payment…"}>
            {gaveUp ? "Stripe has not confirmed the payment yet. This page will show the result once it does; you can leave it." : "This takes a few seconds."}
          </Alert>
        ) : null}
        {payment.status === "pending" && !returned && !verifying ? (
          <>
            {payment.failureMessage ? (
              <Alert tone="error" title="Your last attempt was declined">
                {payment.failureMessage} You can try again with another card or a bank account.
              </Alert>
            ) : (
              <Alert title="This payment is not finished">{params.has("canceled") ? "You left the payment page before paying. " : ""}Nothing has been charged yet.</Alert>
            )}
            {refused?.problem ? <Alert tone="error">{refused.problem.message}</Alert> : null}
            <div className="flex flex-wrap gap-3">
              {payment.checkoutUrl ? (
                <a href={payment.checkoutUrl} className="inline-flex min-h-10 items-center rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
                  {payment.failureMessage ? "Try again" : "Continue to payment"}
                </a>
              ) : null}
              <Form method="post">
                <Button type="submit" name="intent" value="cancel" variant="secondary">
                  Cancel this payment
                </Button>
              </Form>
            </div>
          </>
        ) : null}
      </div>
      <PaymentSummary payment={payment} invoiceHref={(id) => `/invoices/${id}`} />
      {payment.status === "succeeded" ? (
        <p className="mt-4">
          <a href={`/payments/${payment.id}/receipt`} download className={buttonLinkClass}>
            Download receipt (PDF)
          </a>
        </p>
      ) : null}
    </>
  );
}
