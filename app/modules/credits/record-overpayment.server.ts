import { accountCredits } from "#db/schema/terms";
import type { Tx } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";

/**
 * Money the customer paid that no invoice can take (a chargeback's reinstated money when its
 * invoices were paid again meanwhile) becomes an `overpayment` credit of the account, in the
 * caller's transaction, so it is applied to a later invoice or refunded instead of forgotten.
 */
export async function recordOverpaymentCredit(tx: Tx, input: { accountId: string; currency: string; amount: number; reason: string; subject: { type: string; id: string } }): Promise<string> {
  const [credit] = await tx.insert(accountCredits).values({ accountId: input.accountId, source: "overpayment", currency: input.currency, amount: input.amount, reason: input.reason }).returning({ id: accountCredits.id });
  await recordAudit(tx, { actorUserId: null, actorType: "system", action: "credit.created", subjectType: "credit", subjectId: credit!.id, data: { source: "overpayment", amount: input.amount, currency: input.currency, from: input.subject } });
  return credit!.id;
}
