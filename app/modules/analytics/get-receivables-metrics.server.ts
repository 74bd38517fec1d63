import { eq } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { db } from "~/db.server";
import { ReceivablesMetricsQuery } from "~/modules/api/schemas";
import { hasScope, isStaffActor, type Actor } from "~/modules/auth/actor";
import { today } from "~/utils/clock";
import { forbidden, invalid, notFound, type Problem } from "~/utils/problem";
import { receivablesFiguresAt, type ReceivablesFigures } from "./receivables-figures.server";

/**
 * GET /api/v1/metrics/receivables: the receivables figures at `as_of` for `months` months in one
 * currency, optionally one customer's (by external id). For the AR team and keys with `metrics:read`.
 */
export async function getReceivablesMetrics(actor: Actor, query: Record<string, string>): Promise<ReceivablesFigures | Problem> {
  if (!isStaffActor(actor) && !hasScope(actor, "metrics:read")) return forbidden("Receivables figures are for the AR team and API keys with metrics:read.");
  const parsed = ReceivablesMetricsQuery.safeParse(query);
  if (!parsed.success) {
    const fields = Object.fromEntries(parsed.error.issues.map((i) => [i.path.join(".") || "query", i.message]));
    return invalid(`The query is not valid: ${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join("; ")}`, { fields, code: "invalid_request" });
  }
  const { as_of: asOf = today(), months = 1, currency, customer } = parsed.data;
  let accountId: string | null = null;
  if (customer) {
    const [account] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.externalId, customer));
    if (!account) return notFound(`No customer has external id ${customer}.`);
    accountId = account.id;
  }
  return receivablesFiguresAt({ currency, accountId }, asOf, months);
}
