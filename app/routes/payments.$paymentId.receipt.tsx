import { companyIssuer } from "~/modules/brand/company.server";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePayerActor } from "~/modules/auth/session.server";
import { getReceipt } from "~/modules/payments/get-payment.server";
import { orThrow } from "~/utils/problem-response.server";
import { renderReceiptPdf } from "~/modules/payments/render-receipt-pdf.server";
import { pdfResponse } from "~/utils/pdf-response.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { actor } = await requirePayerActor(request, context);
  const payment = orThrow(await getReceipt(actor, params.paymentId ?? ""));
  return pdfResponse(await renderReceiptPdf(payment, await companyIssuer()), `receipt-${payment.id}.pdf`);
}
