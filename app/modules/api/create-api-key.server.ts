import { randomBytes } from "node:crypto";
import { apiKeys } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { actorUserId, auditActor, type Actor } from "~/modules/auth/actor";
import { sha256 } from "~/modules/auth/secrets.server";
import { forbidden, invalid, type Problem } from "~/utils/problem";
import { apiKeyPrefix } from "./api-key-format";
import { apiKeyFields } from "./api-key-forms";
import { API_KEYS_FORBIDDEN, canManageApiKeys } from "./permissions.server";
import type { ApiScope } from "./scopes";

export interface CreatedApiKey {
  id: string;
  /** The key itself: returned here once, never stored, never readable again. */
  key: string;
  prefix: string;
  name: string;
  scopes: ApiScope[];
}

/** The operator's `user@host` in the audit data when the command line did it. */
export const auditedBy = (actor: Actor) => (actor.kind === "system" && actor.name ? { operator: actor.name } : {});

/**
 * Creates a key: `eipp_` + 40 base64url characters. Only its SHA-256 is stored. AR admins (in
 * /admin) and an operator at the command line may.
 */
export async function createApiKey(actor: Actor, input: { name: string; scopes: string[] }): Promise<CreatedApiKey | Problem> {
  if (!canManageApiKeys(actor)) return forbidden(API_KEYS_FORBIDDEN);
  const parsed = apiKeyFields.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.message;
    return invalid(fields.name ?? fields.scopes ?? "Check the key's name and scopes.", { fields });
  }
  const { name, scopes } = parsed.data;
  const key = `eipp_${randomBytes(30).toString("base64url")}`;
  const prefix = apiKeyPrefix(key);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({ name, prefix, keyHash: sha256(key), scopes, createdByUserId: actorUserId(actor) })
      .returning({ id: apiKeys.id });
    await recordAudit(tx, { ...auditActor(actor), action: "api_key.created", subjectType: "api_key", subjectId: row!.id, data: { name, prefix, scopes, ...auditedBy(actor) } });
    return { id: row!.id, key, prefix, name, scopes };
  });
}
