import { and, eq, ne, sql } from "drizzle-orm";
import { cadences, segments } from "#db/schema/collections";
import { db } from "~/db.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { isUniqueViolation } from "~/modules/ingest/result";
import { conflict, forbidden, invalidField, notFound, type Problem } from "~/utils/problem";
import { segmentName } from "./cadence-forms";
import { canConfigureCollections, COLLECTIONS_CONFIG_FORBIDDEN } from "./permissions";

export interface SaveSegmentInput {
  /** The segment to rename or re-point; absent to create one. */
  segment?: string | null;
  name: string;
  /** Its accounts' cadence; null = the default cadence. */
  cadenceId: string | null;
}

export const SEGMENT_NOT_FOUND = "Segment not found.";

const nameTaken = (name: string) => {
  const message = `A segment called ${name} already exists.`;
  return conflict(message, { fields: { name: message } });
};

/**
 * Creates a segment or changes one: its name (the accounts carrying it follow the rename: the
 * profiles' foreign key cascades) and the cadence its accounts follow unless they have their
 * own. Names are unique whatever their case, as the API and the CSV import find them. AR admins only.
 */
export async function saveSegment(actor: Actor, input: SaveSegmentInput): Promise<{ name: string; created: boolean } | Problem> {
  if (!canConfigureCollections(actor)) return forbidden(COLLECTIONS_CONFIG_FORBIDDEN);
  const parsed = segmentName.safeParse(input.name);
  if (!parsed.success) return invalidField("name", parsed.error.issues[0]!.message);
  const name = parsed.data;
  try {
    return await db.transaction(async (tx) => {
      if (input.cadenceId) {
        const [cadence] = await tx.select({ id: cadences.id }).from(cadences).where(eq(cadences.id, input.cadenceId));
        if (!cadence) return invalidField("cadenceId", "Choose a cadence from the list.");
      }
      const [same] = await tx
        .select({ name: segments.name })
        .from(segments)
        .where(and(eq(sql`lower(${segments.name})`, name.toLowerCase()), input.segment ? ne(segments.name, input.segment) : undefined));
      if (same) return nameTaken(same.name);
      const audit = { ...auditActor(actor), subjectType: "segment" };

      if (input.segment) {
        const [before] = await tx.select().from(segments).where(eq(segments.name, input.segment)).for("update");
        if (!before) return notFound(SEGMENT_NOT_FOUND);
        if (before.name === name && before.cadenceId === input.cadenceId) return { name, created: false };
        await tx.update(segments).set({ name, cadenceId: input.cadenceId }).where(eq(segments.name, before.name));
        await recordAudit(tx, { ...audit, action: "segment.updated", subjectId: name, data: { before: { name: before.name, cadenceId: before.cadenceId }, after: { name, cadenceId: input.cadenceId } } });
        return { name, created: false };
      }

      await tx.insert(segments).values({ name, cadenceId: input.cadenceId });
      await recordAudit(tx, { ...audit, action: "segment.created", subjectId: name, data: { name, cadenceId: input.cadenceId } });
      return { name, created: true };
    });
  } catch (error) {
    if (isUniqueViolation(error, "segments_pkey")) return nameTaken(name);
    throw error;
  }
}
