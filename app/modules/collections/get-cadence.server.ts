import { asc, eq } from "drizzle-orm";
import { cadenceSteps, cadences, type Cadence, type CadenceStep } from "#db/schema/collections";
import { db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { forbidden, notFound, type Problem } from "~/utils/problem";
import { cadenceUsage, type CadenceUsage } from "./cadence-usage.server";
import { CADENCE_NOT_FOUND, canViewCollections, COLLECTIONS_VIEW_FORBIDDEN } from "./permissions";

export interface CadenceDetail {
  cadence: Cadence;
  steps: CadenceStep[];
  usage: CadenceUsage;
}

/** One cadence with its steps (by day) and who follows it; agents may look, admins edit. */
export async function getCadence(actor: Actor, cadenceId: string): Promise<CadenceDetail | Problem> {
  if (!canViewCollections(actor)) return forbidden(COLLECTIONS_VIEW_FORBIDDEN);
  if (cadenceId.length > 100 || cadenceId.includes("\u0000")) return notFound(CADENCE_NOT_FOUND);
  const [cadence] = await db.select().from(cadences).where(eq(cadences.id, cadenceId));
  if (!cadence) return notFound(CADENCE_NOT_FOUND);
  const steps = await db.select().from(cadenceSteps).where(eq(cadenceSteps.cadenceId, cadenceId)).orderBy(asc(cadenceSteps.offsetDays));
  const usage = (await cadenceUsage(db, [cadenceId])).get(cadenceId)!;
  return { cadence, steps, usage };
}
