import { privateWebhookUrlsAllowed } from "~/env.server";
import { invalid, invalidField, type Problem } from "~/utils/problem";
import { destinationProblem } from "./destination.server";
import { endpointFields, type EndpointValues } from "./validation";

/**
 * The endpoint form's checks, then where the URL leads: unless private URLs are allowed, only
 * https to hosts whose every address is public (the sender checks again at each connection).
 */
export async function checkEndpointFields(input: { url: string; description?: string; eventTypes?: string[] }): Promise<EndpointValues | Problem> {
  const parsed = endpointFields.safeParse({ ...input, description: input.description || undefined });
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.message;
    return invalid(Object.values(fields)[0]!, { fields });
  }
  const problem = await destinationProblem(parsed.data.url, { allowPrivate: privateWebhookUrlsAllowed() });
  return problem ? invalidField("url", problem) : parsed.data;
}
