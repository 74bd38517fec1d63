import { eq, sql } from "drizzle-orm";
import { cadences } from "#db/schema/collections";
import { db } from "~/db.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { forbidden, notFound, type Problem } from "~/utils/problem";
import { CADENCE_NOT_FOUND, canConfigureCollections, COLLECTIONS_CONFIG_FORBIDDEN } from "./permissions";

/**
 * Makes a cadence the default: every account without a cadence of its own or its segment's
 * follows it from the next run. Exactly one default (a partial unique index), swapped in one
 * transaction.
 */
export async function setDefaultCadence(actor: Actor, input: { cadenceId: string }): Promise<{ cadenceId: string; previousId: string | null } | Problem> {
  if (!canConfigureCollections(actor)) return forbidden(COLLECTIONS_CONFIG_FORBIDDEN);
  return db.transaction(async (tx) => {
    // Two admins choosing different defaults at once: one after the other, never two defaults.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('collections:default-cadence'))`);
    const [cadence] = await tx.select().from(cadences).where(eq(cadences.id, input.cadenceId)).for("update");
    if (!cadence) return notFound(CADENCE_NOT_FOUND);
    const [previous] = await tx.select({ id: cadences.id }).from(cadences).where(eq(cadences.isDefault, true)).for("update");
    if (previous?.id === cadence.id) return { cadenceId: cadence.id, previousId: cadence.id };
    if (previous) await tx.update(cadences).set({ isDefault: false, updatedAt: new Date() }).where(eq(cadences.id, previous.id));
    await tx.update(cadences).set({ isDefault: true, updatedAt: new Date() }).where(eq(cadences.id, cadence.id));
    await recordAudit(tx, { ...auditActor(actor), action: "cadence.made_default", subjectType: "cadence", subjectId: cadence.id, data: { name: cadence.name, previousDefaultId: previous?.id ?? null } });
    return { cadenceId: cadence.id, previousId: previous?.id ?? null };
  });
}
