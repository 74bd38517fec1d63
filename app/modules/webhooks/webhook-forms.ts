import { z } from "zod";
import { endpointFields } from "./validation";

/**
 * The forms of /admin/webhooks (add an endpoint) and /admin/webhooks/:endpointId (one per
 * intent: settings, the action buttons, replay one delivery, replay since a time).
 */
export const addEndpointForm = endpointFields;

const SINCE_MESSAGE = "Enter a date and time, in UTC.";

export const endpointPageForm = z.discriminatedUnion(
  "intent",
  [
    endpointFields.extend({ intent: z.literal("update") }),
    z.object({ intent: z.enum(["enable", "disable", "rotate", "test", "delete"]) }),
    z.object({ intent: z.literal("replay"), deliveryId: z.string({ error: "Choose a delivery to replay." }).max(100) }),
    z.object({
      intent: z.literal("replay_since"),
      // A datetime-local value, read as UTC.
      since: z
        .string({ error: SINCE_MESSAGE })
        .trim()
        .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, SINCE_MESSAGE)
        .transform((raw) => new Date(`${raw}Z`))
        .refine((d) => !Number.isNaN(d.getTime()), SINCE_MESSAGE),
    }),
  ],
  { error: "Choose what to do with the endpoint." },
);
