/** The scopes an API key can carry. `events:read` opens the pull feed; the others are reserved for the invoice/customer API. */
export const API_SCOPES = ["events:read", "invoices:read", "invoices:write", "customers:write"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const API_SCOPE_DESCRIPTIONS: Record<ApiScope, string> = {
  "events:read": "Read the event feed (GET /api/v1/events, GET /api/v1/events/{id}).",
  "invoices:read": "Read invoices.",
  "invoices:write": "Create and update invoices.",
  "customers:write": "Create and update customers.",
};

export function isApiScope(value: unknown): value is ApiScope {
  return typeof value === "string" && (API_SCOPES as readonly string[]).includes(value);
}
