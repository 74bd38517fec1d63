import { privateWebhookUrlsAllowed } from "~/env.server";
import { destinationProblem } from "./destination.server";
import { endpointFieldErrors } from "./validation";

/**
 * The endpoint form's checks, then where the URL leads: unless private URLs are allowed, only
 * https to hosts whose every address is public (the sender checks again at each connection).
 */
export async function checkEndpointFields(input: { url: string; description: string; eventTypes: string[] }): Promise<ReturnType<typeof endpointFieldErrors>> {
  const checked = endpointFieldErrors(input);
  if (!checked.values) return checked;
  const problem = await destinationProblem(checked.values.url, { allowPrivate: privateWebhookUrlsAllowed() });
  return problem ? { errors: { url: problem } } : checked;
}
