import { and, eq } from "drizzle-orm";
import { cadenceSteps, cadences } from "#db/schema/collections";
import { db } from "~/db.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { forbidden, notFound, type Problem } from "~/utils/problem";
import { CADENCE_NOT_FOUND, canConfigureCollections, COLLECTIONS_CONFIG_FORBIDDEN } from "./permissions";
import { STEP_NOT_FOUND } from "./save-cadence-step.server";

/**
 * Removes a step from a cadence. What the engine already sent for it stays in the log (the
 * decisions keep its day; their step id becomes empty). AR admins only; audited with the template.
 */
export async function deleteCadenceStep(actor: Actor, input: { cadenceId: string; stepId: string }): Promise<{ offsetDays: number } | Problem> {
  if (!canConfigureCollections(actor)) return forbidden(COLLECTIONS_CONFIG_FORBIDDEN);
  return db.transaction(async (tx) => {
    const [cadence] = await tx.select({ id: cadences.id }).from(cadences).where(eq(cadences.id, input.cadenceId)).for("update");
    if (!cadence) return notFound(CADENCE_NOT_FOUND);
    const [step] = await tx
      .delete(cadenceSteps)
      .where(and(eq(cadenceSteps.id, input.stepId), eq(cadenceSteps.cadenceId, cadence.id)))
      .returning();
    if (!step) return notFound(STEP_NOT_FOUND);
    await tx.update(cadences).set({ updatedAt: new Date() }).where(eq(cadences.id, cadence.id));
    await recordAudit(tx, {
      ...auditActor(actor),
      action: "cadence.step_removed",
      subjectType: "cadence",
      subjectId: cadence.id,
      data: { stepId: step.id, offsetDays: step.offsetDays, channel: step.channel, subject: step.subject, body: step.body },
    });
    return { offsetDays: step.offsetDays };
  });
}
