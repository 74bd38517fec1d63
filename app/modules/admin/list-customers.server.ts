import { asc, count, eq, ilike, inArray, or, sql } from "drizzle-orm";
import { z } from "zod";
import { accountContacts, accounts } from "#db/schema/accounts";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { today } from "~/utils/clock";
import { containsPattern } from "~/utils/like-pattern";

export const CUSTOMERS_PAGE_SIZE = 25;

export const customerListQuery = z.object({
  q: z.string().trim().max(100).catch(""),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});


export interface CustomerBalance {
  currency: string;
  open: number;
  overdue: number;
}

/**
 * Customers for the AR team, searched by name, customer number or ERP id. Balances are
 * aggregated for the page's accounts only, so the cost follows the page, not the book.
 */
export async function listCustomers(query: z.infer<typeof customerListQuery>) {
  const term = query.q ? containsPattern(query.q) : undefined;
  const where = term ? or(ilike(accounts.name, term), ilike(accounts.number, term), ilike(accounts.externalId, term)) : undefined;
  const [page, [totals]] = await Promise.all([
    db
      .select({ id: accounts.id, name: accounts.name, number: accounts.number, externalId: accounts.externalId, billingEmail: accounts.billingEmail })
      .from(accounts)
      .where(where)
      .orderBy(asc(accounts.name), asc(accounts.id))
      .limit(CUSTOMERS_PAGE_SIZE)
      .offset((query.page - 1) * CUSTOMERS_PAGE_SIZE),
    db.select({ total: count() }).from(accounts).where(where),
  ]);
  const ids = page.map((a) => a.id);
  const day = today();
  const [balances, contacts] = ids.length
    ? await Promise.all([
        db
          .select({
            accountId: invoices.accountId,
            currency: invoices.currency,
            open: sql<string>`sum(${invoices.balance})`,
            // Invoices on a payment plan are paid through the plan: never counted as overdue.
            overdue: sql<string>`coalesce(sum(${invoices.balance}) filter (where ${invoices.dueDate} < ${day} and ${invoices.paymentPlanId} is null), 0)`,
          })
          .from(invoices)
          .where(sql`${inArray(invoices.accountId, ids)} and ${eq(invoices.status, "open")} and ${invoices.balance} > 0`)
          .groupBy(invoices.accountId, invoices.currency),
        db
          .select({ accountId: accountContacts.accountId, contacts: sql<number>`count(*)::int` })
          .from(accountContacts)
          .where(inArray(accountContacts.accountId, ids))
          .groupBy(accountContacts.accountId),
      ])
    : [[], []];
  const total = totals?.total ?? 0;
  return {
    rows: page.map((a) => ({
      ...a,
      contacts: contacts.find((c) => c.accountId === a.id)?.contacts ?? 0,
      balances: balances
        .filter((b) => b.accountId === a.id)
        .map((b): CustomerBalance => ({ currency: b.currency, open: Number(b.open), overdue: Number(b.overdue) })),
    })),
    total,
    page: query.page,
    pageCount: Math.max(1, Math.ceil(total / CUSTOMERS_PAGE_SIZE)),
  };
}
