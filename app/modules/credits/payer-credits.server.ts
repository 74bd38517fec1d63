import { and, asc, lt, type SQL } from "drizzle-orm";
import { accountCredits, type CreditSource } from "#db/schema/terms";
import { db, prepared, type Db } from "~/db.server";
import { inPayersAccountPrepared, inReadersAccount, type ReadScope } from "~/modules/invoices/scope.server";

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
  // Payers (the invoice list's header on every visit) run it prepared; others as a plain query.
  const rows =
    scope.kind === "payer"
      ? await prepared("payer_credits", (pool) => creditsQuery(pool, inPayersAccountPrepared(accountCredits.accountId)).prepare("payer_credits")).execute({ userId: scope.userId, accountId })
      : await creditsQuery(db, inReadersAccount(scope, accountCredits.accountId, accountId));
  return rows.map((c) => ({ id: c.id, source: c.source, reason: c.reason, currency: c.currency, available: c.amount - c.amountApplied, createdAt: c.createdAt }));
}

function creditsQuery(executor: Db, inAccount: SQL) {
  return executor
    .select()
    .from(accountCredits)
    .where(and(inAccount, lt(accountCredits.amountApplied, accountCredits.amount)))
    .orderBy(asc(accountCredits.createdAt), asc(accountCredits.id))
    .limit(100);
}
