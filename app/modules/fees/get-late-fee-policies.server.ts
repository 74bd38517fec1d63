import { eq, isNull, or } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { lateFeePolicies, type LateFeePolicy } from "#db/schema/terms";
import { db, type Executor } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { forbidden, notFound, type Problem } from "~/utils/problem";
import type { LateFeePolicyInput } from "./late-fee-forms";
import { canEditLateFees, canViewLateFees, LATE_FEES_VIEW_FORBIDDEN } from "./permissions";

export const policyInput = (row: LateFeePolicy): LateFeePolicyInput => ({
  enabled: row.enabled,
  kind: row.kind,
  rateBps: row.rateBps,
  fixedAmount: row.fixedAmount,
  graceDays: row.graceDays,
  capPerInvoice: row.capPerInvoice,
  capPerAccount: row.capPerAccount,
});

/** The default policy's row (account_id null), if the AR team has set one. */
export async function readDefaultPolicy(exec: Executor): Promise<LateFeePolicy | null> {
  const [row] = await exec.select().from(lateFeePolicies).where(isNull(lateFeePolicies.accountId));
  return row ?? null;
}

/** The default late-fee policy, for the AR team (agents see it; admins may change it). */
export async function getDefaultLateFeePolicy(actor: Actor): Promise<{ policy: LateFeePolicyInput | null; updatedAt: string | null; canEdit: boolean } | Problem> {
  if (!canViewLateFees(actor)) return forbidden(LATE_FEES_VIEW_FORBIDDEN);
  const row = await readDefaultPolicy(db);
  return { policy: row ? policyInput(row) : null, updatedAt: row ? row.updatedAt.toISOString() : null, canEdit: canEditLateFees(actor) };
}

export interface AccountLateFees {
  allowed: boolean;
  own: LateFeePolicyInput | null;
  fallback: LateFeePolicyInput | null;
  canEdit: boolean;
}

/** A customer's late fees: whether their contract allows them, their own policy, and the default it falls back to. */
export async function getAccountLateFees(actor: Actor, accountId: string): Promise<AccountLateFees | Problem> {
  if (!canViewLateFees(actor)) return forbidden(LATE_FEES_VIEW_FORBIDDEN);
  const [account] = await db.select({ allowed: accounts.lateFeesAllowed }).from(accounts).where(eq(accounts.id, accountId));
  if (!account) return notFound("Customer not found.");
  const rows = await db
    .select()
    .from(lateFeePolicies)
    .where(or(eq(lateFeePolicies.accountId, accountId), isNull(lateFeePolicies.accountId)));
  const own = rows.find((r) => r.accountId === accountId);
  const fallback = rows.find((r) => r.accountId === null);
  return { allowed: account.allowed, own: own ? policyInput(own) : null, fallback: fallback ? policyInput(fallback) : null, canEdit: canEditLateFees(actor) };
}

/** Whether two policies charge the same (what "saved unchanged" compares). */
export function samePolicy(a: LateFeePolicyInput | null, b: LateFeePolicyInput | null): boolean {
  if (a === null || b === null) return a === b;
  return (Object.keys(a) as Array<keyof LateFeePolicyInput>).every((key) => a[key] === b[key]);
}
