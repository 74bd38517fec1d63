import { z as z4 } from "zod/v4";
import { API_SCOPE_DESCRIPTIONS, API_SCOPES } from "./scopes";
import { apiRegistry, EventFeedQuery } from "./schemas";

type JsonObject = Record<string, unknown>;

function stripMeta(schema: JsonObject): JsonObject {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const jsonContent = (id: string) => ({ "application/json": { schema: ref(id) } });
const errorResponse = (description: string) => ({ description, content: jsonContent("Error") });

/** The OpenAPI 3.1 document of /api/v1, generated from the zod schemas in schemas.ts. */
export function buildOpenApiDocument(serverUrl?: string): JsonObject {
  const { schemas } = z4.toJSONSchema(apiRegistry, { uri: (id) => `#/components/schemas/${id}` });
  const componentSchemas = Object.fromEntries(Object.entries(schemas).map(([id, s]) => [id, stripMeta(s as JsonObject)]));
  const queryShape = EventFeedQuery.shape;
  const queryParameter = (name: keyof typeof queryShape) => {
    const schema = stripMeta(z4.toJSONSchema(queryShape[name], { io: "input" }) as JsonObject);
    const { description, ...rest } = schema;
    return { name, in: "query", required: false, description, schema: rest };
  };
  const authErrors = {
    "401": errorResponse("Missing, malformed, unknown or revoked API key (`unauthorized`). Carries `WWW-Authenticate: Bearer`."),
    "403": errorResponse("The key lacks the `events:read` scope (`insufficient_scope`)."),
  };

  return {
    openapi: "3.1.0",
    info: {
      title: "EIPP back-office API",
      version: "1.0.0",
      description: [
        "Pull feed of the portal's domain events for back-office systems.",
        "",
        "Authenticate with an API key created by an AR admin: `Authorization: Bearer eipp_…`. Keys are shown once, are scoped and can be revoked.",
        "",
        "Scopes:",
        ...API_SCOPES.map((s) => `- \`${s}\`: ${API_SCOPE_DESCRIPTIONS[s]}`),
        "",
        "Feed consistency: events are served in a stable order and only once every earlier transaction has finished, so reading with `next_cursor` never skips an event that commits late and never repeats one.",
      ].join("\n"),
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    security: [{ bearerAuth: [] }],
    paths: {
      "/api/v1/events": {
        get: {
          operationId: "listEvents",
          summary: "Read the event feed",
          description: "Returns events after `after`, oldest first. Keep the returned `next_cursor` and poll with it; when `has_more` is false, wait before polling again.",
          tags: ["Events"],
          security: [{ bearerAuth: ["events:read"] }],
          "x-required-scopes": ["events:read"],
          parameters: [queryParameter("after"), queryParameter("limit")],
          responses: {
            "200": { description: "A page of events.", content: jsonContent("EventList") },
            "400": errorResponse("Invalid `after` cursor or `limit` (`invalid_request`)."),
            ...authErrors,
          },
        },
      },
      "/api/v1/events/{id}": {
        get: {
          operationId: "getEvent",
          summary: "Retrieve one event",
          tags: ["Events"],
          security: [{ bearerAuth: ["events:read"] }],
          "x-required-scopes": ["events:read"],
          parameters: [{ name: "id", in: "path", required: true, description: 'Event id ("ev_…").', schema: { type: "string" } }],
          responses: {
            "200": { description: "The event.", content: jsonContent("Event") },
            ...authErrors,
            "404": errorResponse("No event with this id (`not_found`)."),
          },
        },
      },
    },
    components: {
      schemas: componentSchemas,
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "eipp_ + 40 base64url characters",
          description: `API key created under Admin → API keys. Scopes: ${API_SCOPES.join(", ")}.`,
        },
      },
    },
  };
}
