import { and, eq, inArray, sql } from "drizzle-orm";
import { users } from "#db/schema/accounts";
import { cadences, collectionProfiles, segments } from "#db/schema/collections";
import type { Executor } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import type { Actor } from "~/modules/auth/actor";
import { invalid } from "~/utils/problem";
import { ingestAudit, refuse } from "./result";

/** How the back office says how a customer is collected: undefined leaves a field alone, null clears it. */
export interface CollectionFields {
  segment?: string | null;
  cadence?: string | null;
  collector?: string | null;
}

const unknownField = (field: "cadence" | "collector", message: string) => invalid(message, { code: "invalid_request", fields: { [field]: message } });

/**
 * Writes the customer's segment, cadence and collector to its collection profile, inside the
 * upsert's transaction (a refusal rolls the whole upsert back). A segment is found by name
 * whatever its case, or created; a cadence must exist (by name, any case); the collector must be
 * AR staff. Returns what changed ("segment", "cadence", "collector").
 */
export async function applyCollectionFields(tx: Executor, actor: Actor, accountId: string, fields: CollectionFields): Promise<string[]> {
  if (fields.segment === undefined && fields.cadence === undefined && fields.collector === undefined) return [];
  const wanted: { segment?: string | null; cadenceId?: string | null; collectorId?: string | null } = {};

  if (fields.cadence !== undefined) {
    if (fields.cadence === null) wanted.cadenceId = null;
    else {
      const [cadence] = await tx.select({ id: cadences.id }).from(cadences).where(eq(sql`lower(${cadences.name})`, fields.cadence.toLowerCase()));
      if (!cadence) {
        const names = await tx.select({ name: cadences.name }).from(cadences).orderBy(cadences.name);
        refuse(unknownField("cadence", `No cadence is called "${fields.cadence}". Use one of: ${names.map((n) => n.name).join(", ")}.`));
      }
      wanted.cadenceId = cadence.id;
    }
  }
  if (fields.collector !== undefined) {
    if (fields.collector === null) wanted.collectorId = null;
    else {
      const [collector] = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(sql`lower(${users.email})`, fields.collector.toLowerCase()), inArray(users.role, ["ar_agent", "ar_admin"])));
      if (!collector) refuse(unknownField("collector", `${fields.collector} is not a member of the AR team.`));
      wanted.collectorId = collector.id;
    }
  }
  if (fields.segment !== undefined) {
    if (fields.segment === null) wanted.segment = null;
    else {
      const [segment] = await tx.select({ name: segments.name }).from(segments).where(eq(sql`lower(${segments.name})`, fields.segment.toLowerCase()));
      if (segment) wanted.segment = segment.name;
      else {
        // Two imports naming the same new segment at once: the second finds the first's.
        const [created] = await tx.insert(segments).values({ name: fields.segment }).onConflictDoNothing().returning({ name: segments.name });
        wanted.segment = created?.name ?? fields.segment;
        if (created) {
          const { by, ...who } = ingestAudit(actor);
          await recordAudit(tx, { ...who, action: "segment.created", subjectType: "segment", subjectId: created.name, data: { ...by, name: created.name, cadenceId: null, via: "ingest" } });
        }
      }
    }
  }

  const [before] = await tx.select().from(collectionProfiles).where(eq(collectionProfiles.accountId, accountId)).for("update");
  const changed: string[] = [];
  if (wanted.segment !== undefined && wanted.segment !== (before?.segment ?? null)) changed.push("segment");
  if (wanted.cadenceId !== undefined && wanted.cadenceId !== (before?.cadenceId ?? null)) changed.push("cadence");
  if (wanted.collectorId !== undefined && wanted.collectorId !== (before?.collectorId ?? null)) changed.push("collector");
  if (changed.length === 0) return [];
  await tx
    .insert(collectionProfiles)
    .values({ accountId, ...wanted })
    .onConflictDoUpdate({ target: collectionProfiles.accountId, set: { ...wanted, updatedAt: new Date() } });
  return changed;
}

/** The customer's collection fields as the API shows them. */
export async function collectionFieldsView(exec: Executor, accountId: string): Promise<{ segment: string | null; cadence: string | null; collector: string | null }> {
  const [row] = await exec
    .select({ segment: collectionProfiles.segment, cadence: cadences.name, collector: users.email })
    .from(collectionProfiles)
    .leftJoin(cadences, eq(cadences.id, collectionProfiles.cadenceId))
    .leftJoin(users, eq(users.id, collectionProfiles.collectorId))
    .where(eq(collectionProfiles.accountId, accountId));
  return { segment: row?.segment ?? null, cadence: row?.cadence ?? null, collector: row?.collector ?? null };
}
