import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { InvoiceView } from "~/components/invoice-view";
import { PlanStatusBadge } from "~/components/plans/plan-status";
import { invoicePlans } from "~/modules/admin/invoice-plans.server";
import { requireStaffActor } from "~/modules/auth/session.server";
import { getInvoice } from "~/modules/invoices/get-invoice.server";
import { bpsToPercent, offerSentence } from "~/modules/terms/payment-terms";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { orThrow } from "~/utils/problem-response.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Invoice ${data?.invoice.number ?? ""} · AR admin` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const invoiceId = params.invoiceId ?? "";
  const [found, plans] = await Promise.all([getInvoice(actor, invoiceId), invoicePlans(invoiceId)]);
  return json({ invoice: orThrow(found), plans });
}

/** What the AR team needs about the discount: its window, whether it is open today, what was taken. */
function AdminTermsPanel({ invoice }: { invoice: ReturnType<typeof useLoaderData<typeof loader>>["invoice"] }) {
  const { paymentTerms: t, offer } = invoice;
  if (t.discountBps === null && t.netDays === null && invoice.amountDiscounted === 0) return null;
  const money = (minor: number) => formatMoney(minor, invoice.currency);
  return (
    <section aria-labelledby="invoice-terms-heading" className="mt-6" data-testid="admin-invoice-terms">
      <h2 id="invoice-terms-heading" className="text-lg font-semibold">
        Payment terms
      </h2>
      <dl className="mt-2 grid grid-cols-1 gap-x-6 gap-y-2 rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200 sm:grid-cols-2">
        <div>
          <dt className="text-slate-600">Terms</dt>
          <dd className="font-medium">{t.label ?? "—"}</dd>
        </div>
        <div>
          <dt className="text-slate-600">Discount window</dt>
          <dd className="font-medium">
            {t.discountBps !== null && t.discountUntil ? `${formatDate(invoice.issueDate)} to ${formatDate(t.discountUntil)} (${bpsToPercent(t.discountBps)} %)` : "No early-payment discount"}
          </dd>
        </div>
        <div>
          <dt className="text-slate-600">Offer today</dt>
          <dd className="font-medium" data-testid="admin-discount-offer">
            {offer ? `${offerSentence(offer, invoice.currency)}` : "None"}
          </dd>
        </div>
        <div>
          <dt className="text-slate-600">Discount taken</dt>
          <dd className="font-medium tabular-nums">{money(invoice.amountDiscounted)}</dd>
        </div>
      </dl>
    </section>
  );
}

export default function AdminInvoicePage() {
  const { invoice, plans } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="mb-4">
        <Link to={`/admin/customers/${invoice.account.id}`} className="text-sm text-brand-700 underline">
          ← {invoice.account.name}
        </Link>
      </p>
      <InvoiceView invoice={invoice} invoiceHref={(id) => `/admin/invoices/${id}`} />
      <AdminTermsPanel invoice={invoice} />
      {plans.length > 0 ? (
        <section aria-labelledby="invoice-plans-heading" className="mt-6">
          <h2 id="invoice-plans-heading" className="text-lg font-semibold">
            Payment plans
          </h2>
          <ul className="mt-2 divide-y divide-slate-100 rounded-lg bg-white text-sm ring-1 ring-slate-200">
            {plans.map((p) => (
              <li key={p.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2">
                <Link to={`/admin/plans/${p.id}`} className="text-brand-700 underline">
                  {p.current ? "Current plan" : "Plan"} created {formatDate(p.createdAt.slice(0, 10))}
                </Link>
                <PlanStatusBadge status={p.status} />
                <span className="text-slate-700">
                  {formatMoney(p.enrolled, p.currency)} of this invoice, plan total {formatMoney(p.total, p.currency)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
