import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/api/authenticate-api-key.server";
import { listEvents, parseFeedQuery } from "~/modules/api/list-events.server";
import { methodNotAllowed } from "~/modules/api/errors";

/** GET /api/v1/events?after=<cursor>&limit=<1..500> — the back-office pull feed (scope events:read). */
export async function loader({ request }: LoaderFunctionArgs) {
  await authenticateApiKey(request, "events:read");
  const query = parseFeedQuery(new URL(request.url).searchParams);
  return json(await listEvents(query), { headers: { "Cache-Control": "no-store" } });
}

// POST, PUT, PATCH, DELETE would otherwise get the HTML app's error page.
export const action = () => methodNotAllowed("GET");
