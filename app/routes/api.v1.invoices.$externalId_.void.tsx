import type { ActionFunctionArgs } from "@remix-run/node";
import { handleRequest } from "~/modules/api/ingest-response.server";
import { methodNotAllowed } from "~/modules/api/errors";

/** POST /api/v1/invoices/:externalId/void — void the invoice (scope invoices:write). */
export async function action({ request, params }: ActionFunctionArgs) {
  return handleRequest(request, "POST", "voidInvoice", params.externalId);
}

// A GET here would otherwise get the HTML app's error page.
export const loader = () => methodNotAllowed("POST");
