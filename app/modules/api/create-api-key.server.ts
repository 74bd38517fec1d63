import { randomBytes } from "node:crypto";
import { apiKeys } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { sha256 } from "~/modules/auth/secrets.server";
import { hasNul } from "~/utils/nul";
import { apiKeyPrefix } from "./api-key-format";
import { API_SCOPES, isApiScope, type ApiScope } from "./scopes";
import { singleLineProblem } from "~/utils/text";
import { actorCanManageApiKeys, API_KEYS_FORBIDDEN } from "./permissions.server";

export type CreateApiKeyResult =
  | { ok: true; id: string; key: string; prefix: string; name: string; scopes: ApiScope[] }
  | { ok: false; forbidden?: undefined; fieldErrors: { name?: string; scopes?: string } }
  | { ok: false; forbidden: true; message: string };

/** Who manages keys: a staff user in /admin, or an operator at the command line (server/cli.ts). */
export type ApiKeyActor = { staff: { userId: string; ip: string | null } } | { operator: string };

export function auditActor(actor: ApiKeyActor) {
  return "staff" in actor
    ? { actorUserId: actor.staff.userId, actorType: "user" as const, ip: actor.staff.ip, by: {} }
    : { actorUserId: null, actorType: "cli" as const, ip: null, by: { operator: actor.operator } };
}

/**
 * Creates a key: `eipp_` + 40 base64url characters. Only its SHA-256 is stored; the key itself is
 * returned here once and can never be read again.
 */
export async function createApiKey(input: ApiKeyActor & { name: string; scopes: string[] }): Promise<CreateApiKeyResult> {
  // An operator at the command line is trusted; staff must be AR admins.
  if ("staff" in input && !(await actorCanManageApiKeys(db, input.staff.userId))) return { ok: false, forbidden: true, message: API_KEYS_FORBIDDEN };
  const name = input.name.trim();
  const fieldErrors: { name?: string; scopes?: string } = {};
  if (name.length === 0) fieldErrors.name = "Give the key a name, e.g. the system that will use it.";
  else if (name.length > 100) fieldErrors.name = "Keep the name under 100 characters.";
  else if (hasNul(name) || singleLineProblem(name)) fieldErrors.name = singleLineProblem(name) ?? "Use letters, digits, spaces and punctuation only in the name.";
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0) fieldErrors.scopes = "Choose at least one scope.";
  else if (!scopes.every(isApiScope)) fieldErrors.scopes = `Choose scopes from the list (${API_SCOPES.join(", ")}); unknown: ${scopes.filter((s) => !isApiScope(s)).join(", ")}.`;
  if (fieldErrors.name || fieldErrors.scopes) return { ok: false, fieldErrors };

  const key = `eipp_${randomBytes(30).toString("base64url")}`;
  const prefix = apiKeyPrefix(key);
  const { by, ...actor } = auditActor(input);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({ name, prefix, keyHash: sha256(key), scopes, createdByUserId: actor.actorUserId })
      .returning({ id: apiKeys.id });
    await recordAudit(tx, { ...actor, action: "api_key.created", subjectType: "api_key", subjectId: row!.id, data: { name, prefix, scopes, ...by } });
    return { ok: true as const, id: row!.id, key, prefix, name, scopes: scopes as ApiScope[] };
  });
}
