import { eq, or, sql } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { db } from "~/db.server";
import { today } from "~/utils/clock";
import { invalidField, type Problem } from "~/utils/problem";
import { filterMonths, type AnalyticsFilters } from "./analytics-filters";
import type { ReceivablesScope } from "./receivables-source.server";

export interface ResolvedAnalytics {
  scope: ReceivablesScope;
  asOf: string;
  months: number;
  /** The customer the `customer` filter named, when it did. */
  customer: { id: string; number: string; name: string } | null;
}

/**
 * The filters as a scope: the currency (else the book's main one: the currency most accounts
 * use), today when no as-of date is given, and the `customer` filter (an account's number or
 * external id) resolved to its account; an unknown customer is refused, not ignored.
 */
export async function resolveAnalyticsScope(filters: AnalyticsFilters): Promise<ResolvedAnalytics | Problem> {
  let customer: ResolvedAnalytics["customer"] = null;
  if (filters.customer) {
    const [account] = await db
      .select({ id: accounts.id, number: accounts.number, name: accounts.name })
      .from(accounts)
      .where(or(eq(accounts.number, filters.customer), eq(accounts.externalId, filters.customer)))
      .limit(1);
    if (!account) return invalidField("customer", `No customer has the number or external id "${filters.customer}".`);
    customer = account;
  }
  const currency = filters.currency ?? (await mainCurrency());
  return {
    scope: { currency, accountId: customer?.id ?? null, segment: filters.segment ?? null, collectorId: filters.collector ?? null },
    asOf: filters.as_of ?? today(),
    months: filterMonths(filters),
    customer,
  };
}

async function mainCurrency(): Promise<string> {
  const [row] = await db.execute<{ currency: string }>(sql`select currency from accounts group by currency order by count(*) desc, currency limit 1`);
  return row?.currency ?? "USD";
}
