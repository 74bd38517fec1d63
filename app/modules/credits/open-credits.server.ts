import { and, asc, eq, lt } from "drizzle-orm";
import { accountCredits, type CreditSource } from "#db/schema/terms";
import type { Executor } from "~/db.server";

export interface OpenCredit {
  id: string;
  source: CreditSource;
  reason: string;
  currency: string;
  amount: number;
  applied: number;
  available: number;
  createdAt: Date;
}

/**
 * An account's credits that still have something to apply (optionally in one currency), oldest
 * first: the order the pay page and staff use them in.
 */
export async function openCredits(exec: Executor, accountId: string, currency?: string): Promise<OpenCredit[]> {
  const rows = await exec
    .select()
    .from(accountCredits)
    .where(and(eq(accountCredits.accountId, accountId), lt(accountCredits.amountApplied, accountCredits.amount), currency ? eq(accountCredits.currency, currency) : undefined))
    .orderBy(asc(accountCredits.createdAt), asc(accountCredits.id));
  return rows.map((c) => ({ id: c.id, source: c.source, reason: c.reason, currency: c.currency, amount: c.amount, applied: c.amountApplied, available: c.amount - c.amountApplied, createdAt: c.createdAt }));
}
