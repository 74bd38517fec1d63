import { and, eq, isNull } from "drizzle-orm";
import { apiKeys } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { hasNul } from "~/utils/nul";
import { auditActor, type ApiKeyActor } from "./create-api-key.server";
import { actorCanManageApiKeys, API_KEYS_FORBIDDEN } from "./permissions.server";

/**
 * Revokes a key at once: the next request with it answers 401. The admin page names the key by
 * id; the command line by the prefix shown in lists (`eipp_` + 7), which must match one live key.
 * Staff must be AR admins; an operator at the command line is trusted.
 */
export async function revokeApiKey(input: ApiKeyActor & ({ keyId: string } | { prefix: string })): Promise<{ ok: boolean; forbidden?: boolean; message?: string }> {
  if ("staff" in input && !(await actorCanManageApiKeys(db, input.staff.userId))) return { ok: false, forbidden: true, message: API_KEYS_FORBIDDEN };
  const notFound = { ok: false, message: "This key does not exist or is already revoked." };
  // U+0000 would fail the query: no key has such an id.
  if (hasNul("keyId" in input ? input.keyId : input.prefix)) return notFound;
  const { by, ...actor } = auditActor(input);
  const which = "keyId" in input ? eq(apiKeys.id, input.keyId) : eq(apiKeys.prefix, input.prefix);
  return db.transaction(async (tx) => {
    const live = await tx.select({ id: apiKeys.id }).from(apiKeys).where(and(which, isNull(apiKeys.revokedAt))).for("update");
    if (live.length === 0) return { ok: false, message: "This key does not exist or is already revoked." };
    if (live.length > 1) return { ok: false, message: "Several live keys start with this prefix: revoke them in /admin/api-keys." };
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(eq(apiKeys.id, live[0]!.id))
      .returning({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix });
    await recordAudit(tx, { ...actor, action: "api_key.revoked", subjectType: "api_key", subjectId: row!.id, data: { name: row!.name, prefix: row!.prefix, ...by } });
    return { ok: true };
  });
}
