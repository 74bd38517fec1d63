import type { ContactRole, NotificationKind } from "#db/schema/accounts";

/** One contact of an account as the recipient rule reads it. */
export type RecipientContact = {
  userId: string;
  email: string;
  name: string;
  role: ContactRole;
  /** The AR team's choice for reminder emails: To, CC or none. */
  reminders: "to" | "cc" | "none";
  notifications: Partial<Record<NotificationKind, boolean>>;
};

export type Recipients = {
  to: string[];
  cc: string[];
  /** The one person the email is addressed to, for its greeting (null: several, or the AP mailbox). */
  toName: string | null;
};

export type RecipientOptions = {
  /** Users who started what the email is about (opened the dispute, set up the plan): in To, if they want the kind. */
  alsoTo?: readonly string[];
};

/** A contact wants every kind they have not turned off (an absent key is a yes). */
export const wantsKind = (notifications: Partial<Record<NotificationKind, boolean>> | null | undefined, kind: NotificationKind): boolean => notifications?.[kind] !== false;

type Place = "to" | "cc" | "none";

function placeOf(contact: RecipientContact, kind: NotificationKind, alsoTo: readonly string[]): Place {
  if (!wantsKind(contact.notifications, kind)) return "none";
  if (kind === "reminders" && contact.reminders === "none") return "none";
  if (alsoTo.includes(contact.userId)) return "to";
  // Reminders keep the AR team's CC choice; a billing contact is addressed, the others copied.
  if (kind === "reminders" && contact.reminders === "cc") return "cc";
  return contact.role === "billing" ? "to" : "cc";
}

/**
 * Who gets one email about an account (pure; `account-recipients.server.ts` reads the facts):
 * - To: the billing contacts who want `kind` (and the `alsoTo` users who want it);
 * - CC: the approvers and others who want it (for reminders also whom the AR team chose to copy);
 * - the account's billing email (the AP mailbox of record: a billing address with no person's
 *   preferences) is always in To — unless it is the address of a contact who turned that email off;
 * - nobody in To but someone in CC: they are addressed instead (one email still reaches them).
 * One list each, without duplicates (case-insensitive), so the account gets one email, never one per person.
 */
export function pickRecipients(account: { billingEmail: string | null }, contacts: readonly RecipientContact[], kind: NotificationKind, options: RecipientOptions = {}): Recipients {
  const alsoTo = options.alsoTo ?? [];
  const to: RecipientContact[] = [];
  const cc: RecipientContact[] = [];
  const refused = new Set<string>();
  for (const contact of contacts) {
    const place = placeOf(contact, kind, alsoTo);
    if (place === "to") to.push(contact);
    else if (place === "cc") cc.push(contact);
    else refused.add(contact.email.trim().toLowerCase());
  }
  const mailbox = account.billingEmail?.trim();
  let toEmails = unique([...(mailbox && !refused.has(mailbox.toLowerCase()) ? [mailbox] : []), ...to.map((c) => c.email)]);
  let ccEmails = unique(cc.map((c) => c.email)).filter((e) => !toEmails.some((t) => t.toLowerCase() === e.toLowerCase()));
  if (toEmails.length === 0) [toEmails, ccEmails] = [ccEmails, []];
  const named = [...to, ...cc].filter((c) => toEmails.some((t) => t.toLowerCase() === c.email.trim().toLowerCase()));
  return { to: toEmails, cc: ccEmails, toName: toEmails.length === 1 && named.length === 1 ? named[0]!.name : null };
}

function unique(emails: string[]): string[] {
  const seen = new Map<string, string>();
  for (const raw of emails) {
    const email = raw.trim();
    if (email && !seen.has(email.toLowerCase())) seen.set(email.toLowerCase(), email);
  }
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}
