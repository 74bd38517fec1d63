import { and, asc, eq, gt } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { today } from "~/utils/clock";
import { accountScope, invoiceScope, type ReadScope } from "./scope.server";
import { agingBucket, daysPastDue, emptyAging } from "./status";
import type { Statement, StatementCurrencySection } from "./types";

/** Statement of account: every open item of one account, aged, per currency. Null → 404. */
export async function getStatement(scope: ReadScope, accountId: string): Promise<Statement | null> {
  const [account] = await db
    .select({ id: accounts.id, name: accounts.name, number: accounts.number, billingEmail: accounts.billingEmail })
    .from(accounts)
    .where(and(eq(accounts.id, accountId), accountScope(scope)))
    .limit(1);
  if (!account) return null;

  const day = today();
  const rows = await db
    .select({
      id: invoices.id,
      number: invoices.number,
      poNumber: invoices.poNumber,
      currency: invoices.currency,
      issueDate: invoices.issueDate,
      dueDate: invoices.dueDate,
      total: invoices.total,
      balance: invoices.balance,
    })
    .from(invoices)
    .where(and(invoiceScope(scope), eq(invoices.accountId, accountId), eq(invoices.status, "open"), gt(invoices.balance, 0)))
    .orderBy(asc(invoices.currency), asc(invoices.dueDate), asc(invoices.number));
  const sections = new Map<string, StatementCurrencySection>();
  for (const row of rows) {
    let section = sections.get(row.currency);
    if (!section) {
      section = { currency: row.currency, items: [], aging: emptyAging(), total: 0 };
      sections.set(row.currency, section);
    }
    const late = daysPastDue(row.dueDate, day);
    section.items.push({ ...row, daysPastDue: late });
    section.aging[agingBucket(late)] += row.balance;
    section.total += row.balance;
  }
  return { account, asOf: day, sections: [...sections.values()] };
}
