import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { InvoiceView } from "~/components/invoice-view";
import { buttonLinkClass } from "~/components/ui/button";
import { requirePayer } from "~/modules/auth/session.server";
import { getInvoice } from "~/modules/invoices/get-invoice.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Invoice ${data?.invoice.number ?? ""} · Payment portal` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const payer = await requirePayer(request);
  const invoice = await getInvoice({ kind: "payer", userId: payer.user.id }, params.invoiceId ?? "");
  if (!invoice) throw new Response("Not found", { status: 404 });
  return json({ invoice });
}

export default function InvoicePage() {
  const { invoice } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="mb-4">
        <Link to="/invoices" className="text-sm text-brand-700 underline">
          ← All invoices
        </Link>
      </p>
      <InvoiceView invoice={invoice} />
      <div className="mt-6 flex flex-wrap gap-3">
        <a href={`/invoices/${invoice.id}/pdf`} download={`${invoice.number}.pdf`} className={buttonLinkClass}>
          Download PDF
        </a>
      </div>
    </>
  );
}
