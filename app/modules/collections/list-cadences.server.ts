import { asc, desc, sql } from "drizzle-orm";
import { cadenceSteps, cadences } from "#db/schema/collections";
import type { StepChannel } from "#db/schema/collection-values";
import { db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { forbidden, type Problem } from "~/utils/problem";
import { cadenceUsage, type CadenceUsage } from "./cadence-usage.server";
import { canViewCollections, COLLECTIONS_VIEW_FORBIDDEN } from "./permissions";

export interface CadenceSummary {
  id: string;
  name: string;
  description: string | null;
  isDefault: boolean;
  steps: Array<{ offsetDays: number; channel: StepChannel }>;
  usage: CadenceUsage;
}

/** Every cadence with its steps' days and how many accounts follow it: the default first, then by name. */
export async function listCadences(actor: Actor): Promise<CadenceSummary[] | Problem> {
  if (!canViewCollections(actor)) return forbidden(COLLECTIONS_VIEW_FORBIDDEN);
  const rows = await db.select().from(cadences).orderBy(desc(cadences.isDefault), asc(sql`lower(${cadences.name})`));
  const steps = await db.select({ cadenceId: cadenceSteps.cadenceId, offsetDays: cadenceSteps.offsetDays, channel: cadenceSteps.channel }).from(cadenceSteps).orderBy(asc(cadenceSteps.offsetDays));
  const usage = await cadenceUsage(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((c) => ({
    id: c.id,
    name: c.name,
    description: c.description,
    isDefault: c.isDefault,
    steps: steps.filter((s) => s.cadenceId === c.id).map(({ offsetDays, channel }) => ({ offsetDays, channel })),
    usage: usage.get(c.id)!,
  }));
}
