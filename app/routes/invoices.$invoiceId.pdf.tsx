import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePayerActor } from "~/modules/auth/session.server";
import { companyIssuer } from "~/modules/brand/company.server";
import { getInvoice } from "~/modules/invoices/get-invoice.server";
import { renderInvoicePdf } from "~/modules/invoices/render-invoice-pdf.server";
import { pdfResponse } from "~/utils/pdf-response.server";
import { orThrow } from "~/utils/problem-response.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { actor } = await requirePayerActor(request, context);
  const invoice = orThrow(await getInvoice(actor, params.invoiceId ?? ""));
  return pdfResponse(await renderInvoicePdf(invoice, await companyIssuer()), `${invoice.number}.pdf`);
}
