import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePayerActor } from "~/modules/auth/session.server";
import { companyIssuer } from "~/modules/brand/company.server";
import { statementDownload } from "~/modules/invoices/get-statement.server";
import { renderStatementPdf } from "~/modules/invoices/render-statement-pdf.server";
import { downloadOrThrow } from "~/modules/invoices/statement-response.server";
import { pdfResponse } from "~/utils/pdf-response.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  const { statement, filename } = downloadOrThrow(await statementDownload(actor, { accountId: payer.activeAccount.id, searchParams: new URL(request.url).searchParams }));
  return pdfResponse(await renderStatementPdf(statement, await companyIssuer()), `${filename}.pdf`);
}
