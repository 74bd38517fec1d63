import type { ActionFunctionArgs } from "@remix-run/node";
import { handleRequest } from "~/modules/api/ingest-response.server";
import { methodNotAllowed } from "~/modules/api/errors";

/** PUT /api/v1/customers/:externalId — create or update a customer (scope customers:write). */
export async function action({ request, params }: ActionFunctionArgs) {
  return handleRequest(request, "PUT", "upsertCustomer", params.externalId);
}

// A GET here would otherwise get the HTML app's error page.
export const loader = () => methodNotAllowed("PUT");
