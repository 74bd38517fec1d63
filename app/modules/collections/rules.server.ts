import { eq } from "drizzle-orm";
import { collectionPolicies, defaultCollectionRules, type CollectionRules } from "#db/schema/collections";
import { db, type Executor } from "~/db.server";

/** The AR team's collection rules (the defaults until an admin saves them). */
export async function getCollectionRules(executor: Executor = db): Promise<CollectionRules> {
  const [row] = await executor.select({ rules: collectionPolicies.rules }).from(collectionPolicies).where(eq(collectionPolicies.id, "default"));
  return { ...defaultCollectionRules, ...(row?.rules ?? {}) };
}
