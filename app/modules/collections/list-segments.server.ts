import { asc, count, sql } from "drizzle-orm";
import { cadences, collectionProfiles, segments } from "#db/schema/collections";
import { db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { forbidden, type Problem } from "~/utils/problem";
import { canViewCollections, COLLECTIONS_VIEW_FORBIDDEN } from "./permissions";

export interface SegmentSummary {
  name: string;
  /** The cadence its accounts follow (unless they have their own); null = the default cadence. */
  cadenceId: string | null;
  cadenceName: string | null;
  accounts: number;
}

/** Every segment with its cadence and how many accounts carry it, by name. */
export async function listSegments(actor: Actor): Promise<SegmentSummary[] | Problem> {
  if (!canViewCollections(actor)) return forbidden(COLLECTIONS_VIEW_FORBIDDEN);
  const [rows, counts, names] = await Promise.all([
    db.select({ name: segments.name, cadenceId: segments.cadenceId }).from(segments).orderBy(asc(sql`lower(${segments.name})`), asc(segments.name)),
    db.select({ segment: collectionProfiles.segment, n: count() }).from(collectionProfiles).where(sql`${collectionProfiles.segment} is not null`).groupBy(collectionProfiles.segment),
    db.select({ id: cadences.id, name: cadences.name }).from(cadences),
  ]);
  const accountsIn = new Map(counts.map((c) => [c.segment!, c.n]));
  const cadenceName = new Map(names.map((c) => [c.id, c.name]));
  return rows.map((s) => ({ name: s.name, cadenceId: s.cadenceId, cadenceName: s.cadenceId ? (cadenceName.get(s.cadenceId) ?? null) : null, accounts: accountsIn.get(s.name) ?? 0 }));
}
