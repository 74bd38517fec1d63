import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { apiKeys } from "#db/schema/integrations";
import { db } from "~/db.server";
import type { ApiKeyActor } from "~/modules/auth/actor";
import { sha256 } from "~/modules/auth/secrets.server";
import { API_KEY_PATTERN } from "./api-key-format";
import { apiError } from "./errors";
import { isApiScope, type ApiScope } from "./scopes";

const LAST_USED_RESOLUTION_MS = 60_000;

function unauthorized(message: string, error?: "invalid_token"): Response {
  return apiError(401, "unauthorized", message, { "WWW-Authenticate": error ? `Bearer realm="eipp", error="${error}"` : `Bearer realm="eipp"` });
}

/**
 * The API's HTTP gate: authenticates `Authorization: Bearer eipp_…` and returns the key as the
 * Actor the use cases take (they check its scopes themselves), or throws the API's 401 Response
 * (missing/malformed/unknown/revoked). Given the endpoint's scope, it also answers 403 at the door,
 * with the `WWW-Authenticate` challenge naming the scope. The key is hashed before the lookup, so
 * the database compares hashes, never the secret; timing reveals nothing about the key.
 */
export async function authenticateApiKey(request: Request, requiredScope?: ApiScope, ip: string | null = null): Promise<ApiKeyActor> {
  const header = request.headers.get("Authorization");
  if (!header) throw unauthorized("Send an API key in the Authorization header: `Authorization: Bearer eipp_…`.");
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match || !API_KEY_PATTERN.test(match[1]!)) throw unauthorized("The Authorization header is not a valid bearer API key.", "invalid_token");
  const [key] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, sha256(match[1]!)));
  if (!key || key.revokedAt) throw unauthorized("The API key is unknown or has been revoked.", "invalid_token");

  // At most one write a minute per key, however busy it is.
  if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await db
      .update(apiKeys)
      .set({ lastUsedAt: sql`now()` })
      .where(and(eq(apiKeys.id, key.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - interval '1 minute'`))));
  }

  if (requiredScope && !key.scopes.includes(requiredScope)) {
    throw apiError(403, "insufficient_scope", `This API key lacks the "${requiredScope}" scope.`, {
      "WWW-Authenticate": `Bearer realm="eipp", error="insufficient_scope", scope="${requiredScope}"`,
    });
  }
  return { kind: "api_key", keyId: key.id, name: key.name, scopes: key.scopes.filter(isApiScope), ip };
}
