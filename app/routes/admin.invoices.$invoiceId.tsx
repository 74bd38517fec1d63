import { invariantResponse } from "@epic-web/invariant";
import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { InvoiceView } from "~/components/invoice-view";
import { PlanStatusBadge } from "~/components/plans/plan-status";
import { invoicePlans } from "~/modules/admin/invoice-plans.server";
import { requireStaff } from "~/modules/auth/session.server";
import { getInvoice } from "~/modules/invoices/get-invoice.server";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Invoice ${data?.invoice.number ?? ""} · AR admin` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request);
  const invoice = await getInvoice({ kind: "staff" }, params.invoiceId ?? "");
  invariantResponse(invoice, "Not found", { status: 404 });
  return json({ invoice, plans: await invoicePlans(invoice.id) });
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
      <InvoiceView invoice={invoice} />
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
