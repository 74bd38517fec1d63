import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePayerActor } from "~/modules/auth/session.server";
import { statementDownload } from "~/modules/invoices/get-statement.server";
import { statementCsv } from "~/modules/invoices/statement-csv.server";
import { downloadOrThrow } from "~/modules/invoices/statement-response.server";

/** GET /statement.csv?from=&to=: every line of the period, for the payer's reconciliation. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  const { statement, filename } = downloadOrThrow(await statementDownload(actor, { accountId: payer.activeAccount.id, searchParams: new URL(request.url).searchParams }));
  return new Response(statementCsv(statement), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
