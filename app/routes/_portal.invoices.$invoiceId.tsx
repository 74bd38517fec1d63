import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { InvoicePayments } from "~/components/invoice-payments";
import { InvoiceView } from "~/components/invoice-view";
import { Alert } from "~/components/ui/alert";
import { buttonLinkClass } from "~/components/ui/button";
import { requirePayerActor } from "~/modules/auth/session.server";
import { PromisedBadge } from "~/components/collections/promised-badge";
import { openPromisesFor } from "~/modules/collections/list-promises.server";
import { getInvoice } from "~/modules/invoices/get-invoice.server";
import { payableAmount } from "~/modules/invoices/payable";
import { disputesForInvoice } from "~/modules/disputes/list-disputes.server";
import { isOpen } from "~/modules/disputes/policy";
import { paymentsForInvoice } from "~/modules/payments/get-payment.server";
import { formatDate } from "~/utils/dates";
import { offerSentence } from "~/modules/terms/payment-terms";
import { formatMoney } from "~/utils/money";
import { paymentIs } from "~/modules/payments/payment-states";
import { orThrow } from "~/utils/problem-response.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Invoice ${data?.invoice.number ?? ""} · Payment portal` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { actor } = await requirePayerActor(request, context);
  const invoiceId = params.invoiceId ?? "";
  // All side by side: each read is scoped to the reader, so asking about an invoice they may not see finds nothing.
  const [found, payments, disputes, promised] = await Promise.all([getInvoice(actor, invoiceId), paymentsForInvoice(actor, invoiceId), disputesForInvoice(actor, invoiceId), openPromisesFor(actor, [invoiceId])]);
  const invoice = orThrow(found);
  return json({ invoice, payments, disputes, promise: promised[invoice.id] ?? null });
}

export default function InvoicePage() {
  const { invoice, payments, disputes, promise } = useLoaderData<typeof loader>();
  const activeDispute = disputes.find((d) => isOpen(d.status));
  const payable = payableAmount(invoice);
  const underWay = payments.filter((p) => paymentIs("reserving", p.status));
  // A failure matters until a later payment went through.
  const lastFailure = payments.find((p) => p.status === "failed" && !payments.some((q) => q.status === "succeeded" && q.createdAt > p.createdAt));
  // While a plan holds the invoice it is paid through the plan, not from here.
  const planId = invoice.status === "open" && invoice.balance > 0 ? invoice.paymentPlanId : null;
  return (
    <>
      <p className="mb-4">
        <Link to="/invoices" className="text-sm text-brand-700 underline">
          ← All invoices
        </Link>
      </p>
      <div className="mb-4 space-y-3">
        {planId ? (
          <Alert title="This invoice is on a payment plan">
            Its balance is paid through the plan&apos;s installments.{" "}
            <Link to={`/plans/${planId}`} className="underline">
              View the payment plan
            </Link>
          </Alert>
        ) : null}
        {underWay.map((p) => (
          <Alert key={p.id} title={p.status === "processing" ? "Payment pending" : "Payment not finished"}>
            {p.status === "processing"
              ? `A bank payment of ${formatMoney(p.amount, p.currency)} is processing; it can take up to 4 business days to confirm. `
              : `A payment of ${formatMoney(p.amount, p.currency)} was started but not completed. `}
            <Link to={`/payments/${p.id}`} className="underline">
              View payment
            </Link>
          </Alert>
        ))}
        {activeDispute ? (
          <Alert title="In dispute">
            {formatMoney(activeDispute.amount, activeDispute.currency)} of this invoice is in dispute and on hold while the AR team looks into it.
            {payable > 0 ? " The rest can still be paid. " : " "}
            <Link to={`/disputes/${activeDispute.id}`} className="underline">
              Follow the dispute
            </Link>
          </Alert>
        ) : null}
        {promise ? (
          <Alert title="You promised to pay this invoice">
            <PromisedBadge promisedFor={promise.promisedFor} />
            <span className="mt-1 block">
              {formatMoney(promise.amount, promise.currency)} by {formatDate(promise.promisedFor)}. We hold payment reminders until then.
            </span>
          </Alert>
        ) : null}
        {lastFailure ? (
          <Alert tone="error" title="Last payment failed">
            {lastFailure.failureMessage ?? "The payment did not go through."}{" "}
            <Link to={`/payments/${lastFailure.id}`} className="underline">
              Details
            </Link>
          </Alert>
        ) : null}
      </div>
      <InvoiceView invoice={invoice} invoiceHref={(id) => `/invoices/${id}`} />
      <InvoicePayments payments={payments} settled={invoice.balance <= 0 && invoice.status !== "void"} amountPaid={invoice.amountPaid} amountCredited={invoice.amountCredited} currency={invoice.currency} />
      {invoice.offer && payable > 0 ? (
        <p className="mt-6 rounded-md bg-emerald-50 px-4 py-3 font-medium text-emerald-900 ring-1 ring-emerald-200" data-testid="discount-offer">
          {offerSentence(invoice.offer, invoice.currency)}
          <span className="block text-sm font-normal">Paying it by then settles the {formatMoney(payable, invoice.currency)} due on this invoice.</span>
        </p>
      ) : null}
      <div className="mt-6 flex flex-wrap gap-3">
        {payable > 0 ? (
          <Link to={`/pay?invoice=${invoice.id}`} className="inline-flex min-h-10 items-center rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
            Pay this invoice
          </Link>
        ) : null}
        {planId ? (
          <Link to={`/plans/${planId}`} className="inline-flex min-h-10 items-center rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
            View payment plan
          </Link>
        ) : null}
        {payable > 0 && invoice.amountPending === 0 && invoice.amountDisputed === 0 ? (
          <Link to={`/plans/new?invoice=${invoice.id}`} className={buttonLinkClass}>
            Pay in installments
          </Link>
        ) : null}
        {payable > 0 && !promise && !planId ? (
          <Link to={`/promises/new?invoice=${invoice.id}`} className={buttonLinkClass}>
            Promise to pay
          </Link>
        ) : null}
        {!activeDispute && payable > 0 ? (
          <Link to={`/invoices/${invoice.id}/dispute`} className={buttonLinkClass}>
            Dispute this invoice
          </Link>
        ) : null}
        <a href={`/invoices/${invoice.id}/pdf`} download={`${invoice.number}.pdf`} className={buttonLinkClass}>
          Download PDF
        </a>
      </div>
    </>
  );
}
