import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { InvoiceView } from "~/components/invoice-view";
import { requireStaff } from "~/modules/auth/session.server";
import { getInvoice } from "~/modules/invoices/get-invoice.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Invoice ${data?.invoice.number ?? ""} · AR admin` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request);
  const invoice = await getInvoice({ kind: "staff" }, params.invoiceId ?? "");
  if (!invoice) throw new Response("Not found", { status: 404 });
  return json({ invoice });
}

export default function AdminInvoicePage() {
  const { invoice } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="mb-4">
        <Link to={`/admin/customers/${invoice.account.id}`} className="text-sm text-brand-700 underline">
          ← {invoice.account.name}
        </Link>
      </p>
      <InvoiceView invoice={invoice} />
    </>
  );
}
