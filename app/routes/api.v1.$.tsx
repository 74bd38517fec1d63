import { apiError } from "~/modules/api/errors";

// Any other path under /api/v1 answers in the API's JSON error shape, not with the HTML app's 404.
const notFound = () => apiError(404, "not_found", "No such API endpoint. The endpoints are listed in /api/v1/openapi.json.");

export const loader = notFound;
export const action = notFound;
