import { sql } from "drizzle-orm";
import type { NotificationKind } from "#db/schema/accounts";
import type { Executor } from "~/db.server";
import { textArray } from "~/utils/sql-array.server";
import { pickRecipients, wantsKind, type RecipientContact, type RecipientOptions, type Recipients } from "./account-recipients";

export type { Recipients } from "./account-recipients";

/**
 * Who gets one email of `kind` about an account: its billing email and billing contacts who want
 * it in To, the others who want it in CC (rules in `pickRecipients`). Every sender of mail that concerns an account asks here.
 */
export async function accountRecipients(executor: Executor, accountId: string, kind: NotificationKind, options?: RecipientOptions): Promise<Recipients> {
  return (await accountRecipientsFor(executor, [accountId], kind, options)).get(accountId) ?? { to: [], cc: [], toName: null };
}

/** The same for several accounts in one query (the reminder sender's batches), by account. */
export async function accountRecipientsFor(executor: Executor, accountIds: readonly string[], kind: NotificationKind, options?: RecipientOptions): Promise<Map<string, Recipients>> {
  if (accountIds.length === 0) return new Map();
  const rows = await executor.execute<{ account_id: string; billing_email: string | null; user_id: string | null; email: string | null; name: string | null; role: RecipientContact["role"] | null; reminders: RecipientContact["reminders"] | null; notifications: RecipientContact["notifications"] | null }>(sql`
    select a.id as account_id, nullif(a.billing_email, '') as billing_email, c.user_id, u.email, u.name, c.role, c.reminders, c.notifications
    from accounts a
    left join account_contacts c on c.account_id = a.id
    left join users u on u.id = c.user_id
    where a.id = any(${textArray(accountIds)})
    order by a.id, u.email`);
  const byAccount = new Map<string, { billingEmail: string | null; contacts: RecipientContact[] }>();
  for (const r of rows) {
    const entry = byAccount.get(r.account_id) ?? { billingEmail: r.billing_email, contacts: [] };
    byAccount.set(r.account_id, entry);
    if (r.user_id && r.email) entry.contacts.push({ userId: r.user_id, email: r.email, name: r.name ?? "", role: r.role ?? "billing", reminders: r.reminders ?? "to", notifications: r.notifications ?? {} });
  }
  const out = new Map<string, Recipients>();
  for (const [accountId, entry] of byAccount) out.set(accountId, pickRecipients(entry, entry.contacts, kind, options));
  return out;
}

/**
 * Whether one user wants an email of `kind` about an account (their own receipt): a contact who
 * turned the kind off does not; someone who is not (or no longer) a contact keeps getting theirs.
 */
export async function userWants(executor: Executor, userId: string, accountId: string, kind: NotificationKind): Promise<boolean> {
  const [row] = await executor.execute<{ notifications: RecipientContact["notifications"] }>(sql`select notifications from account_contacts where account_id = ${accountId} and user_id = ${userId}`);
  return wantsKind(row?.notifications, kind);
}

/** The recipients as an email's `to` and `cc` fields (comma-separated; no `cc` when nobody is copied). */
export function addressOf(recipients: Recipients): { to: string; cc?: string } {
  return { to: recipients.to.join(", "), ...(recipients.cc.length > 0 ? { cc: recipients.cc.join(", ") } : {}) };
}
