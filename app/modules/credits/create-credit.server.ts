import { eq, sql } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { accountCredits } from "#db/schema/terms";
import { db } from "~/db.server";
import { AccountCreditInput, type AccountCreditOut } from "~/modules/api/schemas";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { actorUserId, type Actor } from "~/modules/auth/actor";
import { checkExternalId, ingestAudit, ingestRefusal, parseBody, refusable, refuse, type Ingested } from "~/modules/ingest/result";
import { conflict, Problem } from "~/utils/problem";
import { creditView } from "./credit-view.server";

export const noCustomer = (externalId: string) => new Problem("not_found", `No customer with the external id ${externalId}.`, { code: "not_found" });

/**
 * POST /customers/{externalId}/credits: gives the customer a credit to apply to its invoices
 * later. Idempotent by `external_id` when given: the same id and amount answer the credit that
 * exists; another amount (or another customer) is a conflict, never a second credit.
 */
export async function createAccountCredit(actor: Actor, input: { externalId: string | undefined; body: unknown }): Promise<Ingested<AccountCreditOut> | Problem> {
  return ingestRefusal(actor, "invoices:write") ?? refusable(() => create(actor, input));
}

async function create(actor: Actor, input: { externalId: string | undefined; body: unknown }): Promise<Ingested<AccountCreditOut>> {
  const customerExternalId = checkExternalId(input.externalId);
  const body = parseBody(AccountCreditInput, input.body);
  const creditExternalId = body.external_id ?? null;
  return db.transaction(async (tx) => {
    // Two calls with one external id wait for each other; the unique index backs it up.
    if (creditExternalId) await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`ingest:account_credit:${creditExternalId}`}))`);
    const [account] = await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.externalId, customerExternalId));
    if (!account) refuse(noCustomer(customerExternalId));
    if (creditExternalId) {
      const [previous] = await tx.select().from(accountCredits).where(eq(accountCredits.externalId, creditExternalId));
      if (previous) {
        if (previous.accountId !== account.id || previous.amount !== body.amount || previous.currency !== body.currency) {
          refuse(conflict(`Credit ${creditExternalId} already exists with a different customer, amount or currency.`, { code: "idempotency_conflict" }));
        }
        return { created: false, record: await creditView(tx, previous.id) };
      }
    }
    const [credit] = await tx
      .insert(accountCredits)
      .values({ accountId: account.id, externalId: creditExternalId, source: body.source, currency: body.currency, amount: body.amount, reason: body.reason, createdByUserId: actorUserId(actor) })
      .returning({ id: accountCredits.id });
    const { by, ...who } = ingestAudit(actor);
    await recordAudit(tx, { ...who, action: "credit.created", subjectType: "credit", subjectId: credit!.id, data: { ...by, customerExternalId, externalId: creditExternalId, source: body.source, amount: body.amount, currency: body.currency } });
    return { created: true, record: await creditView(tx, credit!.id) };
  });
}
