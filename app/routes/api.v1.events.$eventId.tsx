import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/api/authenticate-api-key.server";
import { apiError } from "~/modules/api/errors";
import { getEvent } from "~/modules/api/get-event.server";
import { methodNotAllowed } from "~/modules/api/errors";

/** GET /api/v1/events/:id (scope events:read). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await authenticateApiKey(request, "events:read");
  const event = await getEvent(params.eventId ?? "");
  if (!event) throw apiError(404, "not_found", "No event with this id.");
  return json(event, { headers: { "Cache-Control": "no-store" } });
}

// POST, PUT, PATCH, DELETE would otherwise get the HTML app's error page.
export const action = () => methodNotAllowed("GET");
