import type { ActionFunctionArgs } from "@remix-run/node";
import { handleBatch } from "~/modules/api/ingest-response.server";
import { methodNotAllowed } from "~/modules/api/errors";

/** POST /api/v1/batch — up to 500 operations, each checked against its own scope and run on its own. */
export async function action({ request }: ActionFunctionArgs) {
  return handleBatch(request);
}

// A GET here would otherwise get the HTML app's error page.
export const loader = () => methodNotAllowed("POST");
