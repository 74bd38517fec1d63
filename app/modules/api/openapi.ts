import { z as z4 } from "zod";
import { API_SCOPE_DESCRIPTIONS, API_SCOPES } from "./scopes";
import { describeEventType, webhookEventTypes } from "~/modules/webhooks/event-types";
import { apiRegistry, EventFeedQuery, ReceivablesMetricsQuery, REMINDER_CALENDAR_MAX_DAYS, ReminderCalendarQuery } from "./schemas";

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
        "The back office's link to the portal: a pull feed of its domain events, the data-in API (customers, invoices, voids, offline payments, credit memos, account credits, batch) and each customer's reminder calendar.",
        "",
        "Authenticate with an API key created by an AR admin: `Authorization: Bearer eipp_…`. Keys are shown once, are scoped and can be revoked.",
        "",
        "Scopes:",
        ...API_SCOPES.map((s) => `- \`${s}\`: ${API_SCOPE_DESCRIPTIONS[s]}`),
        "",
        "Every endpoint: a request body over 10 MB is refused with 413 `payload_too_large`, and while the portal cannot reach its database it answers 503 `service_unavailable` with `Retry-After`.",
        "",
        "Feed consistency: events are served in a stable order and only once every earlier transaction has finished, so reading with `next_cursor` never skips an event that commits late and never repeats one.",
        "",
        "Event types (the `type` of feed events and webhook deliveries):",
        ...webhookEventTypes.map((type) => `- \`${type}\`: ${describeEventType(type)}.`),
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
      ...ingestPaths(),
      ...metricsPaths(),
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

/** A query parameter of the reminder calendar, documented from its zod schema. */
function calendarParameter(name: keyof typeof ReminderCalendarQuery.shape) {
  const schema = stripMeta(z4.toJSONSchema(ReminderCalendarQuery.shape[name], { io: "input" }) as JsonObject);
  const { description, ...rest } = schema;
  return { name, in: "query", required: false, description, schema: rest };
}

/** The receivables figures (scope metrics:read). */
function metricsPaths(): JsonObject {
  const parameter = (name: keyof typeof ReceivablesMetricsQuery.shape, required: boolean) => {
    const schema = stripMeta(z4.toJSONSchema(ReceivablesMetricsQuery.shape[name], { io: "input" }) as JsonObject);
    const { description, ...rest } = schema;
    return { name, in: "query", required, description, schema: rest };
  };
  return {
    "/api/v1/metrics/receivables": {
      get: {
        operationId: "getReceivablesMetrics",
        summary: "Receivables figures: AR, aging, DSO, best possible DSO, ADD, CEI",
        description:
          "The figures at `as_of` for the `months` months ending on it, in one currency, from the dated receivables ledger: issue dates, payment received dates, credit dates and void dates. Money in minor units; days and percent to two decimals (half away from zero), null where the period has no sales. Definitions: docs/analytics.md.",
        tags: ["Metrics"],
        security: [{ bearerAuth: ["metrics:read"] }],
        "x-required-scopes": ["metrics:read"],
        parameters: [parameter("as_of", false), parameter("months", false), parameter("currency", true), parameter("customer", false)],
        responses: {
          "200": { description: "The figures.", content: jsonContent("ReceivablesMetrics") },
          "400": errorResponse("A parameter is missing or malformed (`invalid_request`, with `details`)."),
          "401": errorResponse("Missing, malformed, unknown or revoked API key (`unauthorized`). Carries `WWW-Authenticate: Bearer`."),
          "403": errorResponse("The key lacks the `metrics:read` scope (`insufficient_scope`)."),
          "404": errorResponse("No customer with the `customer` external id (`not_found`)."),
        },
      },
    },
  };
}

/** The data-in endpoints (customers and invoices pushed by the back office), and a customer's reminder calendar. */
function ingestPaths(): JsonObject {
  const auth = (scope: string) => ({
    "401": errorResponse("Missing, malformed, unknown or revoked API key (`unauthorized`). Carries `WWW-Authenticate: Bearer`."),
    "403": errorResponse(`The key lacks the \`${scope}\` scope (\`insufficient_scope\`).`),
  });
  const body = (id: string) => ({ required: true, content: jsonContent(id) });
  const externalIdParam = (description: string) => ({ name: "external_id", in: "path", required: true, description, schema: { type: "string", minLength: 1, maxLength: 100 } });
  const invoiceParam = externalIdParam("The invoice's external id (the back office's id).");
  const invalid = errorResponse("The body is not JSON (400) or fails validation (422 `invalid_request`, with `details: [{ path, message }]`).");
  const op = (scope: string, rest: JsonObject) => ({ tags: [scope.startsWith("customers") ? "Customers" : "Invoices"], security: [{ bearerAuth: [scope] }], "x-required-scopes": [scope], ...rest });
  return {
    "/api/v1/customers/{external_id}": {
      put: op("customers:write", {
        operationId: "upsertCustomer",
        summary: "Create or update a customer",
        description: "Idempotent: the same body twice changes nothing (and records no event). Contacts become payer users linked to the customer; contacts not listed are left alone.",
        parameters: [externalIdParam("The customer's external id.")],
        requestBody: body("CustomerInput"),
        responses: {
          "200": { description: "Updated (or unchanged).", content: jsonContent("Customer") },
          "201": { description: "Created.", content: jsonContent("Customer") },
          "400": invalid,
          ...auth("customers:write"),
          "409": errorResponse("`number_taken` (another customer has this number) or `contact_conflict` (a contact's email belongs to staff)."),
          "422": invalid,
        },
      }),
    },
    "/api/v1/customers/{external_id}/reminders": {
      get: op("customers:read", {
        operationId: "getReminderCalendar",
        summary: "A customer's reminder calendar",
        description:
          "What the reminder engine would send (or skip, and why) for this customer on each day of the period: the engine's own decision function run ahead on today's facts (open invoices, disputes, payments under way, plans, promises, holds), so it agrees with what the daily run then does unless those facts change.",
        parameters: [externalIdParam("The customer's external id."), calendarParameter("from"), calendarParameter("to")],
        responses: {
          "200": { description: "The calendar.", content: jsonContent("ReminderCalendar") },
          "400": errorResponse(`\`from\` or \`to\` is not a date, \`to\` is before \`from\`, or the period covers more than ${REMINDER_CALENDAR_MAX_DAYS} days (\`invalid_request\`, with \`details\`).`),
          ...auth("customers:read"),
          "404": errorResponse("No customer with this external id (`not_found`)."),
        },
      }),
    },
    "/api/v1/customers/{external_id}/credits": {
      get: op("invoices:read", {
        operationId: "listAccountCredits",
        summary: "A customer's credits",
        description: "Every credit of the customer (credit memos and overpayments), oldest first, with what is left to apply and the invoices each was applied to.",
        tags: ["Credits"],
        parameters: [externalIdParam("The customer's external id.")],
        responses: { "200": { description: "The credits.", content: jsonContent("AccountCreditList") }, ...auth("invoices:read"), "404": errorResponse("No customer with this external id (`not_found`).") },
      }),
      post: op("invoices:write", {
        operationId: "createAccountCredit",
        summary: "Give a customer a credit",
        description:
          "Money the customer has with the company that no invoice uses yet. AR staff apply it to the customer's open invoices in the same currency, or the payer does on the pay page; each application is a `credit.applied` event. Idempotent by `external_id` when given.",
        tags: ["Credits"],
        parameters: [externalIdParam("The customer's external id.")],
        requestBody: body("AccountCreditInput"),
        responses: {
          "200": { description: "Already created (same external_id and amount); nothing changed.", content: jsonContent("AccountCredit") },
          "201": { description: "Created.", content: jsonContent("AccountCredit") },
          "400": invalid,
          ...auth("invoices:write"),
          "404": errorResponse("No customer with this external id (`not_found`)."),
          "409": errorResponse("`idempotency_conflict`: the external_id exists with another customer, amount or currency."),
          "422": invalid,
        },
      }),
    },
    "/api/v1/invoices/{external_id}": {
      get: op("invoices:read", {
        operationId: "getInvoice",
        summary: "Retrieve an invoice",
        parameters: [invoiceParam],
        responses: { "200": { description: "The invoice.", content: jsonContent("Invoice") }, ...auth("invoices:read"), "404": errorResponse("No invoice with this external id (`not_found`).") },
      }),
      put: op("invoices:write", {
        operationId: "upsertInvoice",
        summary: "Create or update an invoice",
        description:
          "The server computes line amounts (round(quantity × unit_amount)), subtotal and total. Idempotent: the same body twice changes nothing. Once an invoice has payments (made or under way) or an open dispute, its number, issue date, lines and tax are locked; memo, PO number, terms and due date stay editable.",
        parameters: [invoiceParam],
        requestBody: body("InvoiceInput"),
        responses: {
          "200": { description: "Updated (or unchanged).", content: jsonContent("Invoice") },
          "201": { description: "Created.", content: jsonContent("Invoice") },
          "400": invalid,
          ...auth("invoices:write"),
          "409": errorResponse("`immutable_field` (currency or customer changed), `invoice_locked`, `invoice_void`, `total_below_settled` (new total below paid + credited + under way + disputed) or `number_taken`."),
          "422": errorResponse("`invalid_request` (with `details`) or `unknown_customer`."),
        },
      }),
    },
    "/api/v1/invoices/{external_id}/void": {
      post: op("invoices:write", {
        operationId: "voidInvoice",
        summary: "Void an invoice",
        description: "Only while nothing is paid, under way or disputed. The balance becomes 0. Voiding a void invoice answers 200.",
        parameters: [invoiceParam],
        responses: { "200": { description: "The void invoice.", content: jsonContent("Invoice") }, ...auth("invoices:write"), "404": errorResponse("Unknown invoice (`not_found`)."), "409": errorResponse("`invoice_locked`: payments or an open dispute.") },
      }),
    },
    "/api/v1/invoices/{external_id}/payments": {
      post: op("invoices:write", {
        operationId: "recordOfflinePayment",
        summary: "Record a payment received outside the portal",
        description: "Idempotent by `reference` per invoice: the same reference again answers 200 and changes nothing.",
        parameters: [invoiceParam],
        requestBody: body("OfflinePaymentInput"),
        responses: {
          "200": { description: "Already recorded (same reference); nothing changed.", content: jsonContent("Invoice") },
          "201": { description: "Recorded; the updated invoice.", content: jsonContent("Invoice") },
          "400": invalid,
          ...auth("invoices:write"),
          "404": errorResponse("Unknown invoice (`not_found`)."),
          "409": errorResponse("`amount_exceeds_payable`, `invoice_void` or `idempotency_conflict` (same reference, different amount)."),
          "422": invalid,
        },
      }),
    },
    "/api/v1/invoices/{external_id}/credit-memos": {
      post: op("invoices:write", {
        operationId: "createCreditMemo",
        summary: "Credit an invoice",
        description: "Idempotent by `external_id` when given.",
        parameters: [invoiceParam],
        requestBody: body("CreditMemoInput"),
        responses: {
          "200": { description: "Already created (same external_id); nothing changed.", content: jsonContent("CreditMemo") },
          "201": { description: "Created.", content: jsonContent("CreditMemo") },
          "400": invalid,
          ...auth("invoices:write"),
          "404": errorResponse("Unknown invoice (`not_found`)."),
          "409": errorResponse("`amount_exceeds_payable`, `invoice_void` or `idempotency_conflict`."),
          "422": invalid,
        },
      }),
    },
    "/api/v1/batch": {
      post: {
        operationId: "batch",
        summary: "Run up to 500 operations",
        description: "Each operation is one of the endpoints above (method + path relative to /api/v1, + body), needs that endpoint's scope, and runs on its own in order: one failing rolls back nothing else.",
        tags: ["Batch"],
        security: [{ bearerAuth: [] }],
        requestBody: body("BatchRequest"),
        responses: { "200": { description: "One result per operation.", content: jsonContent("BatchResponse") }, "400": invalid, "401": errorResponse("Missing, malformed, unknown or revoked API key (`unauthorized`)."), "413": errorResponse("The body is over 10 MB (`payload_too_large`); a 500-invoice batch with 20 lines each is about 1.5 MB."), "422": invalid },
      },
    },
  };
}
