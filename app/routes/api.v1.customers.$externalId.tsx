import type { ActionFunctionArgs } from "@remix-run/node";
import { handleRequest } from "~/modules/ingest/operations.server";

/** PUT /api/v1/customers/:externalId — create or update a customer (scope customers:write). */
export async function action({ request, params }: ActionFunctionArgs) {
  return handleRequest(request, "PUT", "upsertCustomer", params.externalId);
}
