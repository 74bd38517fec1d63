import { eq } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { lateFeePolicies } from "#db/schema/terms";
import { db } from "~/db.server";
import { actorUserId, auditActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { forbidden, invalid, notFound, type Problem } from "~/utils/problem";
import { policyInput, samePolicy } from "./get-late-fee-policies.server";
import { lateFeePolicySchema, type AccountLateFeesInput } from "./late-fee-forms";
import { canEditLateFees, LATE_FEES_EDIT_FORBIDDEN } from "./permissions";

/**
 * Sets a customer's late fees: whether their contract allows them (no fee is ever charged
 * otherwise) and a policy of their own, or none to follow the default. Applies from the next run;
 * fees already posted stay. Saving it unchanged writes nothing. AR admins only.
 */
export async function setAccountLateFees(actor: Actor, input: Omit<AccountLateFeesInput, "intent"> & { accountId: string }): Promise<{ changed: boolean } | Problem> {
  if (!canEditLateFees(actor)) return forbidden(LATE_FEES_EDIT_FORBIDDEN);
  const own = input.own ? { ...input.own, enabled: true } : null;
  if (own && !lateFeePolicySchema.safeParse(own).success) return invalid("Check the policy: a percent policy needs a rate from 0.01 % to 100 %, a fixed one an amount, and the grace 0 to 365 days.");
  const userId = actorUserId(actor);
  return db.transaction(async (tx) => {
    const [account] = await tx.select({ id: accounts.id, allowed: accounts.lateFeesAllowed }).from(accounts).where(eq(accounts.id, input.accountId)).for("update");
    if (!account) return notFound("Customer not found.");
    const [row] = await tx.select().from(lateFeePolicies).where(eq(lateFeePolicies.accountId, account.id));
    const before = { allowed: account.allowed, own: row ? policyInput(row) : null };
    const after = { allowed: input.allowed, own };
    const ownChanged = !samePolicy(before.own, after.own);
    if (before.allowed === after.allowed && !ownChanged) return { changed: false };
    if (before.allowed !== after.allowed) await tx.update(accounts).set({ lateFeesAllowed: after.allowed }).where(eq(accounts.id, account.id));
    if (ownChanged) {
      if (!own) await tx.delete(lateFeePolicies).where(eq(lateFeePolicies.accountId, account.id));
      else if (row) await tx.update(lateFeePolicies).set({ ...own, updatedByUserId: userId, updatedAt: new Date() }).where(eq(lateFeePolicies.accountId, account.id));
      else await tx.insert(lateFeePolicies).values({ ...own, accountId: account.id, updatedByUserId: userId });
    }
    await recordAudit(tx, { ...auditActor(actor), action: "account.late_fees_updated", subjectType: "account", subjectId: account.id, data: { before, after } });
    return { changed: true };
  });
}
