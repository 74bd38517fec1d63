import { eq, or, sql } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { db } from "~/db.server";
import { today } from "~/utils/clock";
import { invalidField, type Problem } from "~/utils/problem";
import { filterMonths, type AnalyticsFilters } from "./analytics-query";
import type { ReceivablesScope } from "./receivables-source.server";

export interface ResolvedAnalytics {
  scope: ReceivablesScope;
  asOf: string;
  months: number;
  /** The customer the `customer` filter named, when it did. */
  customer: { id: string; number: string; name: string } | null;
}

/**
 * The filters as a scope: the currency (else the book's busiest one, `bookCurrencies`), today when no as-of date is given, and the `customer` filter (an account's number or
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
  return (await bookCurrencies())[0] ?? "USD";
}

/**
 * The currencies of the book, the busiest first (most rollup rows: days and due dates with
 * activity). Read from the rollup, a few thousand rows, not the accounts (50 ms at 100,000); a
 * book with no invoice yet falls back to its accounts' currencies.
 */
export async function bookCurrencies(): Promise<string[]> {
  const rows = await db.execute<{ currency: string }>(sql`
    select currency from (
      select currency, count(*) as n from receivable_rollup group by currency
      union all
      select currency, count(*) from receivable_entries where not folded group by currency
    ) c group by currency order by sum(n) desc, currency`);
  if (rows.length > 0) return rows.map((r) => r.currency);
  const accounts = await db.execute<{ currency: string }>(sql`select currency from accounts group by currency order by count(*) desc, currency`);
  return accounts.map((r) => r.currency);
}
