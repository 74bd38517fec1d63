import { companyIssuer } from "~/modules/brand/company.server";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePayer } from "~/modules/auth/session.server";
import { getInvoice } from "~/modules/invoices/get-invoice.server";
import { renderInvoicePdf } from "~/modules/invoices/render-invoice-pdf.server";
import { pdfResponse } from "~/utils/pdf-response.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const payer = await requirePayer(request);
  const invoice = await getInvoice({ kind: "payer", userId: payer.user.id }, params.invoiceId ?? "");
  if (!invoice) throw new Response("Not found", { status: 404 });
  return pdfResponse(await renderInvoicePdf(invoice, await companyIssuer()), `${invoice.number}.pdf`);
}
