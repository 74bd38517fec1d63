import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleRequest } from "~/modules/api/ingest-response.server";

/** GET /api/v1/customers/:externalId/credits — the customer's credits (scope invoices:read). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return handleRequest(request, "GET", "listAccountCredits", params.externalId);
}

/** POST /api/v1/customers/:externalId/credits — give the customer a credit (scope invoices:write). */
export async function action({ request, params }: ActionFunctionArgs) {
  return handleRequest(request, "POST", "createAccountCredit", params.externalId);
}
