import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleRequest } from "~/modules/api/ingest-response.server";

/** GET /api/v1/invoices/:externalId (scope invoices:read). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return handleRequest(request, "GET", "getInvoice", params.externalId);
}

/** PUT /api/v1/invoices/:externalId — create or update an invoice (scope invoices:write). */
export async function action({ request, params }: ActionFunctionArgs) {
  return handleRequest(request, "PUT", "upsertInvoice", params.externalId);
}
