import { companyIssuer } from "~/modules/brand/company.server";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePayer } from "~/modules/auth/session.server";
import { getStatement, readStatementQuery } from "~/modules/invoices/get-statement.server";
import { renderStatementPdf } from "~/modules/invoices/render-statement-pdf.server";
import { pdfResponse } from "~/utils/pdf-response.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const payer = await requirePayer(request);
  const query = readStatementQuery(new URL(request.url).searchParams);
  if (!query.ok) throw new Response(query.message, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const statement = await getStatement({ kind: "payer", userId: payer.user.id }, payer.activeAccount.id, query.period);
  if (!statement) throw new Response("Not found", { status: 404 });
  const { from, to } = statement.period;
  return pdfResponse(await renderStatementPdf(statement, await companyIssuer()), `statement-${statement.account.number}-${from}-${to}.pdf`);
}
