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

/** The same filter for reading an account itself. */
export function accountScope(scope: ReadScope): SQL {
  if (scope.kind === "staff") return sql`true`;
  return sql`${accounts.id} in (select ${accountContacts.accountId} from ${accountContacts} where ${accountContacts.userId} = ${scope.userId})`;
}
