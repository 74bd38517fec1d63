import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePayer } from "~/modules/auth/session.server";
import { getStatement, readStatementQuery } from "~/modules/invoices/get-statement.server";
import { statementCsv } from "~/modules/invoices/statement-csv.server";

/** GET /statement.csv?from=&to=: every line of the period, for the payer's reconciliation. */
export async function loader({ request }: LoaderFunctionArgs) {
  const payer = await requirePayer(request);
  const query = readStatementQuery(new URL(request.url).searchParams);
  if (!query.ok) throw new Response(query.message, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const statement = await getStatement({ kind: "payer", userId: payer.user.id }, payer.activeAccount.id, query.period);
  if (!statement) throw new Response("Not found", { status: 404 });
  const { from, to } = statement.period;
  const filename = `statement-${statement.account.number}-${from}-${to}.csv`.replace(/[^\w.-]+/g, "_");
  return new Response(statementCsv(statement), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
