import { and, eq, isNull } from "drizzle-orm";
import { apiKeys } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { hasNul } from "~/utils/nul";
import { conflict, forbidden, notFound, type Problem } from "~/utils/problem";
import { auditedBy } from "./create-api-key.server";
import { API_KEYS_FORBIDDEN, canManageApiKeys } from "./permissions.server";

const NO_SUCH_KEY = "This key does not exist or is already revoked.";

/**
 * Revokes a key at once: the next request with it answers 401. The admin page names the key by
 * id; the command line by the prefix shown in lists (`eipp_` + 7), which must match one live key.
 */
export async function revokeApiKey(actor: Actor, which: { keyId: string } | { prefix: string }): Promise<{ id: string; name: string; prefix: string } | Problem> {
  if (!canManageApiKeys(actor)) return forbidden(API_KEYS_FORBIDDEN);
  // U+0000 would fail the query: no key has such an id.
  if (hasNul("keyId" in which ? which.keyId : which.prefix)) return notFound(NO_SUCH_KEY);
  const where = "keyId" in which ? eq(apiKeys.id, which.keyId) : eq(apiKeys.prefix, which.prefix);
  return db.transaction(async (tx) => {
    const live = await tx.select({ id: apiKeys.id }).from(apiKeys).where(and(where, isNull(apiKeys.revokedAt))).for("update");
    if (live.length === 0) return notFound(NO_SUCH_KEY);
    if (live.length > 1) return conflict("Several live keys start with this prefix: revoke them in /admin/api-keys.");
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(eq(apiKeys.id, live[0]!.id))
      .returning({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix });
    await recordAudit(tx, { ...auditActor(actor), action: "api_key.revoked", subjectType: "api_key", subjectId: row!.id, data: { name: row!.name, prefix: row!.prefix, ...auditedBy(actor) } });
    return row!;
  });
}
