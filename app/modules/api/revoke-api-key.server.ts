import { and, eq, isNull } from "drizzle-orm";
import { apiKeys } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { hasNul } from "~/utils/nul";
import { actorCanManageApiKeys, API_KEYS_FORBIDDEN } from "./permissions.server";

/** Revokes a key at once: the next request with it answers 401. */
export async function revokeApiKey(input: { staff: { userId: string; ip: string | null }; keyId: string }): Promise<{ ok: boolean; forbidden?: boolean; message?: string }> {
  if (!(await actorCanManageApiKeys(db, input.staff.userId))) return { ok: false, forbidden: true, message: API_KEYS_FORBIDDEN };
  const notFound = { ok: false, message: "This key does not exist or is already revoked." };
  // U+0000 would fail the query: no key has such an id.
  if (hasNul(input.keyId)) return notFound;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKeys.id, input.keyId), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix });
    if (!row) return notFound;
    await recordAudit(tx, { actorUserId: input.staff.userId, actorType: "user", action: "api_key.revoked", subjectType: "api_key", subjectId: row.id, ip: input.staff.ip, data: { name: row.name, prefix: row.prefix } });
    return { ok: true };
  });
}
