import { asc, eq, inArray } from "drizzle-orm";
import { users } from "#db/schema/accounts";
import { cadences, collectionProfiles, segments } from "#db/schema/collections";
import { db } from "~/db.server";
import { isStaffActor, type Actor } from "~/modules/auth/actor";
import { forbidden, type Problem } from "~/utils/problem";

export interface AppliedCadence {
  id: string | null;
  name: string | null;
  /** Why this cadence: set on the account, through its segment, or the default. */
  source: "account" | "segment" | "default";
}

/**
 * An account's collection profile as staff edit it, the cadence that applies and why (the
 * account's own, else its segment's, else the default), and the choices of the form.
 */
export async function getCollectionProfile(actor: Actor, accountId: string) {
  if (!isStaffActor(actor)) return forbidden("Only the AR team sees how an account is collected.") as Problem;
  const [[profile], { allSegments, allCadences, team }] = await Promise.all([db.select().from(collectionProfiles).where(eq(collectionProfiles.accountId, accountId)), choices()]);
  const cadenceName = (id: string | null | undefined) => allCadences.find((c) => c.id === id)?.name ?? null;
  const segmentCadenceId = allSegments.find((s) => s.name === profile?.segment)?.cadenceId ?? null;
  const fallback = allCadences.find((c) => c.isDefault) ?? null;
  const applied: AppliedCadence = profile?.cadenceId
    ? { id: profile.cadenceId, name: cadenceName(profile.cadenceId), source: "account" }
    : segmentCadenceId
      ? { id: segmentCadenceId, name: cadenceName(segmentCadenceId), source: "segment" }
      : { id: fallback?.id ?? null, name: fallback?.name ?? null, source: "default" };
  return {
    profile: {
      segment: profile?.segment ?? null,
      cadenceId: profile?.cadenceId ?? null,
      collectorId: profile?.collectorId ?? null,
      collectorName: team.find((t) => t.id === profile?.collectorId)?.name ?? null,
      onHold: profile?.onHold ?? false,
      holdReason: profile?.holdReason ?? null,
    },
    applied,
    segments: allSegments.map((s) => ({ name: s.name, cadenceName: cadenceName(s.cadenceId) })),
    cadences: allCadences,
    team,
  };
}

/** The worklist filters' choices: the segments and the AR team. */
export async function collectionChoices(actor: Actor): Promise<{ segments: string[]; team: Array<{ id: string; name: string }> } | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team sees the collection segments.");
  const { allSegments, team } = await choices();
  return { segments: allSegments.map((s) => s.name), team };
}

async function choices() {
  const [allSegments, allCadences, team] = await Promise.all([
    db.select({ name: segments.name, cadenceId: segments.cadenceId }).from(segments).orderBy(asc(segments.name)),
    db.select({ id: cadences.id, name: cadences.name, isDefault: cadences.isDefault }).from(cadences).orderBy(asc(cadences.name)),
    db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.role, ["ar_agent", "ar_admin"])).orderBy(asc(users.name)),
  ]);
  return { allSegments, allCadences, team };
}
