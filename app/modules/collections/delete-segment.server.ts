import { count, eq } from "drizzle-orm";
import { collectionProfiles, segments } from "#db/schema/collections";
import { db } from "~/db.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { forbidden, notFound, type Problem } from "~/utils/problem";
import { canConfigureCollections, COLLECTIONS_CONFIG_FORBIDDEN } from "./permissions";
import { SEGMENT_NOT_FOUND } from "./save-segment.server";

/**
 * Deletes a segment. Its accounts keep their profile without a segment (the foreign key sets it
 * to null): they follow their own cadence or the default one; the answer says how many. AR admins only.
 */
export async function deleteSegment(actor: Actor, input: { segment: string }): Promise<{ name: string; accounts: number } | Problem> {
  if (!canConfigureCollections(actor)) return forbidden(COLLECTIONS_CONFIG_FORBIDDEN);
  return db.transaction(async (tx) => {
    const [segment] = await tx.select().from(segments).where(eq(segments.name, input.segment)).for("update");
    if (!segment) return notFound(SEGMENT_NOT_FOUND);
    const [carried] = await tx.select({ n: count() }).from(collectionProfiles).where(eq(collectionProfiles.segment, segment.name));
    await tx.delete(segments).where(eq(segments.name, segment.name));
    await recordAudit(tx, { ...auditActor(actor), action: "segment.deleted", subjectType: "segment", subjectId: segment.name, data: { cadenceId: segment.cadenceId, accounts: carried?.n ?? 0 } });
    return { name: segment.name, accounts: carried?.n ?? 0 };
  });
}
