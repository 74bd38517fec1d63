import { json } from "@remix-run/node";
import { buildOpenApiDocument } from "~/modules/api/openapi";
import { methodNotAllowed } from "~/modules/api/errors";

/** GET /api/v1/openapi.json — the API's OpenAPI 3.1 description (public, no key needed). */
export function loader() {
  return json(buildOpenApiDocument(), { headers: { "Cache-Control": "public, max-age=300" } });
}

// POST, PUT, PATCH, DELETE would otherwise get the HTML app's error page.
export const action = () => methodNotAllowed("GET");
