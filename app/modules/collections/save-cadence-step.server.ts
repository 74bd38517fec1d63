import { and, eq, ne } from "drizzle-orm";
import { cadenceSteps, cadences } from "#db/schema/collections";
import { db } from "~/db.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { isUniqueViolation } from "~/modules/ingest/result";
import { conflict, forbidden, invalid, invalidField, notFound, type Problem } from "~/utils/problem";
import { stepFields } from "./cadence-forms";
import { CADENCE_NOT_FOUND, canConfigureCollections, COLLECTIONS_CONFIG_FORBIDDEN } from "./permissions";
import { stepLabel } from "./steps";

export interface SaveCadenceStepInput {
  cadenceId: string;
  /** The step to change; absent to add one. */
  stepId?: string | null;
  /** As typed ("-3", "+7", "14") or a number. */
  offsetDays: string | number;
  channel: string;
  subject: string;
  body?: string | null;
}

export const STEP_NOT_FOUND = "This step is no longer in the cadence.";

const offsetTaken = (offsetDays: number) => {
  const message = `The cadence already has a step on day ${stepLabel(offsetDays)}: edit that one, or choose another day.`;
  return conflict(message, { fields: { offsetDays: message } });
};

/**
 * Adds a step to a cadence or changes one: its day (−90…+365 from the due date, one step per day
 * in a cadence), channel and template. The engine reads steps at each run, so a change applies
 * from the next run; a step already sent for an invoice is not sent again (reminder_decisions
 * keys sends by invoice and day). AR admins only; audited with before and after.
 */
export async function saveCadenceStep(actor: Actor, input: SaveCadenceStepInput): Promise<{ stepId: string; created: boolean; offsetDays: number } | Problem> {
  if (!canConfigureCollections(actor)) return forbidden(COLLECTIONS_CONFIG_FORBIDDEN);
  const parsed = stepFields.safeParse({ offsetDays: String(input.offsetDays), channel: input.channel, subject: input.subject, body: input.body ?? undefined });
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.message;
    return invalid(Object.values(fields)[0]!, { fields });
  }
  const step = { ...parsed.data, body: parsed.data.body ?? "" };
  if (step.channel === "email" && step.body === "") return invalidField("body", "Write the email's message; the invoices and the pay link are listed below it.");

  try {
    return await db.transaction(async (tx) => {
      const [cadence] = await tx.select().from(cadences).where(eq(cadences.id, input.cadenceId)).for("update");
      if (!cadence) return notFound(CADENCE_NOT_FOUND);
      const [clash] = await tx
        .select({ id: cadenceSteps.id })
        .from(cadenceSteps)
        .where(and(eq(cadenceSteps.cadenceId, cadence.id), eq(cadenceSteps.offsetDays, step.offsetDays), input.stepId ? ne(cadenceSteps.id, input.stepId) : undefined));
      if (clash) return offsetTaken(step.offsetDays);
      const audit = { ...auditActor(actor), subjectType: "cadence", subjectId: cadence.id };

      if (input.stepId) {
        const [before] = await tx
          .select()
          .from(cadenceSteps)
          .where(and(eq(cadenceSteps.id, input.stepId), eq(cadenceSteps.cadenceId, cadence.id)));
        if (!before) return notFound(STEP_NOT_FOUND);
        const unchanged = before.offsetDays === step.offsetDays && before.channel === step.channel && before.subject === step.subject && before.body === step.body;
        if (unchanged) return { stepId: before.id, created: false, offsetDays: before.offsetDays };
        await tx.update(cadenceSteps).set(step).where(eq(cadenceSteps.id, before.id));
        await tx.update(cadences).set({ updatedAt: new Date() }).where(eq(cadences.id, cadence.id));
        await recordAudit(tx, {
          ...audit,
          action: "cadence.step_updated",
          data: { stepId: before.id, before: { offsetDays: before.offsetDays, channel: before.channel, subject: before.subject, body: before.body }, after: step },
        });
        return { stepId: before.id, created: false, offsetDays: step.offsetDays };
      }

      const [row] = await tx
        .insert(cadenceSteps)
        .values({ cadenceId: cadence.id, ...step })
        .returning({ id: cadenceSteps.id });
      await tx.update(cadences).set({ updatedAt: new Date() }).where(eq(cadences.id, cadence.id));
      await recordAudit(tx, { ...audit, action: "cadence.step_added", data: { stepId: row!.id, ...step } });
      return { stepId: row!.id, created: true, offsetDays: step.offsetDays };
    });
  } catch (error) {
    if (isUniqueViolation(error, "cadence_steps_offset_key")) return offsetTaken(step.offsetDays);
    throw error;
  }
}
