import type { LoaderFunctionArgs } from "@remix-run/node";
import { drillFilename, figureInvoicesCsv } from "~/modules/analytics/drill-csv.server";
import { listFigureInvoices } from "~/modules/analytics/list-figure-invoices.server";
import { requireStaffActor } from "~/modules/auth/session.server";
import { downloadOrThrow } from "~/modules/invoices/statement-response.server";

/** GET /admin/analytics/invoices.csv?figure=&…filters: every invoice the page lists (bad filters: 400, plain text). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const list = downloadOrThrow(await listFigureInvoices(actor, { params: Object.fromEntries(new URL(request.url).searchParams), all: true }));
  return new Response(figureInvoicesCsv(list), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${drillFilename(list.figure, list)}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
