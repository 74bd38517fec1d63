import type { ActionFunctionArgs } from "@remix-run/node";
import { handleRequest } from "~/modules/ingest/operations.server";

/** POST /api/v1/invoices/:externalId/credit-memos — credit the invoice (scope invoices:write). */
export async function action({ request, params }: ActionFunctionArgs) {
  return handleRequest(request, "POST", "createCreditMemo", params.externalId);
}
