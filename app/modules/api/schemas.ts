import { z as z4 } from "zod/v4";
import { FEED_DEFAULT_LIMIT_DOC, FEED_MAX_LIMIT_DOC } from "./feed-limits";

/**
 * The /api/v1 request and response shapes. The OpenAPI document (openapi.ts) is generated from
 * these schemas, so the documentation cannot drift from what the handlers type-check against.
 */
export const apiRegistry = z4.registry<{ id: string }>();

export const ApiError = z4
  .object({
    error: z4.object({
      code: z4.enum(["unauthorized", "insufficient_scope", "invalid_request", "not_found"]).describe("Machine-readable error code."),
      message: z4.string().describe("Human-readable explanation."),
    }),
  })
  .describe("Every error answers with this shape.");
apiRegistry.add(ApiError, { id: "Error" });

export const ApiEvent = z4
  .object({
    id: z4.string().describe('Event id, e.g. "ev_01jd…". Use it to deduplicate.'),
    type: z4.string().describe('Event type, e.g. "payment.succeeded", "invoice.paid", "dispute.opened".'),
    created_at: z4.string().describe("When the event was recorded (ISO 8601, UTC)."),
    account_id: z4.string().nullable().describe("The customer account the event belongs to, if any."),
    subject: z4.object({ type: z4.string().describe('e.g. "payment", "invoice", "dispute".'), id: z4.string() }).describe("The object the event is about."),
    data: z4.record(z4.string(), z4.unknown()).describe("Event-specific payload."),
  })
  .describe("A domain event from the portal's outbox.");
apiRegistry.add(ApiEvent, { id: "Event" });

export const EventList = z4
  .object({
    data: z4.array(ApiEvent).describe("Events in feed order ((transaction, sequence) order)."),
    next_cursor: z4.string().describe("Pass as `after` to read the next page. Equals the input cursor when nothing new is available."),
    has_more: z4.boolean().describe("True when more events are available right now; poll again later when false."),
  })
  .describe("A page of the event feed.");
apiRegistry.add(EventList, { id: "EventList" });

export const EventFeedQuery = z4.object({
  after: z4.string().optional().describe("Opaque cursor: the `next_cursor` of the previous page. Omit to start from the first event."),
  limit: z4
    .int()
    .min(1)
    .max(FEED_MAX_LIMIT_DOC)
    .default(FEED_DEFAULT_LIMIT_DOC)
    .optional()
    .describe(`Page size, 1–${FEED_MAX_LIMIT_DOC} (default ${FEED_DEFAULT_LIMIT_DOC}).`),
});

export type ApiEventOut = z4.output<typeof ApiEvent>;
export type EventListOut = z4.output<typeof EventList>;
export type ApiErrorOut = z4.output<typeof ApiError>;
