import { and, asc, eq } from "drizzle-orm";
import { accountContacts, accounts, notificationKinds, users, type ContactRole, type NotificationKind } from "#db/schema/accounts";
import { db } from "~/db.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { forbidden, notFound, type Problem } from "~/utils/problem";
import { wantsKind } from "./account-recipients";

export type NotificationSettings = {
  account: { id: string; name: string; number: string };
  contacts: Array<{ name: string; email: string; role: ContactRole; me: boolean }>;
  /** The payer's own choices, every kind (absent in the database = wanted). */
  mine: Record<NotificationKind, boolean>;
};

const NOT_A_CONTACT = "Account not found.";

/** The payer's page: their account's contacts (read only) and their own email preferences for it. */
export async function getNotificationSettings(actor: Actor, accountId: string): Promise<NotificationSettings | Problem> {
  if (actor.kind !== "payer") return forbidden("Only a payer has email preferences here.");
  const [account] = await db.select({ id: accounts.id, name: accounts.name, number: accounts.number }).from(accounts).where(eq(accounts.id, accountId));
  if (!account) return notFound(NOT_A_CONTACT);
  const rows = await db
    .select({ userId: users.id, name: users.name, email: users.email, role: accountContacts.role, notifications: accountContacts.notifications })
    .from(accountContacts)
    .innerJoin(users, eq(users.id, accountContacts.userId))
    .where(eq(accountContacts.accountId, accountId))
    .orderBy(asc(users.name));
  const own = rows.find((r) => r.userId === actor.userId);
  if (!own) return notFound(NOT_A_CONTACT);
  return {
    account,
    contacts: rows.map((r) => ({ name: r.name, email: r.email, role: r.role, me: r.userId === actor.userId })),
    mine: Object.fromEntries(notificationKinds.map((k) => [k, wantsKind(own.notifications, k)])) as Record<NotificationKind, boolean>,
  };
}

/** A payer saves which emails about an account they get (their own row only); audited with what changed. */
export async function saveNotificationPreferences(actor: Actor, input: { accountId: string; wants: Record<NotificationKind, boolean> }): Promise<{ changed: NotificationKind[] } | Problem> {
  if (actor.kind !== "payer") return forbidden("Only a payer sets their own email preferences.");
  return db.transaction(async (tx) => {
    const where = and(eq(accountContacts.accountId, input.accountId), eq(accountContacts.userId, actor.userId));
    const [row] = await tx.select({ notifications: accountContacts.notifications }).from(accountContacts).where(where).for("update");
    if (!row) return notFound(NOT_A_CONTACT);
    const changed = notificationKinds.filter((k) => wantsKind(row.notifications, k) !== input.wants[k]);
    if (changed.length === 0) return { changed };
    await tx.update(accountContacts).set({ notifications: { ...input.wants } }).where(where);
    await recordAudit(tx, { ...auditActor(actor), action: "contact.notifications_set", subjectType: "account", subjectId: input.accountId, data: { userId: actor.userId, notifications: input.wants, changed } });
    return { changed };
  });
}

/** Staff view: each contact's preferences, by user (read only on the customer page). */
export async function contactPreferences(accountId: string): Promise<Record<string, Record<NotificationKind, boolean>>> {
  const rows = await db.select({ userId: accountContacts.userId, notifications: accountContacts.notifications }).from(accountContacts).where(eq(accountContacts.accountId, accountId));
  return Object.fromEntries(rows.map((r) => [r.userId, Object.fromEntries(notificationKinds.map((k) => [k, wantsKind(r.notifications, k)]))])) as Record<string, Record<NotificationKind, boolean>>;
}
