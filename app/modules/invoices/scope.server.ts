import { and, eq, sql, type AnyColumn, type Placeholder, type SQL } from "drizzle-orm";
import { accountContacts, accounts } from "#db/schema/accounts";
import { invoices } from "#db/schema/invoices";
import type { Executor } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";

/**
 * The tenant scope of everything a payer reads or changes — invoices, statements, payments,
 * disputes, attachments, plans: a payer reaches only rows of accounts they are a contact of.
 * This is the one place that decides it (a test keeps account_contacts out of other payer
 * queries); every query filters with it in its WHERE clause, so a new query or column cannot
 * reach another account's rows.
 */

/**
 * Who is reading: an Actor. A payer is bound to the accounts they are a contact of; staff, API
 * keys and the system read every account (their use cases check role and scopes themselves).
 * `{ kind: "staff" }` is the older spelling, kept while the other modules move to the Actor.
 */
export type ReadScope = Actor | { kind: "payer"; userId: string } | { kind: "staff" };

/** Rows whose account column is one of the reader's accounts (staff: every account; a pay link: its one account). */
export function inReadersAccounts(scope: ReadScope, accountColumn: AnyColumn): SQL {
  if (scope.kind === "pay_link") return sql`${accountColumn} = ${scope.accountId}`;
  if (scope.kind !== "payer") return sql`true`;
  return sql`${accountColumn} in (select ${accountContacts.accountId} from ${accountContacts} where ${accountContacts.userId} = ${scope.userId})`;
}

/**
 * Rows of one account, if the reader may see it. For a payer the access check is made on the
 * account, not per row: Postgres runs it once (a one-time filter) instead of matching each of
 * the account's rows (5,000 invoices for a big one) against the payer's contacts.
 */
export function inReadersAccount(scope: ReadScope, accountColumn: AnyColumn, accountId: string): SQL {
  if (scope.kind === "pay_link") return sql`${accountColumn} = ${accountId} and ${accountId} = ${scope.accountId}`;
  if (scope.kind !== "payer") return sql`${accountColumn} = ${accountId}`;
  return inPayersAccount(accountColumn, scope.userId, accountId);
}

function inPayersAccount(accountColumn: AnyColumn, userId: string | Placeholder, accountId: string | Placeholder): SQL {
  return sql`${accountColumn} = ${accountId} and exists (select 1 from ${accountContacts} where ${accountContacts.userId} = ${userId} and ${accountContacts.accountId} = ${accountId})`;
}

/**
 * `inReadersAccount` for a payer in a prepared statement (ADR kept account totals): the payer and
 * the account are the placeholders `userId` and `accountId`, given at each execution.
 */
export const inPayersAccountPrepared = (accountColumn: AnyColumn): SQL => inPayersAccount(accountColumn, sql.placeholder("userId"), sql.placeholder("accountId"));

/** Whether a payer is a contact of the account (before changing something of that account). */
export async function isContactOf(executor: Executor, userId: string, accountId: string): Promise<boolean> {
  const [row] = await executor
    .select({ accountId: accountContacts.accountId })
    .from(accountContacts)
    .where(and(eq(accountContacts.accountId, accountId), eq(accountContacts.userId, userId)));
  return row !== undefined;
}

/** The tenant filter every invoice query carries; a pay link reaches only the invoices it names. */
export const invoiceScope = (scope: ReadScope): SQL =>
  scope.kind === "pay_link" ? sql`${invoices.accountId} = ${scope.accountId} and ${invoices.id} in ${[...scope.invoiceIds, ""]}` : inReadersAccounts(scope, invoices.accountId);

/** The invoices of one account, if the reader may see it. */
export const accountInvoicesScope = (scope: ReadScope, accountId: string): SQL => inReadersAccount(scope, invoices.accountId, accountId);

/** The same filter for reading an account itself. */
export const accountScope = (scope: ReadScope): SQL => inReadersAccounts(scope, accounts.id);

export const payerScope = (userId: string): ReadScope => ({ kind: "payer", userId });
