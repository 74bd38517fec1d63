import { randomBytes } from "node:crypto";
import { apiKeys } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { sha256 } from "~/modules/auth/secrets.server";
import { hasNul } from "~/utils/nul";
import { apiKeyPrefix } from "./api-key-format";
import { actorCanManageApiKeys, API_KEYS_FORBIDDEN } from "./permissions.server";
import { isApiScope, type ApiScope } from "./scopes";

export type CreateApiKeyResult =
  | { ok: true; id: string; key: string; prefix: string; name: string; scopes: ApiScope[] }
  | { ok: false; forbidden?: undefined; fieldErrors: { name?: string; scopes?: string } }
  | { ok: false; forbidden: true; message: string };

/**
 * Creates a key: `eipp_` + 40 base64url characters. Only its SHA-256 is stored; the key itself is
 * returned here once and can never be read again.
 */
export async function createApiKey(input: { staff: { userId: string; ip: string | null }; name: string; scopes: string[] }): Promise<CreateApiKeyResult> {
  if (!(await actorCanManageApiKeys(db, input.staff.userId))) return { ok: false, forbidden: true, message: API_KEYS_FORBIDDEN };
  const name = input.name.trim();
  const fieldErrors: { name?: string; scopes?: string } = {};
  if (name.length === 0) fieldErrors.name = "Give the key a name, e.g. the system that will use it.";
  else if (name.length > 100) fieldErrors.name = "Keep the name under 100 characters.";
  // Control characters (U+0000 cannot even be stored): a name is for people to read in a list.
  else if (hasNul(name) || /\p{Cc}/u.test(name)) fieldErrors.name = "Use letters, digits, spaces and punctuation only in the name.";
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0) fieldErrors.scopes = "Choose at least one scope.";
  else if (!scopes.every(isApiScope)) fieldErrors.scopes = "Choose scopes from the list.";
  if (fieldErrors.name || fieldErrors.scopes) return { ok: false, fieldErrors };

  const key = `eipp_${randomBytes(30).toString("base64url")}`;
  const prefix = apiKeyPrefix(key);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({ name, prefix, keyHash: sha256(key), scopes, createdByUserId: input.staff.userId })
      .returning({ id: apiKeys.id });
    await recordAudit(tx, { actorUserId: input.staff.userId, actorType: "user", action: "api_key.created", subjectType: "api_key", subjectId: row!.id, ip: input.staff.ip, data: { name, prefix, scopes } });
    return { ok: true as const, id: row!.id, key, prefix, name, scopes: scopes as ApiScope[] };
  });
}
