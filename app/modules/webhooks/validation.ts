import { z } from "zod";
import { isAdmin, type Actor } from "~/modules/auth/actor";
import { singleLineProblem } from "~/utils/text";
import { webhookEventTypes } from "./event-types";

/** Endpoints decide where the portal sends requests: only AR admins manage them; agents may look. */
export const canManageWebhooks = (actor: Actor) => isAdmin(actor);

export const WEBHOOKS_FORBIDDEN = "Only an AR admin can manage webhook endpoints.";
/** An unknown or deleted endpoint: the page answers 404. */
export const ENDPOINT_NOT_FOUND = "Endpoint not found.";

const URL_REQUIRED = "Enter the endpoint URL.";

export const endpointUrlSchema = z
  .string({ error: URL_REQUIRED })
  .trim()
  .min(1, URL_REQUIRED)
  .max(2000, "Keep the URL under 2,000 characters.")
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "Enter a full URL, like https://backoffice.example/webhooks." });
      return;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") ctx.addIssue({ code: "custom", message: "The URL must start with https:// or http://." });
    else if (url.username || url.password) ctx.addIssue({ code: "custom", message: "Leave user names and passwords out of the URL: deliveries are signed." });
  });

export const descriptionSchema = z
  .string()
  .trim()
  .max(200, "Keep the description under 200 characters.")
  // Shown to staff beside the URL: bidi controls could make it read as something it is not.
  .superRefine((text, ctx) => {
    const problem = singleLineProblem(text);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const eventTypesSchema = z.array(z.string()).superRefine((types, ctx) => {
  const unknown = types.filter((t) => !(webhookEventTypes as string[]).includes(t));
  if (unknown.length > 0) ctx.addIssue({ code: "custom", message: `Unknown event type: ${unknown.join(", ")}.` });
});

/**
 * An endpoint's settings, as the add and edit forms send them (an empty description or no event
 * type ticked arrive absent) and as the use cases check them again: the stored values (trimmed,
 * null description, event types sorted and unique).
 */
export const endpointFields = z.object({
  url: endpointUrlSchema,
  description: descriptionSchema.optional().transform((d) => d || null),
  eventTypes: eventTypesSchema.optional().transform((types) => [...new Set(types ?? [])].sort()),
});

export type EndpointValues = z.output<typeof endpointFields>;
