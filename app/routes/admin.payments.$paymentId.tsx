import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { LocalTime } from "~/components/local-time";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { PaymentSummary } from "~/components/payment-summary";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { requireStaff } from "~/modules/auth/session.server";
import { amountInputValue, parseAmount } from "~/modules/payments/allocation-rules";
import { chargebackStateOf, describeDisputeStatus, stripeDisputeUrl } from "~/modules/payments/chargeback-links";
import { getPaymentForStaff } from "~/modules/payments/get-payment.server";
import { refundPayment } from "~/modules/payments/refund-payment.server";
import { formatMoney } from "~/utils/money";
import { clientOf } from "~/utils/request.server";
import { readForm, textField } from "~/utils/read-form.server";

export const meta: MetaFunction = () => [{ title: "Payment · AR admin" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request);
  const payment = await getPaymentForStaff(params.paymentId ?? "");
  if (!payment) throw new Response("Not found", { status: 404 });
  return json({ payment });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const staff = await requireStaff(request);
  const payment = await getPaymentForStaff(params.paymentId ?? "");
  if (!payment) throw new Response("Not found", { status: 404 });
  const form = await readForm(request);
  const values: Record<string, string> = {};
  const parts: Array<{ invoiceId: string; amount: number }> = [];
  for (const a of payment.allocations) {
    const typed = String(form.get(`refund_${a.invoiceId}`) ?? "").trim();
    values[a.invoiceId] = typed;
    if (!typed) continue;
    const amount = parseAmount(typed, payment.currency);
    if (amount === null) return json({ error: `Enter a refund amount like 10.00 for ${a.number}.`, values }, { status: 400 });
    parts.push({ invoiceId: a.invoiceId, amount });
  }
  const reason = textField(form, "reason").trim() || null;
  const result = await refundPayment({ staff: { userId: staff.user.id, ip: clientOf(request, context).ip }, paymentId: payment.id, parts, reason });
  if (!result.ok) return json({ error: result.message, values }, { status: 400 });
  return redirect(`/admin/payments/${payment.id}`);
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
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  // Stripe refuses to refund a disputed charge.
  const refundable = payment.status === "succeeded" && !payment.chargebackState && payment.amountRefunded < payment.amount;
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
      {payment.failureMessage && payment.status !== "succeeded" ? (
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
              <div className="mt-3"><Alert tone="error">{money(c.amountUnapplied)} of the reinstated money found no open balance (the invoices were paid again meanwhile): refund or apply it.</Alert></div>
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
          <Form method="post" className="mt-3 space-y-3">
            {actionData?.error ? <Alert tone="error">{actionData.error}</Alert> : null}
            {payment.allocations.map((a) => {
              const left = a.amount - a.amountRefunded;
              return (
                <div key={a.invoiceId} className="flex flex-wrap items-center gap-3">
                  <label htmlFor={`refund_${a.invoiceId}`} className="w-56 text-sm">
                    {a.number} (up to {money(left)})
                  </label>
                  <input
                    id={`refund_${a.invoiceId}`}
                    name={`refund_${a.invoiceId}`}
                    inputMode="decimal"
                    disabled={left <= 0}
                    defaultValue={actionData?.values?.[a.invoiceId] ?? ""}
                    placeholder={amountInputValue(left, payment.currency)}
                    className="w-32 rounded-md border border-slate-400 px-2 py-1.5 text-right tabular-nums"
                  />
                </div>
              );
            })}
            <div>
              <label htmlFor="reason" className="block text-sm font-medium">Reason (optional)</label>
              <input id="reason" name="reason" maxLength={500} className="mt-1 w-full max-w-lg rounded-md border border-slate-400 px-3 py-2" />
            </div>
            <Button type="submit" disabled={busy}>
              Refund
            </Button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
