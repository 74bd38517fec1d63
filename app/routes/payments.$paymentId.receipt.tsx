import { companyIssuer } from "~/modules/brand/company.server";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePayer } from "~/modules/auth/session.server";
import { getPaymentForPayer } from "~/modules/payments/get-payment.server";
import { renderReceiptPdf } from "~/modules/payments/render-receipt-pdf.server";
import { pdfResponse } from "~/utils/pdf-response.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const payer = await requirePayer(request);
  const payment = await getPaymentForPayer({ userId: payer.user.id }, params.paymentId ?? "");
  if (!payment || payment.status !== "succeeded") throw new Response("Not found", { status: 404 });
  return pdfResponse(await renderReceiptPdf(payment, await companyIssuer()), `receipt-${payment.id}.pdf`);
}
