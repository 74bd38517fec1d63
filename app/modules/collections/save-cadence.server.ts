import { and, eq, ne, sql } from "drizzle-orm";
import { cadenceSteps, cadences } from "#db/schema/collections";
import { db } from "~/db.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { isUniqueViolation } from "~/modules/ingest/result";
import { conflict, forbidden, invalid, invalidField, notFound, type Problem } from "~/utils/problem";
import { cadenceFields } from "./cadence-forms";
import { CADENCE_NOT_FOUND, canConfigureCollections, COLLECTIONS_CONFIG_FORBIDDEN } from "./permissions";

export interface SaveCadenceInput {
  /** The cadence to rename or describe; absent to create one. */
  cadenceId?: string | null;
  name: string;
  description?: string | null;
  /** On create: start with a copy of this cadence's steps (absent: no steps yet). */
  copyFrom?: string | null;
}

const nameTaken = (name: string) => conflict(`A cadence called ${name} already exists.`, { fields: { name: `A cadence called ${name} already exists; choose another name.` } });

/** Creates a cadence, or renames and re-describes one. AR admins only; audited. */
export async function saveCadence(actor: Actor, input: SaveCadenceInput): Promise<{ cadenceId: string; created: boolean } | Problem> {
  if (!canConfigureCollections(actor)) return forbidden(COLLECTIONS_CONFIG_FORBIDDEN);
  const parsed = cadenceFields.safeParse({ name: input.name, description: input.description ?? undefined });
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.message;
    return invalid(Object.values(fields)[0]!, { fields });
  }
  const name = parsed.data.name;
  const description = parsed.data.description || null;
  try {
    return await db.transaction(async (tx) => {
      const [same] = await tx
        .select({ id: cadences.id })
        .from(cadences)
        .where(and(eq(sql`lower(${cadences.name})`, name.toLowerCase()), input.cadenceId ? ne(cadences.id, input.cadenceId) : undefined));
      if (same) return nameTaken(name);

      if (input.cadenceId) {
        const [before] = await tx.select().from(cadences).where(eq(cadences.id, input.cadenceId)).for("update");
        if (!before) return notFound(CADENCE_NOT_FOUND);
        if (before.name === name && before.description === description) return { cadenceId: before.id, created: false };
        await tx.update(cadences).set({ name, description, updatedAt: new Date() }).where(eq(cadences.id, before.id));
        await recordAudit(tx, {
          ...auditActor(actor),
          action: "cadence.updated",
          subjectType: "cadence",
          subjectId: before.id,
          data: { before: { name: before.name, description: before.description }, after: { name, description } },
        });
        return { cadenceId: before.id, created: false };
      }

      const copied = input.copyFrom ? await tx.select().from(cadenceSteps).where(eq(cadenceSteps.cadenceId, input.copyFrom)) : [];
      if (input.copyFrom && copied.length === 0) {
        const [source] = await tx.select({ id: cadences.id }).from(cadences).where(eq(cadences.id, input.copyFrom));
        if (!source) return invalidField("copyFrom", "Choose a cadence to copy the steps of, or start with no steps.");
      }
      const [row] = await tx.insert(cadences).values({ name, description }).returning({ id: cadences.id });
      if (copied.length > 0) {
        await tx.insert(cadenceSteps).values(copied.map((s) => ({ cadenceId: row!.id, offsetDays: s.offsetDays, channel: s.channel, subject: s.subject, body: s.body })));
      }
      await recordAudit(tx, {
        ...auditActor(actor),
        action: "cadence.created",
        subjectType: "cadence",
        subjectId: row!.id,
        data: { name, description, copiedFrom: input.copyFrom ?? null, steps: copied.map((s) => s.offsetDays).sort((a, b) => a - b) },
      });
      return { cadenceId: row!.id, created: true };
    });
  } catch (error) {
    // Two admins choosing the same name at once: the unique index decides.
    if (isUniqueViolation(error, "cadences_name_key")) return nameTaken(name);
    throw error;
  }
}
