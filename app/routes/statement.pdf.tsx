import { companyIssuer } from "~/modules/brand/company.server";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePayer } from "~/modules/auth/session.server";
import { getStatement } from "~/modules/invoices/get-statement.server";
import { renderStatementPdf } from "~/modules/invoices/render-statement-pdf.server";
import { pdfResponse } from "~/utils/pdf-response.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const payer = await requirePayer(request);
  const statement = await getStatement({ kind: "payer", userId: payer.user.id }, payer.activeAccount.id);
  if (!statement) throw new Response("Not found", { status: 404 });
  return pdfResponse(await renderStatementPdf(statement, await companyIssuer()), `statement-${statement.account.number}-${statement.asOf}.pdf`);
}
