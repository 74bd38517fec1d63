import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/api/authenticate-api-key.server";
import { apiProblem, methodNotAllowed } from "~/modules/api/errors";
import { getEvent } from "~/modules/api/get-event.server";
import { isProblem } from "~/utils/problem";

/** GET /api/v1/events/:id (scope events:read). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await authenticateApiKey(request, "events:read");
  const event = await getEvent(actor, params.eventId ?? "");
  if (isProblem(event)) throw apiProblem(event);
  return json(event, { headers: { "Cache-Control": "no-store" } });
}

// POST, PUT, PATCH, DELETE would otherwise get the HTML app's error page.
export const action = () => methodNotAllowed("GET");
