import { asc, eq } from "drizzle-orm";
import { accountContacts, accounts, users } from "#db/schema/accounts";
import { db } from "~/db.server";
import { accountBalances } from "~/modules/invoices/account-balances.server";
import { notFound } from "~/utils/problem";

/** One customer with its contacts and balances, for the AR team (the route lets staff only in). */
export async function getCustomer(accountId: string) {
  const [account] = await db.select().from(accounts).where(eq(accounts.id, accountId)).limit(1);
  if (!account) return notFound("No such customer.");
  const [contacts, balances] = await Promise.all([
    db
      .select({ id: users.id, name: users.name, email: users.email, title: accountContacts.title, lastSignInAt: users.lastSignInAt, reminders: accountContacts.reminders, role: accountContacts.role, notifications: accountContacts.notifications })
      .from(accountContacts)
      .innerJoin(users, eq(users.id, accountContacts.userId))
      .where(eq(accountContacts.accountId, accountId))
      .orderBy(asc(users.name)),
    accountBalances({ kind: "staff" }, accountId),
  ]);
  return { account, contacts, balances };
}
