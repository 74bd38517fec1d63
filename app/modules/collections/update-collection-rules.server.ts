import { collectionPolicies, type CollectionRules } from "#db/schema/collections";
import { db } from "~/db.server";
import { auditActor, actorUserId, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { forbidden, invalid, type Problem } from "~/utils/problem";
import { collectionRulesSchema } from "./cadence-forms";
import { canConfigureCollections, COLLECTIONS_CONFIG_FORBIDDEN } from "./permissions";
import { getCollectionRules } from "./rules.server";

/**
 * Saves the collection rules (longest promise, grace days, pay-link validity). They apply from
 * now on: promises and pay links already made keep the days they were made with. AR admins only.
 */
export async function updateCollectionRules(actor: Actor, input: CollectionRules): Promise<{ rules: CollectionRules } | Problem> {
  if (!canConfigureCollections(actor)) return forbidden(COLLECTIONS_CONFIG_FORBIDDEN);
  const parsed = collectionRulesSchema.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.message;
    return invalid(Object.values(fields)[0] ?? "Check the rules.", { fields });
  }
  const rules = parsed.data;
  const userId = actorUserId(actor);
  await db.transaction(async (tx) => {
    const before = await getCollectionRules(tx);
    await tx
      .insert(collectionPolicies)
      .values({ id: "default", rules, updatedByUserId: userId })
      .onConflictDoUpdate({ target: collectionPolicies.id, set: { rules, updatedByUserId: userId, updatedAt: new Date() } });
    await recordAudit(tx, { ...auditActor(actor), action: "collection_policy.updated", subjectType: "collection_policy", subjectId: "default", data: { before, after: rules } });
  });
  return { rules };
}
