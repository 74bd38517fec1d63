import { and, eq, inArray, sql } from "drizzle-orm";
import { accounts, users } from "#db/schema/accounts";
import { cadences, collectionProfiles, segments } from "#db/schema/collections";
import { db } from "~/db.server";
import { auditActor, isStaffActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { freeTextProblem, singleLineProblem } from "~/utils/text";
import { forbidden, invalidField, notFound, type Problem } from "~/utils/problem";

export interface CollectionProfileInput {
  accountId: string;
  /** An existing segment's name (any case) or a new one; null = no segment. */
  segment: string | null;
  /** null = the segment's cadence, else the default. */
  cadenceId: string | null;
  collectorId: string | null;
  onHold: boolean;
  holdReason: string | null;
}

/**
 * How the AR team collects one account: segment (a new name creates the segment, with no cadence
 * of its own), cadence, collector, and a hold that stops reminders. Upserts the profile row.
 */
export async function setCollectionProfile(actor: Actor, input: CollectionProfileInput): Promise<{ accountId: string; changed: boolean } | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team changes how an account is collected.");
  const segmentName = input.segment?.trim() || null;
  if (segmentName) {
    if (segmentName.length > 60) return invalidField("segment", "Keep the segment name under 60 characters.");
    const problem = singleLineProblem(segmentName);
    if (problem) return invalidField("segment", problem);
  }
  const holdReason = input.onHold ? input.holdReason?.trim() || null : null;
  if (input.onHold && !holdReason) return invalidField("holdReason", "Say why the account is on hold (the team sees it on the worklist).");
  if (holdReason) {
    if (holdReason.length > 500) return invalidField("holdReason", "Keep the reason under 500 characters.");
    const problem = freeTextProblem(holdReason);
    if (problem) return invalidField("holdReason", problem);
  }
  if (input.accountId.length > 40) return notFound("No such customer.");
  if (input.cadenceId && input.cadenceId.length > 40) return invalidField("cadenceId", "Choose a cadence.");
  if (input.collectorId && input.collectorId.length > 40) return invalidField("collectorId", "Choose a member of the AR team.");

  return db.transaction(async (tx) => {
    const [account] = await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, input.accountId));
    if (!account) return notFound("No such customer.");
    if (input.cadenceId) {
      const [cadence] = await tx.select({ id: cadences.id }).from(cadences).where(eq(cadences.id, input.cadenceId));
      if (!cadence) return invalidField("cadenceId", "Choose a cadence.");
    }
    if (input.collectorId) {
      const [staff] = await tx.select({ id: users.id }).from(users).where(and(eq(users.id, input.collectorId), inArray(users.role, ["ar_agent", "ar_admin"])));
      if (!staff) return invalidField("collectorId", "Choose a member of the AR team.");
    }
    // "gentle payers" names the existing "Gentle payers": one segment, however it is typed.
    const [existing] = segmentName ? await tx.select({ name: segments.name }).from(segments).where(sql`lower(${segments.name}) = lower(${segmentName})`).limit(1) : [];
    const segment = existing?.name ?? segmentName;
    const [before] = await tx.select().from(collectionProfiles).where(eq(collectionProfiles.accountId, account.id)).for("update");
    const was = { segment: before?.segment ?? null, cadenceId: before?.cadenceId ?? null, collectorId: before?.collectorId ?? null, onHold: before?.onHold ?? false, holdReason: before?.holdReason ?? null };
    const after = { segment, cadenceId: input.cadenceId, collectorId: input.collectorId, onHold: input.onHold, holdReason };
    // Saving what is already there writes nothing (no row, no audit entry).
    if ((Object.keys(after) as Array<keyof typeof after>).every((key) => after[key] === was[key])) return { accountId: account.id, changed: false };
    if (segment && !existing) await tx.insert(segments).values({ name: segment }).onConflictDoNothing();
    const values = { ...after, updatedAt: new Date() };
    await tx
      .insert(collectionProfiles)
      .values({ accountId: account.id, ...values })
      .onConflictDoUpdate({ target: collectionProfiles.accountId, set: values });
    await recordAudit(tx, { ...auditActor(actor), action: "collection_profile.updated", subjectType: "account", subjectId: account.id, data: { before: before ? was : null, after } });
    return { accountId: account.id, changed: true };
  });
}
