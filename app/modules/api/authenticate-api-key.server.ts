import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { apiKeys } from "#db/schema/integrations";
import { db } from "~/db.server";
import { sha256 } from "~/modules/auth/secrets.server";
import { API_KEY_PATTERN } from "./api-key-format";
import { apiError } from "./errors";
import type { ApiScope } from "./scopes";

export type ApiKey = typeof apiKeys.$inferSelect;

const LAST_USED_RESOLUTION_MS = 60_000;

function unauthorized(message: string, error?: "invalid_token"): Response {
  return apiError(401, "unauthorized", message, { "WWW-Authenticate": error ? `Bearer realm="eipp", error="${error}"` : `Bearer realm="eipp"` });
}

/**
 * Authenticates `Authorization: Bearer eipp_…` and checks the scope. Returns the key row or throws a
 * Response (401 missing/malformed/unknown/revoked, 403 missing scope). The key is hashed before the
 * lookup, so the database compares hashes, never the secret; timing reveals nothing about the key.
 */
export async function authenticateApiKey(request: Request, requiredScope: ApiScope): Promise<ApiKey> {
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

  if (!key.scopes.includes(requiredScope)) {
    throw apiError(403, "insufficient_scope", `This API key lacks the "${requiredScope}" scope.`, {
      "WWW-Authenticate": `Bearer realm="eipp", error="insufficient_scope", scope="${requiredScope}"`,
    });
  }
  return key;
}
