import { asc, eq } from "drizzle-orm";
import { cadenceSteps, cadences } from "#db/schema/collections";
import { db } from "~/db.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { conflict, forbidden, notFound, type Problem } from "~/utils/problem";
import { cadenceUsage } from "./cadence-usage.server";
import { CADENCE_NOT_FOUND, canConfigureCollections, COLLECTIONS_CONFIG_FORBIDDEN } from "./permissions";

/**
 * Deletes a cadence nobody follows: not the default, not named by an account or a segment
 * (deleting it would silently move those accounts to another cadence). AR admins only; audited
 * with the steps it had.
 */
export async function deleteCadence(actor: Actor, input: { cadenceId: string }): Promise<{ name: string } | Problem> {
  if (!canConfigureCollections(actor)) return forbidden(COLLECTIONS_CONFIG_FORBIDDEN);
  return db.transaction(async (tx) => {
    const [cadence] = await tx.select().from(cadences).where(eq(cadences.id, input.cadenceId)).for("update");
    if (!cadence) return notFound(CADENCE_NOT_FOUND);
    if (cadence.isDefault) return conflict(`${cadence.name} is the default cadence: make another one the default first.`);
    const usage = (await cadenceUsage(tx, [cadence.id])).get(cadence.id)!;
    const uses = [
      usage.direct > 0 ? `${usage.direct} account${usage.direct === 1 ? "" : "s"}` : null,
      usage.segments.length > 0 ? `the segment${usage.segments.length === 1 ? "" : "s"} ${usage.segments.join(", ")}` : null,
    ].filter(Boolean);
    if (uses.length > 0) return conflict(`${cadence.name} is in use by ${uses.join(" and ")}: give them another cadence first.`);
    const steps = await tx.select({ offsetDays: cadenceSteps.offsetDays, channel: cadenceSteps.channel, subject: cadenceSteps.subject }).from(cadenceSteps).where(eq(cadenceSteps.cadenceId, cadence.id)).orderBy(asc(cadenceSteps.offsetDays));
    await tx.delete(cadences).where(eq(cadences.id, cadence.id));
    await recordAudit(tx, { ...auditActor(actor), action: "cadence.deleted", subjectType: "cadence", subjectId: cadence.id, data: { name: cadence.name, description: cadence.description, steps } });
    return { name: cadence.name };
  });
}
