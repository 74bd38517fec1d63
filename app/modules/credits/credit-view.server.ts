import { asc, eq, inArray } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { invoices } from "#db/schema/invoices";
import { accountCredits, creditApplications, type AccountCredit } from "#db/schema/terms";
import type { Executor } from "~/db.server";
import type { AccountCreditOut } from "~/modules/api/schemas";

/** The API representation of credits (with the invoices each went to), read within `exec`. */
export async function creditViews(exec: Executor, credits: AccountCredit[]): Promise<AccountCreditOut[]> {
  if (credits.length === 0) return [];
  const [account] = await exec.select({ externalId: accounts.externalId }).from(accounts).where(eq(accounts.id, credits[0]!.accountId));
  const applied = await exec
    .select({ creditId: creditApplications.creditId, amount: creditApplications.amount, createdAt: creditApplications.createdAt, number: invoices.number, externalId: invoices.externalId })
    .from(creditApplications)
    .innerJoin(invoices, eq(invoices.id, creditApplications.invoiceId))
    .where(inArray(creditApplications.creditId, credits.map((c) => c.id)))
    .orderBy(asc(creditApplications.createdAt), asc(creditApplications.id));
  return credits.map((c) => ({
    id: c.id,
    external_id: c.externalId,
    customer_external_id: account?.externalId ?? null,
    source: c.source,
    currency: c.currency,
    amount: c.amount,
    amount_applied: c.amountApplied,
    available: c.amount - c.amountApplied,
    reason: c.reason,
    applications: applied.filter((a) => a.creditId === c.id).map((a) => ({ invoice_external_id: a.externalId, invoice_number: a.number, amount: a.amount, applied_at: a.createdAt.toISOString() })),
    created_at: c.createdAt.toISOString(),
  }));
}

export async function creditView(exec: Executor, creditId: string): Promise<AccountCreditOut> {
  const [credit] = await exec.select().from(accountCredits).where(eq(accountCredits.id, creditId));
  return (await creditViews(exec, [credit!]))[0]!;
}
