import { and, count, eq, inArray, isNull, sql } from "drizzle-orm";
import { cadences, collectionProfiles, segments } from "#db/schema/collections";
import type { Executor } from "~/db.server";

export interface CadenceUsage {
  /** Accounts whose profile names this cadence. */
  direct: number;
  /** Accounts without a cadence of their own whose segment names this cadence. */
  viaSegments: number;
  /** Segments that name this cadence. */
  segments: string[];
}

/** How many accounts follow each cadence, directly and through their segment (one query each). */
export async function cadenceUsage(executor: Executor, cadenceIds: string[]): Promise<Map<string, CadenceUsage>> {
  const usage = new Map<string, CadenceUsage>(cadenceIds.map((id) => [id, { direct: 0, viaSegments: 0, segments: [] }]));
  if (cadenceIds.length === 0) return usage;
  const [direct, viaSegments, named] = await Promise.all([
    executor
      .select({ cadenceId: collectionProfiles.cadenceId, n: count() })
      .from(collectionProfiles)
      .where(inArray(collectionProfiles.cadenceId, cadenceIds))
      .groupBy(collectionProfiles.cadenceId),
    executor
      .select({ cadenceId: segments.cadenceId, n: count() })
      .from(collectionProfiles)
      .innerJoin(segments, eq(segments.name, collectionProfiles.segment))
      .where(and(isNull(collectionProfiles.cadenceId), inArray(segments.cadenceId, cadenceIds)))
      .groupBy(segments.cadenceId),
    executor.select({ cadenceId: segments.cadenceId, name: segments.name }).from(segments).where(inArray(segments.cadenceId, cadenceIds)).orderBy(sql`lower(${segments.name})`),
  ]);
  for (const row of direct) usage.get(row.cadenceId!)!.direct = row.n;
  for (const row of viaSegments) usage.get(row.cadenceId!)!.viaSegments = row.n;
  for (const row of named) usage.get(row.cadenceId!)!.segments.push(row.name);
  return usage;
}

/** The default cadence's id (the migration makes one; an admin may choose another). */
export async function defaultCadenceId(executor: Executor): Promise<string | null> {
  const [row] = await executor.select({ id: cadences.id }).from(cadences).where(eq(cadences.isDefault, true));
  return row?.id ?? null;
}
