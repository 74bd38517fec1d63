/** The scopes an API key can carry: reading the event feed, the data-in API for invoices and customers, reading a customer's reminders, and receivables figures. */
export const API_SCOPES = ["events:read", "invoices:read", "invoices:write", "customers:read", "customers:write", "metrics:read"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const API_SCOPE_DESCRIPTIONS: Record<ApiScope, string> = {
  "events:read": "Read the event feed (GET /api/v1/events, GET /api/v1/events/{id}).",
  "invoices:read": "Read invoices (GET /api/v1/invoices/{externalId}).",
  "invoices:write": "Upsert and void invoices, record offline payments and credit memos.",
  "customers:read": "Read customers' collections data: a customer's reminder calendar (GET /api/v1/customers/{externalId}/reminders).",
  "customers:write": "Upsert customers and their contacts (PUT /api/v1/customers/{externalId}).",
  "metrics:read": "Read receivables figures: AR, aging, DSO, CEI (GET /api/v1/metrics/receivables).",
};

export function isApiScope(value: unknown): value is ApiScope {
  return typeof value === "string" && (API_SCOPES as readonly string[]).includes(value);
}
