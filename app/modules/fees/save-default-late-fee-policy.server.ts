import { isNull } from "drizzle-orm";
import { lateFeePolicies } from "#db/schema/terms";
import { db } from "~/db.server";
import { actorUserId, auditActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { forbidden, invalid, type Problem } from "~/utils/problem";
import { policyInput, samePolicy } from "./get-late-fee-policies.server";
import { lateFeePolicySchema, type LateFeePolicyInput } from "./late-fee-forms";
import { canEditLateFees, LATE_FEES_EDIT_FORBIDDEN } from "./permissions";

/**
 * Saves the default late-fee policy (every customer whose contract allows fees and who has no
 * policy of their own follows it). It applies from the next run on; fees already posted stay.
 * Saving it unchanged writes nothing (no audit row). AR admins only.
 */
export async function saveDefaultLateFeePolicy(actor: Actor, input: LateFeePolicyInput): Promise<{ changed: boolean } | Problem> {
  if (!canEditLateFees(actor)) return forbidden(LATE_FEES_EDIT_FORBIDDEN);
  const parsed = lateFeePolicySchema.safeParse(input);
  if (!parsed.success) return invalid("Check the policy: a percent policy needs a rate from 0.01 % to 100 %, a fixed one an amount, and the grace 0 to 365 days.");
  const policy = parsed.data;
  const userId = actorUserId(actor);
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(lateFeePolicies).where(isNull(lateFeePolicies.accountId)).for("update");
    const before = row ? policyInput(row) : null;
    if (before && samePolicy(before, policy)) return { changed: false };
    let id = row?.id;
    if (row) await tx.update(lateFeePolicies).set({ ...policy, updatedByUserId: userId, updatedAt: new Date() }).where(isNull(lateFeePolicies.accountId));
    else [{ id }] = await tx.insert(lateFeePolicies).values({ ...policy, accountId: null, updatedByUserId: userId }).returning({ id: lateFeePolicies.id }) as [{ id: string }];
    await recordAudit(tx, { ...auditActor(actor), action: "late_fee_policy.updated", subjectType: "late_fee_policy", subjectId: id, data: { scope: "default", before, after: policy } });
    return { changed: true };
  });
}
