import { sql, type SQL } from "drizzle-orm";
import { accountContacts, accounts } from "#db/schema/accounts";
import { invoices } from "#db/schema/invoices";

/** Who is reading: a payer (bound to their accounts) or AR staff (all accounts). */
export type ReadScope = { kind: "payer"; userId: string } | { kind: "staff" };

/**
 * The tenant filter every invoice query carries in its WHERE clause: a payer only ever
 * reaches invoices of accounts they are a contact of.
 */
export function invoiceScope(scope: ReadScope): SQL {
  if (scope.kind === "staff") return sql`true`;
  return sql`${invoices.accountId} in (select ${accountContacts.accountId} from ${accountContacts} where ${accountContacts.userId} = ${scope.userId})`;
}

/**
 * The invoices of one account, if the reader may see it. For a payer the access check is made on
 * the account, not per invoice: Postgres runs it once (a one-time filter) instead of matching each
 * of the account's invoices (5,000 for a big one) against the payer's contacts.
 */
export function accountInvoicesScope(scope: ReadScope, accountId: string): SQL {
  const ofAccount = sql`${invoices.accountId} = ${accountId}`;
  if (scope.kind === "staff") return ofAccount;
  return sql`${ofAccount} and exists (select 1 from ${accountContacts} where ${accountContacts.userId} = ${scope.userId} and ${accountContacts.accountId} = ${accountId})`;
}

/** The same filter for reading an account itself. */
export function accountScope(scope: ReadScope): SQL {
  if (scope.kind === "staff") return sql`true`;
  return sql`${accounts.id} in (select ${accountContacts.accountId} from ${accountContacts} where ${accountContacts.userId} = ${scope.userId})`;
}
