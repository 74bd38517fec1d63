import { and, asc, lt } from "drizzle-orm";
import { accountCredits, type CreditSource } from "#db/schema/terms";
import { db } from "~/db.server";
import { inReadersAccount, type ReadScope } from "~/modules/invoices/scope.server";

export interface PayerCredit {
  id: string;
  source: CreditSource;
  reason: string;
  currency: string;
  available: number;
  createdAt: Date;
}

/** The credits a payer's account has left to apply, oldest first (the invoice list's header), within the reader's scope. */
export async function payerCredits(scope: ReadScope, accountId: string): Promise<PayerCredit[]> {
  const rows = await db
    .select()
    .from(accountCredits)
    .where(and(inReadersAccount(scope, accountCredits.accountId, accountId), lt(accountCredits.amountApplied, accountCredits.amount)))
    .orderBy(asc(accountCredits.createdAt), asc(accountCredits.id))
    .limit(100);
  return rows.map((c) => ({ id: c.id, source: c.source, reason: c.reason, currency: c.currency, available: c.amount - c.amountApplied, createdAt: c.createdAt }));
}
