import { asc, eq } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { accountCredits } from "#db/schema/terms";
import { db } from "~/db.server";
import type { AccountCreditListOut } from "~/modules/api/schemas";
import type { Actor } from "~/modules/auth/actor";
import { checkExternalId, ingestRefusal, refusable, refuse, type Ingested } from "~/modules/ingest/result";
import type { Problem } from "~/utils/problem";
import { noCustomer } from "./create-credit.server";
import { creditViews } from "./credit-view.server";

/** GET /customers/{externalId}/credits: every credit of the customer (applied or not), oldest first. */
export async function listAccountCredits(actor: Actor, input: { externalId: string | undefined }): Promise<Ingested<AccountCreditListOut> | Problem> {
  return ingestRefusal(actor, "invoices:read") ?? refusable(() => list(input.externalId));
}

async function list(externalId: string | undefined): Promise<Ingested<AccountCreditListOut>> {
  const customerExternalId = checkExternalId(externalId);
  const [account] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.externalId, customerExternalId));
  if (!account) refuse(noCustomer(customerExternalId));
  const credits = await db.select().from(accountCredits).where(eq(accountCredits.accountId, account.id)).orderBy(asc(accountCredits.createdAt), asc(accountCredits.id));
  return { created: false, record: { data: await creditViews(db, credits) } };
}
