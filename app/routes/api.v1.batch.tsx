import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticateAnyScope, jsonResponse, readJson, runBatch } from "~/modules/ingest/operations.server";
import { toResult } from "~/modules/ingest/result";
import { methodNotAllowed } from "~/modules/api/errors";

/** POST /api/v1/batch — up to 500 operations, each checked against its own scope and run on its own. */
export async function action({ request }: ActionFunctionArgs) {
  const key = await authenticateAnyScope(request);
  if (request.method !== "POST") return jsonResponse({ status: 405, body: { error: { code: "method_not_allowed", message: "Use POST." } } }, { Allow: "POST" });
  return jsonResponse(await toResult(async () => runBatch(key, await readJson(request))));
}

// A GET here would otherwise get the HTML app's error page.
export const loader = () => methodNotAllowed("POST");
