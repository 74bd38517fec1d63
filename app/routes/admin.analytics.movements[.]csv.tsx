import type { LoaderFunctionArgs } from "@remix-run/node";
import { drillFilename, movementsCsv } from "~/modules/analytics/drill-csv.server";
import { listReceivableMovements } from "~/modules/analytics/list-receivable-movements.server";
import { requireStaffActor } from "~/modules/auth/session.server";
import { downloadOrThrow } from "~/modules/invoices/statement-response.server";

/** GET /admin/analytics/movements.csv?…filters: every movement the page lists (bad filters: 400, plain text). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const list = downloadOrThrow(await listReceivableMovements(actor, { params: Object.fromEntries(new URL(request.url).searchParams), all: true }));
  return new Response(movementsCsv(list), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${drillFilename("movements", list)}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
