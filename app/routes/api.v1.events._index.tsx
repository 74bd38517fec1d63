import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/api/authenticate-api-key.server";
import { apiProblem, methodNotAllowed } from "~/modules/api/errors";
import { listEvents, parseFeedQuery } from "~/modules/api/list-events.server";
import { isProblem } from "~/utils/problem";

/** GET /api/v1/events?after=<cursor>&limit=<1..500> — the back-office pull feed (scope events:read). */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await authenticateApiKey(request, "events:read");
  const query = parseFeedQuery(new URL(request.url).searchParams);
  // A malformed query string is documented as 400.
  if (isProblem(query)) return apiProblem(query, { status: 400 });
  const page = await listEvents(actor, query);
  return isProblem(page) ? apiProblem(page) : json(page, { headers: { "Cache-Control": "no-store" } });
}

// POST, PUT, PATCH, DELETE would otherwise get the HTML app's error page.
export const action = () => methodNotAllowed("GET");
