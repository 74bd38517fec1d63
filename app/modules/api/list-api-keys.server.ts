import { desc } from "drizzle-orm";
import { apiKeys } from "#db/schema/integrations";
import { db } from "~/db.server";
import { isStaffActor, type Actor } from "~/modules/auth/actor";
import { notFound } from "~/utils/problem";

/** Every key, newest first, without its hash, for staff (only admins create or revoke them). */
export async function listApiKeys(actor: Actor) {
  if (!isStaffActor(actor)) return notFound();
  return db
    .select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, scopes: apiKeys.scopes, createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .orderBy(desc(apiKeys.createdAt));
}
