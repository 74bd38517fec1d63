import { getFormProps, useForm } from "@conform-to/react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { LocalTime } from "~/components/local-time";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FieldErrors, FormErrors, TextField } from "~/components/forms/fields";
import { PaymentSummary } from "~/components/payment-summary";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { requireStaffActor } from "~/modules/auth/session.server";
import { chargebackStateOf, describeDisputeStatus, stripeDisputeUrl } from "~/modules/payments/chargeback-links";
import { getPaymentForStaff } from "~/modules/payments/get-payment.server";
import { refundAmountField } from "~/modules/payments/payment-form-fields";
import { refundFormSchema } from "~/modules/payments/payment-forms.server";
import { paymentIs } from "~/modules/payments/payment-states";
import { refundPayment } from "~/modules/payments/refund-payment.server";
import { invalidReply, parseForm, replyWithProblem } from "~/utils/form.server";
import { amountInputValue, formatMoney } from "~/utils/money";
import { isProblem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Payment · AR admin" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  return json({ payment: orThrow(await getPaymentForStaff(actor, params.paymentId ?? "")) });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  // The form's amount fields are the payment's invoices: its schema is built from them.
  const payment = orThrow(await getPaymentForStaff(actor, params.paymentId ?? ""));
  const submission = await parseForm(request, refundFormSchema(payment));
  if (submission.status !== "success") return invalidReply(submission);
  const refund = await refundPayment(actor, { paymentId: payment.id, ...submission.value });
  if (isProblem(refund)) return replyWithProblem(submission, refund);
  return redirectWithToast(`/admin/payments/${payment.id}`, `Refund of ${formatMoney(submission.value.parts.reduce((s, p) => s + p.amount, 0), payment.currency)} sent to Stripe.`);
}

const eventLabels: Record<string, string> = {
  "payment.created": "Payment started",
  "payment.attempt_failed": "Attempt declined",
  "payment.processing": "Bank debit processing",
  "payment.succeeded": "Payment succeeded",
  "payment.failed": "Payment failed",
  "payment.canceled": "Payment canceled",
  "payment.refunded": "Refund succeeded",
  "payment.refund_failed": "Refund failed",
  "payment.disputed": "Charged back (dispute opened)",
  "payment.dispute_closed": "Dispute closed",
};


export default function AdminPaymentPage() {
  const { payment } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const [form, fields] = useForm<Record<string, unknown>>({ id: "refund", lastResult });
  // Stripe refuses to refund a disputed charge.
  const refundable = paymentIs("paid", payment.status) && !payment.chargebackState && payment.amountRefunded < payment.amount;
  const money = (m: number) => formatMoney(m, payment.currency);
  return (
    <>
      <p className="mb-4">
        <Link to="/admin/payments" className="text-sm text-brand-700 underline">
          ← All payments
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">
        Payment from{" "}
        <Link to={`/admin/customers/${payment.accountId}`} className="text-brand-700 underline">
          {payment.accountName}
        </Link>
      </h1>
      {payment.payer ? <p className="text-slate-700">By {payment.payer.name} ({payment.payer.email})</p> : null}
      {payment.failureMessage && !paymentIs("paid", payment.status) ? (
        <div className="mt-3">
          <Alert tone="error">Last failure: {payment.failureMessage}</Alert>
        </div>
      ) : null}
      <PaymentSummary payment={payment} invoiceHref={(id) => `/admin/invoices/${id}`} />

      {payment.chargebacks.map((c) => {
        const state = chargebackStateOf(c.stripeStatus);
        const ach = c.method === "us_bank_account";
        const headingId = `chargeback-${c.id}`;
        return (
          <section key={c.id} aria-labelledby={headingId} data-testid="chargeback" className={`mt-6 rounded-lg p-4 ring-1 ${state === "open" ? "bg-orange-50 ring-orange-300" : state === "lost" ? "bg-red-50 ring-red-300" : "bg-white ring-slate-200"}`}>
            <h2 id={headingId} className="text-lg font-semibold">
              {ach ? "ACH return (unauthorized)" : "Chargeback"}: {describeDisputeStatus(c.stripeStatus)}
            </h2>
            <dl className="mt-2 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-3">
              <div><dt className="text-slate-600">Amount disputed</dt><dd className="tabular-nums">{money(c.amount)}</dd></div>
              <div><dt className="text-slate-600">Reason</dt><dd>{c.reason.replace(/_/g, " ")}</dd></div>
              <div><dt className="text-slate-600">Held back by Stripe</dt><dd className="tabular-nums">{money(c.amountWithdrawn)}</dd></div>
              <div>
                <dt className="text-slate-600">Evidence due by</dt>
                <dd data-testid="evidence-due-by">{ach ? "Cannot be contested" : c.evidenceDueBy ? <LocalTime iso={c.evidenceDueBy} /> : "—"}</dd>
              </div>
              <div><dt className="text-slate-600">Opened</dt><dd><LocalTime iso={c.createdAt} /></dd></div>
              {c.closedAt ? <div><dt className="text-slate-600">Closed</dt><dd><LocalTime iso={c.closedAt} /></dd></div> : null}
            </dl>
            {c.reopened.length > 0 ? (
              <p className="mt-3 text-sm">
                Balances reopened:{" "}
                {c.reopened.map((r, i) => (
                  <span key={r.invoiceId}>
                    {i > 0 ? ", " : ""}
                    <Link to={`/admin/invoices/${r.invoiceId}`} className="text-brand-700 underline">{r.number}</Link> {money(r.amount)}
                  </span>
                ))}
              </p>
            ) : null}
            {c.amountUnapplied > 0 ? (
              <div className="mt-3"><Alert tone="error">{money(c.amountUnapplied)} of the reinstated money found no open balance (the invoices were paid again meanwhile): it is an overpayment credit of the customer now; apply it on the customer page or refund it.</Alert></div>
            ) : null}
            {payment.planId && state !== "won" ? <p className="mt-3 text-sm text-slate-700">This payment paid plan installments; the plan is unchanged and nothing is re-charged automatically.</p> : null}
            <p className="mt-3 text-sm">
              <a href={stripeDisputeUrl(c.stripeDisputeId, c.livemode)} target="_blank" rel="noreferrer" className="font-medium text-brand-700 underline">
                {state === "open" && !ach ? "Submit evidence or accept in the Stripe dashboard" : "Open the dispute in the Stripe dashboard"}
              </a>{" "}
              <span className="font-mono text-slate-600">{c.stripeDisputeId}</span>
            </p>
          </section>
        );
      })}

      <h2 className="mt-6 text-lg font-semibold">Stripe</h2>
      <dl className="mt-2 grid gap-2 rounded-lg bg-white p-4 font-mono text-sm ring-1 ring-slate-200 sm:grid-cols-3">
        <div><dt className="font-sans text-slate-600">Checkout Session</dt><dd className="break-all">{payment.stripeCheckoutSessionId ?? "—"}</dd></div>
        <div><dt className="font-sans text-slate-600">PaymentIntent</dt><dd className="break-all">{payment.stripePaymentIntentId ?? "—"}</dd></div>
        <div><dt className="font-sans text-slate-600">Charge</dt><dd className="break-all">{payment.stripeChargeId ?? "—"}</dd></div>
      </dl>

      <h2 className="mt-6 text-lg font-semibold">Timeline</h2>
      <ol className="mt-2 space-y-2 rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200">
        {payment.timeline.map((e) => (
          <li key={e.id} className="flex flex-wrap gap-x-3">
            <span className="text-slate-600 tabular-nums"><LocalTime iso={e.createdAt} /></span>
            <span className="font-medium">{eventLabels[e.type] ?? e.type}</span>
            {typeof e.data.failureMessage === "string" ? <span className="text-red-800">{e.data.failureMessage}</span> : null}
            {(e.type === "payment.refunded" || e.type === "payment.refund_failed" || e.type === "payment.disputed") && typeof e.data.amount === "number" ? <span>{money(e.data.amount)}</span> : null}
            {e.type === "payment.dispute_closed" && typeof e.data.outcome === "string" ? <span>{e.data.outcome}</span> : null}
          </li>
        ))}
      </ol>

      {payment.refunds.length > 0 ? (
        <>
          <h2 className="mt-6 text-lg font-semibold">Refunds</h2>
          <ul className="mt-2 space-y-1 text-sm">
            {payment.refunds.map((r) => (
              <li key={r.id}>
                {money(r.amount)} — {r.status === "failed" ? <strong className="text-red-800">failed{r.failureReason ? ` (${r.failureReason.replace(/_/g, " ")})` : ""}</strong> : r.status}
                {r.reason ? ` — ${r.reason}` : ""} <span className="font-mono text-slate-600">{r.stripeRefundId}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}

      {refundable ? (
        <section aria-labelledby="refund-heading" className="mt-6 rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <h2 id="refund-heading" className="text-lg font-semibold">Refund</h2>
          <p className="text-sm text-slate-700">Enter how much to give back on each invoice; those balances reopen once Stripe confirms the refund.</p>
          <Form method="post" className="mt-3 space-y-3" {...getFormProps(form)}>
            <FormErrors form={form} />
            {payment.allocations.map((a) => {
              const left = a.amount - a.amountRefunded;
              const amount = fields[refundAmountField(a.invoiceId)]!;
              return (
                <div key={a.invoiceId}>
                  <div className="flex flex-wrap items-center gap-3">
                    <label htmlFor={amount.name} className="w-56 text-sm">
                      {a.number} (up to {money(left)})
                    </label>
                    <input
                      id={amount.name}
                      name={amount.name}
                      key={amount.key}
                      inputMode="decimal"
                      disabled={left <= 0}
                      defaultValue={amount.initialValue as string | undefined}
                      placeholder={amountInputValue(left, payment.currency)}
                      aria-invalid={amount.errors?.length ? true : undefined}
                      aria-describedby={amount.errors?.length ? amount.errorId : undefined}
                      className="w-32 rounded-md border border-slate-400 px-2 py-1.5 text-right tabular-nums aria-[invalid]:border-red-700"
                    />
                  </div>
                  <FieldErrors meta={amount} />
                </div>
              );
            })}
            <TextField meta={fields.reason!} label="Reason (optional)" maxLength={500} className="max-w-lg" />
            <Button type="submit" disabled={busy}>
              Refund
            </Button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
